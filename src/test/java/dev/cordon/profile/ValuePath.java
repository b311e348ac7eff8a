package dev.cordon.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import dev.cordon.config.ConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a value sits in a JSON answer: a JSONPath ({@code $.items[*].id}, Jayway JsonPath) or a JSON Pointer
 * ({@code /items/0/id}). Data, never code: the expression is parsed by a path library that has no way to call out of
 * the document (unlike REST Assured's GPath, which is Groovy and runs whatever it is given).
 */
public final class ValuePath {
    private static final Configuration JACKSON = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider())
            .mappingProvider(new JacksonMappingProvider())
            .build();

    /** {@code $.a.b} or {@code $.a.b[*]}: the shape of most listing paths, read without the path library (see fast). */
    private static final java.util.regex.Pattern SIMPLE = java.util.regex.Pattern.compile(
            "\\$((?:\\.[A-Za-z_][A-Za-z0-9_]*)+)(\\[\\*])?");

    private final String expression;
    private final JsonPath jsonPath;
    private final String[] fields;
    private final boolean eachItem;

    private ValuePath(String expression, JsonPath jsonPath) {
        this.expression = expression;
        this.jsonPath = jsonPath;
        java.util.regex.Matcher simple = jsonPath == null ? null : SIMPLE.matcher(expression);
        boolean isSimple = simple != null && simple.matches();
        this.fields = isSimple ? simple.group(1).substring(1).split("\\.") : null;
        this.eachItem = isSimple && simple.group(2) != null;
    }

    /** Parses a path from a profile; a value that is neither a JSONPath nor a JSON Pointer is a configuration error. */
    public static ValuePath parse(String file, String key, String expression) {
        if (expression == null || expression.isBlank()) {
            throw ConfigException.at(file, key, "a JSONPath starting with $ or a JSON Pointer starting with /", expression);
        }
        if (expression.startsWith("/")) {
            return new ValuePath(expression, null);
        }
        if (!expression.startsWith("$")) {
            throw ConfigException.at(file, key, "a JSONPath starting with $ (e.g. $.items[*].id) or a JSON Pointer starting with /"
                    + " (profile v2 paths are data, not REST Assured GPath)", expression);
        }
        try {
            return new ValuePath(expression, JsonPath.compile(expression));
        } catch (InvalidPathException | IllegalArgumentException e) {
            throw ConfigException.at(file, key, "a valid JSONPath (" + e.getMessage() + ")", expression);
        }
    }

    public String expression() {
        return expression;
    }

    /** True when the path can select several values ({@code [*]}, {@code ..}, filters). */
    public boolean definite() {
        return jsonPath == null || jsonPath.isDefinite();
    }

    /** Every value the path selects; empty when the path selects an empty list; absent when the path is not there. */
    public Optional<List<JsonNode>> all(JsonNode document) {
        JsonNode found = select(document);
        if (found == null) {
            return Optional.empty();
        }
        List<JsonNode> values = new ArrayList<>();
        if (found.isArray()) {
            // An indefinite path answers the list of what it selected; a definite one that points at a list means its items.
            found.forEach(values::add);
        } else if (!found.isNull() && !found.isMissingNode()) {
            values.add(found);
        }
        return Optional.of(values);
    }

    /** The one value at the path as text; empty when absent or null. */
    public Optional<String> text(JsonNode document) {
        JsonNode found = select(document);
        if (found == null || found.isNull() || found.isMissingNode()) {
            return Optional.empty();
        }
        if (found.isArray()) {
            return found.isEmpty() ? Optional.empty() : Optional.of(asText(found.get(0)));
        }
        return Optional.of(asText(found));
    }

    private JsonNode select(JsonNode document) {
        if (document == null) {
            return null;
        }
        if (jsonPath == null) {
            JsonNode found = document.at(expression);
            return found.isMissingNode() ? null : found;
        }
        if (fields != null) {
            JsonNode found = fast(document);
            if (found != null) {
                return found;
            }
        }
        try {
            Object result = jsonPath.read(document, JACKSON);
            if (result instanceof JsonNode node) {
                if (!definite() && node instanceof ArrayNode array && array.isEmpty() && !parentExists(document)) {
                    return null;
                }
                return node;
            }
            return result == null ? null : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode(String.valueOf(result));
        } catch (PathNotFoundException e) {
            return null;
        } catch (RuntimeException e) {
            // A path that does not fit this document's shape (e.g. indexing into a text) selects nothing.
            return null;
        }
    }

    /**
     * A dotted path of plain names, optionally ending in {@code [*]} over an array, read straight off the tree: what the
     * path library answers for it, at a fraction of the cost (every page of every listing runs one, and one per item).
     * Any other case (a name missing on the way, {@code [*]} over an object) is left to the library: null here.
     */
    private JsonNode fast(JsonNode document) {
        JsonNode node = document;
        for (String field : fields) {
            node = node.isObject() ? node.get(field) : null;
            if (node == null) {
                return null;
            }
        }
        if (!eachItem) {
            return node;
        }
        return node.isArray() ? node : null;
    }

    /**
     * An indefinite path such as {@code $.items[*]} answers an empty list both for {@code {"items": []}} and for a
     * document that has no {@code items} at all; only the first is an empty listing. The part before the first
     * wildcard or filter must exist.
     */
    private boolean parentExists(JsonNode document) {
        if (expression.startsWith("$[?")) {
            // A filter on the root ($[?(@.resourceType=='Bundle')].entry[*]) states the answer's shape: an answer that
            // passes it and lacks the rest holds an empty list (FHIR leaves out empty arrays); one that fails it has no list.
            int end = endOfFilter(expression, 1);
            if (end < 0) {
                return false;
            }
            try {
                Object value = JsonPath.using(JACKSON).parse(document).read(expression.substring(0, end + 1));
                return value instanceof JsonNode n && n.isArray() && !n.isEmpty();
            } catch (RuntimeException e) {
                return false;
            }
        }
        int cut = firstIndefinite(expression);
        if (cut <= 1) {
            return true;
        }
        String parent = expression.substring(0, cut);
        try {
            Object value = JsonPath.using(JACKSON.addOptions(Option.DEFAULT_PATH_LEAF_TO_NULL)).parse(document).read(parent);
            return value != null && !(value instanceof JsonNode n && (n.isNull() || n.isMissingNode()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The index of the ']' that closes the bracket opened at {@code open}, skipping quoted text; -1 when unclosed. */
    private static int endOfFilter(String expression, int open) {
        int depth = 0;
        char quote = 0;
        for (int i = open; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '[') {
                depth++;
            } else if (c == ']' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static int firstIndefinite(String expression) {
        int best = -1;
        for (String marker : new String[]{"[*]", "..", "[?", ".*"}) {
            int at = expression.indexOf(marker);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    private static String asText(JsonNode node) {
        return node.isValueNode() ? node.asText() : node.toString();
    }

    @Override
    public String toString() {
        return expression;
    }
}
