package dev.cordon.target;

import java.util.Map;

/**
 * What one request showed: the operation, method and path (never headers, tokens or bodies), the status, the cache
 * policy it came with, and the values the profile told us to extract.
 */
public record Observation(String operation, String method, String path, int status, String cacheControl,
                          String contentType, long millis, Map<String, Object> extracted) {
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
        return new Observation(operation, method, path, status, cacheControl, contentType, millis, Map.copyOf(values));
    }

    public String request() {
        return method + " " + path;
    }
}
