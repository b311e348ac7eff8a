package dev.cordon.ledger;

/** A recording the target confirmed for one of the patient's consultations: the expected truth of who owns it. */
public record LedgerRecording(String recordingId, String patientKey, String consultationId, String mode, String cohort) {
}
