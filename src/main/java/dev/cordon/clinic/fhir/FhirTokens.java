package dev.cordon.clinic.fhir;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SMART-style access tokens of the FHIR face: opaque random strings held in memory, each bound to one patient
 * and one scope, valid for {@link #LIFETIME}. A restart invalidates them all, as the JSON API's sessions.
 */
final class FhirTokens {
    static final Duration LIFETIME = Duration.ofHours(1);
    static final String PATIENT_READ = "patient/*.read";
    private static final int TOKEN_BYTES = 32;

    record Grant(long patientId, String scope, Instant expiresAt) {}

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final Clock clock;

    FhirTokens(Clock clock) { this.clock = clock; }

    String issue(long patientId, String scope) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        grants.put(token, new Grant(patientId, scope, clock.instant().plus(LIFETIME)));
        grants.values().removeIf(g -> g.expiresAt().isBefore(clock.instant()));
        return token;
    }

    Optional<Grant> grant(String token) {
        if (token == null) return Optional.empty();
        Grant g = grants.get(token);
        if (g == null) return Optional.empty();
        if (!g.expiresAt().isAfter(clock.instant())) {
            grants.remove(token);
            return Optional.empty();
        }
        return Optional.of(g);
    }
}
