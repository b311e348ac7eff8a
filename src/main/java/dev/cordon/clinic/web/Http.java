package dev.cordon.clinic.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.clinic.Fault;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers shared by the API and the pages. */
final class Http {
    static final String SESSION_COOKIE = "CLINIC_SESSION";

    private Http() {}

    static void json(Services s, Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(s.json().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Marks a response as private: never to be stored by a cache (unless the cache-policy fault is on). */
    static void privateResponse(Services s, Context ctx) {
        ctx.header("Cache-Control", s.has(Fault.PRIVATE_RESPONSES_CACHEABLE) ? "public, max-age=300" : "no-store");
    }

    /** The patient a bearer token belongs to; marks the response private first. 401 without a live session. */
    static long caller(Services s, Context ctx) {
        privateResponse(s, ctx);
        String token = bearer(ctx);
        if (token == null) throw ApiError.unauthorized("missing token (Authorization: Bearer <token>)");
        return s.sessions().patientOf(token).orElseThrow(() -> ApiError.unauthorized("invalid or expired token"));
    }

    static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }

    static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    static JsonNode body(Services s, Context ctx) {
        String raw = ctx.body();
        if (raw == null || raw.isBlank()) throw ApiError.badRequest("request body must be a JSON object");
        try {
            JsonNode node = s.json().readTree(raw);
            if (node == null || !node.isObject()) throw ApiError.badRequest("request body must be a JSON object");
            return node;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON body");
        }
    }

    static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) throw ApiError.badRequest("missing field: " + field);
        if (!v.isTextual()) throw ApiError.badRequest("field " + field + " must be a string");
        return v.asText();
    }

    static String optionalText(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiError.badRequest("field " + field + " must be a string");
        return v.asText();
    }

    /** A required id field of a JSON body: a whole number, or a string of digits; 400 otherwise. */
    static long bodyId(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) throw ApiError.badRequest("missing field: " + field);
        if (v.isIntegralNumber() && v.canConvertToLong()) return v.asLong();
        if (v.isTextual() && v.asText().trim().matches("\\d{1,18}")) return Long.parseLong(v.asText().trim());
        throw ApiError.badRequest("field " + field + " must be a whole number (an id)");
    }

    static long id(Context ctx, String what) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiError.notFound(what);
        }
    }

    /** A positive whole query parameter, or the default; 400 otherwise. */
    static int positiveInt(Context ctx, String name, int defaultValue, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) return defaultValue;
        try {
            int v = Integer.parseInt(raw.trim());
            if (v < 1 || v > max) throw ApiError.badRequest(name + " must be between 1 and " + max);
            return v;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + " must be a whole number");
        }
    }
}
