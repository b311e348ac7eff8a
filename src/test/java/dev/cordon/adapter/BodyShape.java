package dev.cordon.adapter;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The shape of a 2xx answer: its media type without parameters, and for a JSON object its sorted top-level field names
 * (values vary: ids, timestamps), for an array "array". Computed the first time it is asked for, as {@link BodyDigest}
 * is: only a foreign answer that opened is compared with its owner's, and working it out for every listing page and
 * every own open cost the gate CPU that, on shared cores, is the target's. The parsed answer is dropped once asked.
 */
public final class BodyShape {
    private String contentType;
    private JsonNode json;
    private String text;

    private BodyShape(String contentType, JsonNode json, String text) {
        this.contentType = contentType;
        this.json = json;
        this.text = text;
    }

    /** Of this answer (its Content-Type, and its body parsed as JSON or null), worked out when first asked for. */
    public static BodyShape of(String contentType, JsonNode json) {
        return new BodyShape(contentType, json, null);
    }

    /** A shape already known, or null for none. */
    public static BodyShape known(String text) {
        return text == null ? null : new BodyShape(null, null, text);
    }

    public synchronized String text() {
        if (text == null) {
            int semicolon = contentType == null ? -1 : contentType.indexOf(';');
            String type = contentType == null ? "none"
                    : (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
            if (json != null && json.isObject()) {
                List<String> names = new ArrayList<>();
                json.fieldNames().forEachRemaining(names::add);
                Collections.sort(names);
                text = type + " " + names;
            } else {
                text = json != null && json.isArray() ? type + " array" : type;
            }
            contentType = null;
            json = null;
        }
        return text;
    }

    @Override
    public String toString() {
        return text();
    }
}
