package dev.cordon.population;

import dev.cordon.config.Secret;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Patient passwords derived from a key and the patient's identity, so a later process (seed and verify around a
 * deploy) can log the same patients in without any password ever being written to the ledger, a log or a report.
 */
public final class Passwords {
    private final Secret key;

    public Passwords(Secret key) {
        this.key = key;
    }

    /** A value that proves the key without revealing it: the ledger header keeps it, verify compares it. */
    public String checkValue(String runId) {
        return "kc-" + of(runId, "#ledger-key-check").substring(4, 20);
    }

    public String of(String runId, String patientKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((runId + "/" + patientKey).getBytes(StandardCharsets.UTF_8));
            return "Cx1-" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 24);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
