package dev.cordon.ledger;

import java.util.Map;

/**
 * A synthetic patient the target confirmed, with the owner id ({@code targetId}) and every id its account creation
 * extracted (e.g. account id and patient-record id). No password: see Passwords.
 */
public record LedgerPatient(String key, String cohort, String targetId, String username, String email,
                            String externalRef, String nhsNumber, String createdAt, Map<String, String> ids) {
    public LedgerPatient {
        ids = ids == null ? Map.of() : Map.copyOf(ids);
    }

    /** What the profile's templates may use for this patient after seeding: every id, the login names, the run tag. */
    public Map<String, String> values() {
        Map<String, String> values = new java.util.LinkedHashMap<>(ids);
        values.put("username", username);
        if (email != null) {
            values.put("email", email);
        }
        values.put("externalRef", externalRef);
        values.put("runTag", externalRef);
        values.put("nhsNumber", nhsNumber);
        return values;
    }
}
