package dev.cordon.clinic.store;

import java.time.Instant;
import java.time.LocalDate;

/** A patient record. {@code accountId} is the sign-up account's id (release 2.1.0 on); null on older releases. */
public record Patient(long id, String name, LocalDate dateOfBirth, String nhsNumber, String username,
                      String email, String passwordHash, String externalRef, Instant createdAt, String accountId) {}
