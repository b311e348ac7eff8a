package dev.cordon.clinic.store;

import java.time.Instant;

/** A patient's document attached to one of their consultations (release 2.1.0). {@code size} is in bytes. */
public record Document(long id, long patientId, long consultationId, String title, String contentType, int size,
                       Instant createdAt) {}
