package dev.cordon.ledger;

/** A synthetic patient the target confirmed, with the id the target gave it. No password: see Passwords. */
public record LedgerPatient(String key, String cohort, String targetId, String username, String externalRef,
                            String nhsNumber, String createdAt) {
}
