package dev.cordon.clinic.store;

import java.time.Instant;
import java.util.List;

/** A consultation. {@code careRecordId} is the care record it is filed under (release 2.2.0 on); null before. */
public record Consultation(long id, long patientId, Instant slot, String clinician, String status, String mode,
                           List<Long> recordingIds, Long careRecordId) {
    public static final String BOOKED = "BOOKED";
    public static final String IN_PROGRESS = "IN_PROGRESS";
    public static final String COMPLETED = "COMPLETED";
    public static final String AUDIO = "AUDIO";
    public static final String VIDEO = "VIDEO";
}
