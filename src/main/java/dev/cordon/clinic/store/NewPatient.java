package dev.cordon.clinic.store;

import java.time.LocalDate;

/** What the operator supplies to register a patient; the password is already hashed. */
public record NewPatient(String name, LocalDate dateOfBirth, String nhsNumber, String username,
                         String email, String passwordHash, String externalRef) {}
