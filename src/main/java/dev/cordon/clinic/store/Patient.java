package dev.cordon.clinic.store;

import java.time.Instant;
import java.time.LocalDate;

public record Patient(long id, String name, LocalDate dateOfBirth, String nhsNumber, String username,
                      String email, String passwordHash, String externalRef, Instant createdAt) {}
