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
        return fill(template, values, v -> URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20"));
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

    private static String fill(String template, Map<String, String> values, UnaryOperator<String> encode) {
        if (template == null || template.indexOf('{') < 0) {
            return template; // nothing to fill (most header values and listing paths)
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("no value for {" + m.group(1) + "} in " + template);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(encode.apply(value)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
