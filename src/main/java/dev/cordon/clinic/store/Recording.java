package dev.cordon.clinic.store;

import java.time.Instant;

public record Recording(long id, long consultationId, String mode, Integer durationSeconds, Instant recordedAt,
                        String clinician, String contentType) {}
