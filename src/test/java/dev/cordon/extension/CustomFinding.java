package dev.cordon.extension;

import org.apiguardian.api.API;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A finding of a kind a step writer defines ({@code SESSION_OUTLIVES_SIGN_OUT}, say) in a category of their own (or a
 * built-in one: "Isolation breach", "Data loss", "Cache policy"). It fails the release like a built-in breach (exit
 * 1), is counted in the verdict line and summary.json under its kind, and is listed in the report under its category.
 * Evidence is what an auditor reads: ids, paths, statuses — never a token, password or cookie.
 */
@API(status = API.Status.EXPERIMENTAL, since = "3.0")
public record CustomFinding(String kind, String category, String patient, String summary, Map<String, Object> evidence) {
    private static final Pattern KIND = Pattern.compile("[A-Z][A-Z0-9_]{2,63}");
    private static final java.util.Set<String> BUILT_IN = java.util.Arrays.stream(dev.cordon.oracle.FindingKind.values())
            .map(Enum::name).collect(java.util.stream.Collectors.toUnmodifiableSet());

    public CustomFinding {
        if (kind == null || !KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("a custom finding kind is UPPER_SNAKE_CASE, 3 to 64 characters: " + kind);
        }
        if (BUILT_IN.contains(kind)) {
            throw new IllegalArgumentException(kind + " is a built-in finding kind: name a kind of your own");
        }
        if (category == null || category.isBlank()) {
            throw new IllegalArgumentException("a custom finding needs a category (e.g. \"Isolation breach\")");
        }
        if (summary == null || summary.isBlank()) {
            throw new IllegalArgumentException("a custom finding needs a summary");
        }
        evidence = evidence == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    /** The form summary.json and the evidence attachments use (as built-in findings). */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("kind", kind);
        map.put("category", category);
        map.put("patient", patient);
        map.put("summary", summary);
        map.put("evidence", evidence);
        map.put("custom", true);
        return map;
    }
}
