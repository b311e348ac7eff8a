package dev.cordon.adapter;

import java.util.Map;

/**
 * What one request showed: the operation, method and path (never headers, tokens or bodies), the status, the cache
 * policy it came with, the values the profile told us to extract, and of a 2xx answer a digest of its body (SHA-256)
 * and its shape (media type, and for a JSON object its top-level field names), so two answers can be compared without
 * keeping either.
 */
public record Observation(String operation, String method, String path, int status, String cacheControl,
                          String contentType, long millis, Map<String, Object> extracted, BodyDigest body, BodyShape shape) {
    public Observation(String operation, String method, String path, int status, String cacheControl,
                       String contentType, long millis, Map<String, Object> extracted) {
        this(operation, method, path, status, cacheControl, contentType, millis, extracted, (BodyDigest) null, (BodyShape) null);
    }

    public Observation(String operation, String method, String path, int status, String cacheControl,
                       String contentType, long millis, Map<String, Object> extracted, String digest, String shape) {
        this(operation, method, path, status, cacheControl, contentType, millis, extracted, BodyDigest.known(digest), BodyShape.known(shape));
    }

    /** The SHA-256 (hex) of a 2xx answer's body, null for other answers. */
    public String digest() {
        return body == null ? null : body.hex();
    }

    /** Whether this answer is, as far as can be told without keeping bodies, what {@code other} is: same bytes or same shape. */
    public boolean sameContentAs(Observation other) {
        String mine = digest();
        return (mine != null && mine.equals(other.digest())) || (shape != null && other.shape != null && shape.text().equals(other.shape.text()));
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    public boolean serverError() {
        return status >= 500;
    }

    public String value(String key) {
        Object value = extracted.get(key);
        return value == null ? null : String.valueOf(value);
    }

    /** The same observation with values the profile told us to extract from its answer. */
    public Observation with(Map<String, Object> values) {
        return new Observation(operation, method, path, status, cacheControl, contentType, millis, Map.copyOf(values), body, shape);
    }

    public String request() {
        return method + " " + path;
    }
}
