package dev.cordon.config;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A secret resolved from configuration. Environment files may only refer to secrets (${VAR}) or ask for a
 * fresh one per run; the value never appears in toString, logs or reports.
 */
public final class Secret {
    public static final String GENERATED = "generated-per-run";
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final String value;
    private final String origin;

    private Secret(String value, String origin) {
        this.value = value;
        this.origin = origin;
    }

    public static Secret resolve(String file, String key, String declared, Map<String, String> env, boolean generationAllowed) {
        if (GENERATED.equals(declared)) {
            if (!generationAllowed) {
                throw new ConfigException("%s: key '%s': '%s' only works where Cordon starts the target itself; use an environment variable reference such as ${CLINIC_OPERATOR_SECRET}"
                        .formatted(file, key, GENERATED));
            }
            byte[] bytes = new byte[24];
            new SecureRandom().nextBytes(bytes);
            return new Secret(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), "generated for this run");
        }
        Matcher matcher = REFERENCE.matcher(declared);
        if (!matcher.matches()) {
            throw new ConfigException("%s: key '%s': expected an environment variable reference like ${CLINIC_OPERATOR_SECRET} or '%s'; secrets are never written into environment files"
                    .formatted(file, key, GENERATED));
        }
        String variable = matcher.group(1);
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            throw new ConfigException("%s: key '%s': environment variable %s is not set; export it (or define it as a CI secret) before running the gate"
                    .formatted(file, key, variable));
        }
        return new Secret(value, "from $" + variable);
    }

    public static Secret of(String value, String origin) {
        return new Secret(value, origin);
    }

    public String reveal() {
        return value;
    }

    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return "[secret " + origin + "]";
    }
}
