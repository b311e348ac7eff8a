package dev.cordon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A YAML node that remembers its file and key, so every validation error says where and what was expected.
 * Unknown keys are rejected: a typo in an environment file must not silently fall back to a default.
 */
public final class ConfigNode {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String file;
    private final String key;
    private final JsonNode node;

    private ConfigNode(String file, String key, JsonNode node) {
        this.file = file;
        this.key = key;
        this.node = node;
    }

    public static ConfigNode load(Path path) {
        String file = path.toString();
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(file + ": file not found");
        }
        try {
            JsonNode root = YAML.readTree(path.toFile());
            if (root == null || !root.isObject()) {
                throw new ConfigException(file + ": expected a YAML mapping at the top level");
            }
            return new ConfigNode(file, "", root);
        } catch (IOException e) {
            throw new ConfigException(file + ": not valid YAML: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        return message == null ? "unreadable" : message.lines().findFirst().orElse(message);
    }

    public String file() {
        return file;
    }

    public String key() {
        return key;
    }

    public boolean has(String name) {
        return node.has(name) && !node.get(name).isNull();
    }

    public ConfigNode section(String name) {
        JsonNode child = node.get(name);
        if (child == null || child.isNull()) {
            throw ConfigException.at(file, path(name), "a mapping", null);
        }
        if (!child.isObject()) {
            throw ConfigException.at(file, path(name), "a mapping", child.asText());
        }
        return new ConfigNode(file, path(name), child);
    }

    public ConfigNode optionalSection(String name) {
        return has(name) ? section(name) : new ConfigNode(file, path(name), YAML.createObjectNode());
    }

    public String text(String name) {
        JsonNode child = node.get(name);
        if (child == null || child.isNull() || !child.isValueNode() || child.asText().isBlank()) {
            throw ConfigException.at(file, path(name), "a non-empty value", child == null ? null : child.toString());
        }
        return child.asText();
    }

    public String text(String name, String fallback) {
        return has(name) ? text(name) : fallback;
    }

    public int positiveInt(String name, int fallback) {
        return has(name) ? intAtLeast(name, 1) : fallback;
    }

    public int intAtLeast(String name, int min) {
        JsonNode child = node.get(name);
        if (child == null || !child.canConvertToInt() || !child.isIntegralNumber() || child.asInt() < min) {
            throw ConfigException.at(file, path(name), "an integer of at least " + min, child == null ? null : child.asText());
        }
        return child.asInt();
    }

    public int intAtLeast(String name, int min, int fallback) {
        return has(name) ? intAtLeast(name, min) : fallback;
    }

    public long longValue(String name, long fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode child = node.get(name);
        if (!child.isIntegralNumber()) {
            throw ConfigException.at(file, path(name), "an integer", child.asText());
        }
        return child.asLong();
    }

    public boolean bool(String name, boolean fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode child = node.get(name);
        if (!child.isBoolean()) {
            throw ConfigException.at(file, path(name), "true or false", child.asText());
        }
        return child.asBoolean();
    }

    public boolean requiredBool(String name) {
        if (!has(name)) {
            throw ConfigException.at(file, path(name), "true or false", null);
        }
        return bool(name, false);
    }

    public String oneOf(String name, Set<String> allowed, String fallback) {
        String value = has(name) ? text(name) : fallback;
        if (value == null || !allowed.contains(value)) {
            throw ConfigException.at(file, path(name), "one of " + String.join(", ", allowed), value);
        }
        return value;
    }

    public List<String> textList(String name) {
        if (!has(name)) {
            return List.of();
        }
        JsonNode child = node.get(name);
        if (!child.isArray()) {
            throw ConfigException.at(file, path(name), "a list", child.asText());
        }
        List<String> values = new ArrayList<>();
        child.forEach(item -> values.add(item.asText()));
        return values;
    }

    /** The raw value of a key, for body templates that are passed on as JSON. */
    public JsonNode raw(String name) {
        return node.get(name);
    }

    public Map<String, ConfigNode> sections() {
        Map<String, ConfigNode> sections = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> sections.put(e.getKey(), section(e.getKey())));
        return sections;
    }

    public Map<String, String> textMap(String name) {
        Map<String, String> values = new LinkedHashMap<>();
        if (has(name)) {
            ConfigNode map = section(name);
            map.node.fields().forEachRemaining(e -> values.put(e.getKey(), map.text(e.getKey())));
        }
        return values;
    }

    /** Rejects keys this node does not know, naming the first one and the keys that are allowed. */
    public ConfigNode onlyKeys(String... allowed) {
        Set<String> known = Set.of(allowed);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ConfigException.at(file, path(name), "one of the known keys " + String.join(", ", allowed), name);
            }
        }
        return this;
    }

    /** The items of a list-valued key, each a node that remembers its index for error messages. */
    public List<ConfigNode> list(String name) {
        if (!has(name)) {
            return List.of();
        }
        JsonNode child = node.get(name);
        if (!child.isArray()) {
            throw ConfigException.at(file, path(name), "a list", child.toString());
        }
        List<ConfigNode> items = new ArrayList<>();
        for (int i = 0; i < child.size(); i++) {
            if (!child.get(i).isObject()) {
                throw ConfigException.at(file, path(name) + "[" + i + "]", "a mapping", child.get(i).toString());
            }
            items.add(new ConfigNode(file, path(name) + "[" + i + "]", child.get(i)));
        }
        return items;
    }

    /** True when the key holds a plain value (text, number, boolean) rather than a mapping or list. */
    public boolean isValue(String name) {
        return has(name) && node.get(name).isValueNode();
    }

    /** The keys of this mapping, in file order. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** A child node's location, for messages about a key this node holds. */
    public String keyOf(String name) {
        return path(name);
    }

    private String path(String name) {
        return key.isEmpty() ? name : key + "." + name;
    }
}
