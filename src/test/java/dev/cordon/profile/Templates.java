package dev.cordon.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills a profile's templates with values: {@code {name}} in paths (URL-encoded), {@code ${name}} anywhere. Pure text
 * substitution: a value is never interpreted, so a value from the target cannot change what a template does.
 */
public final class Templates {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$?\\{([A-Za-z][A-Za-z0-9_]*)}");

    private Templates() {
    }

    public static Set<String> names(String template) {
        Set<String> names = new LinkedHashSet<>();
        if (template != null) {
            Matcher m = PLACEHOLDER.matcher(template);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    public static Set<String> names(JsonNode template) {
        Set<String> names = new LinkedHashSet<>();
        if (template == null) {
            return names;
        }
        if (template.isTextual()) {
            names.addAll(names(template.asText()));
        } else {
            template.forEach(child -> names.addAll(names(child)));
            if (template.isObject()) {
                template.fieldNames().forEachRemaining(n -> names.addAll(names(n)));
            }
        }
        return names;
    }

    /** A path with each placeholder replaced by its URL-encoded value. */
    public static String path(String template, Map<String, String> values) {
        return fill(template, values, v -> formEncode(v).replace("+", "%20"));
    }

    /** A header, query or form value with each placeholder replaced verbatim. */
    public static String text(String template, Map<String, String> values) {
        return fill(template, values, UnaryOperator.identity());
    }

    /** A JSON body template: a string that is exactly one placeholder takes the value whole; others are filled as text. */
    public static JsonNode json(JsonNode template, Map<String, String> values) {
        if (template.isTextual()) {
            return TextNode.valueOf(text(template.asText(), values));
        }
        if (template.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            template.fields().forEachRemaining(e -> copy.set(text(e.getKey(), values), json(e.getValue(), values)));
            return copy;
        }
        if (template.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            template.forEach(item -> copy.add(json(item, values)));
            return copy;
        }
        return template;
    }

    /**
     * Replaces each {@code {name}} or {@code ${name}} (as {@link #PLACEHOLDER} matches them, leftmost first) with its
     * encoded value. Scanned by hand rather than by the pattern: a path is filled for every request the gate sends.
     */
    private static String fill(String template, Map<String, String> values, UnaryOperator<String> encode) {
        if (template == null || template.indexOf('{') < 0) {
            return template; // nothing to fill (most header values and listing paths)
        }
        StringBuilder out = new StringBuilder(template.length() + 16);
        int copied = 0;
        int i = 0;
        while (i < template.length()) {
            int open = template.charAt(i) == '$' && i + 1 < template.length() && template.charAt(i + 1) == '{' ? i + 1
                    : template.charAt(i) == '{' ? i : -1;
            int close = open < 0 ? -1 : nameEnd(template, open + 1);
            if (close < 0) {
                i++;
                continue;
            }
            String name = template.substring(open + 1, close);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalStateException("no value for {" + name + "} in " + template);
            }
            out.append(template, copied, i).append(encode.apply(value));
            copied = i = close + 1;
        }
        return out.append(template, copied, template.length()).toString();
    }

    /** Where the name that starts at {@code from} ends with its closing brace, or -1 when no placeholder starts there. */
    private static int nameEnd(String template, int from) {
        if (from >= template.length() || !isAsciiLetter(template.charAt(from))) {
            return -1;
        }
        for (int j = from + 1; j < template.length(); j++) {
            char c = template.charAt(j);
            if (c == '}') {
                return j;
            }
            if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_')) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Form-encodes a value (as {@link URLEncoder} does); a value of unreserved characters only (ids, numbers) is itself. */
    public static String formEncode(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '*')) {
                return URLEncoder.encode(value, StandardCharsets.UTF_8);
            }
        }
        return value;
    }
}
