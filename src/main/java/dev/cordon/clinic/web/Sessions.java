package dev.cordon.clinic.web;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Opaque random tokens held in memory, one store per running clinic: a restart logs everyone out. */
public final class Sessions {
    private static final int TOKEN_BYTES = 32;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Long> patientByToken = new ConcurrentHashMap<>();

    public String open(long patientId) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        patientByToken.put(token, patientId);
        return token;
    }

    public Optional<Long> patientOf(String token) {
        return token == null ? Optional.empty() : Optional.ofNullable(patientByToken.get(token));
    }

    public void close(String token) {
        if (token != null) patientByToken.remove(token);
    }

    public void closeAllOf(long patientId) {
        patientByToken.values().removeIf(id -> id == patientId);
    }
}
