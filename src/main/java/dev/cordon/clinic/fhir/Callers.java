package dev.cordon.clinic.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Resolves the caller of a FHIR request from its bearer token, once per request: the operator secret gives
 * the operator, a token from {@code /fhir/auth/token} its patient. A token that is presented but unknown or
 * expired is a 401; no token at all is {@link Caller#ANONYMOUS} (the rules then allow only metadata).
 */
final class Callers {
    private static final String KEY = Callers.class.getName();

    private final byte[] operatorDigest;
    private final FhirTokens tokens;

    Callers(String operatorSecret, FhirTokens tokens) {
        this.operatorDigest = operatorSecret == null || operatorSecret.isEmpty() ? null : sha256(operatorSecret);
        this.tokens = tokens;
    }

    Caller of(RequestDetails request) {
        Object cached = request.getUserData().get(KEY);
        if (cached instanceof Caller c) return c;
        Caller caller = resolve(bearer(request.getHeader("Authorization")));
        request.getUserData().put(KEY, caller);
        return caller;
    }

    Caller resolve(String token) {
        if (token == null) return Caller.ANONYMOUS;
        // Compare digests so neither content nor length of the secret leaks through timing.
        if (operatorDigest != null && MessageDigest.isEqual(operatorDigest, sha256(token))) return Caller.OPERATOR;
        return tokens.grant(token).map(g -> Caller.patient(g.patientId()))
                .orElseThrow(() -> unauthorized("invalid or expired token"));
    }

    static AuthenticationException unauthorized(String message) {
        AuthenticationException e = new AuthenticationException(message);
        e.addResponseHeader("WWW-Authenticate", "Bearer realm=\"cordon-clinic\"");
        return e;
    }

    static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
