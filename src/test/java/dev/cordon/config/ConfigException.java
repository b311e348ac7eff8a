package dev.cordon.config;

/** A configuration problem found before any request: names the file, the key and what was expected. Exit code 2. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public static ConfigException at(String file, String key, String expected, Object found) {
        return new ConfigException("%s: key '%s': expected %s, found %s".formatted(file, key, expected,
                found == null ? "nothing" : "'" + found + "'"));
    }
}
