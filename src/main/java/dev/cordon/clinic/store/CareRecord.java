package dev.cordon.clinic.store;

import java.time.Instant;

/** A patient's care record (release 2.2.0): one per account; every consultation belongs to one. */
public record CareRecord(long id, long patientId, String gpPractice, String emergencyContact, Instant createdAt) {}
