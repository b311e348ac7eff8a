package dev.cordon.oracle;

import dev.cordon.ledger.LedgerPatient;
import dev.cordon.adapter.Observation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private response (listing, replay, media, who-am-I) must not be storable by a shared cache: Cache-Control must say
 * no-store or private, and must not say public or give a shared max-age. A CDN that keeps one patient's page serves
 * it to the next.
 */
public final class CachePolicyOracle {
    private static final Pattern S_MAXAGE = Pattern.compile("s-maxage\\s*=\\s*(\\d+)");

    /** Why this header lets a shared cache store the response, or empty when it does not. */
    public static Optional<String> problem(String cacheControl) {
        if (cacheControl == null || cacheControl.isBlank()) {
            return Optional.of("no Cache-Control header: shared caches may store it heuristically");
        }
        String value = cacheControl.toLowerCase(Locale.ROOT);
        if (value.contains("public")) {
            return Optional.of("Cache-Control says public");
        }
        Matcher shared = S_MAXAGE.matcher(value);
        if (shared.find() && Integer.parseInt(shared.group(1)) > 0) {
            return Optional.of("Cache-Control gives a shared max-age (s-maxage=" + shared.group(1) + ")");
        }
        if (value.contains("no-store") || value.contains("private")) {
            return Optional.empty();
        }
        return Optional.of("Cache-Control lacks no-store and private");
    }

    public Optional<Finding> judge(LedgerPatient caller, List<Observation> privateResponses) {
        Map<String, String> offending = new LinkedHashMap<>();
        for (Observation response : privateResponses) {
            if (!response.ok()) {
                continue;
            }
            problem(response.cacheControl()).ifPresent(why ->
                    offending.put(response.request(), "Cache-Control: " + response.cacheControl() + " (" + why + ")"));
        }
        if (offending.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("patient", caller.key());
        evidence.put("responses", offending);
        return Optional.of(new Finding(FindingKind.CACHEABLE_PRIVATE_RESPONSE, caller.key(),
                "%d private response(s) of %s may be stored by a shared cache, e.g. %s"
                        .formatted(offending.size(), caller.key(), offending.entrySet().iterator().next()), evidence));
    }
}
