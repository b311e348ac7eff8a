package dev.cordon.oracle;

import dev.cordon.ledger.LedgerPatient;
import dev.cordon.adapter.Observation;
import dev.cordon.profile.Profile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether a shared cache (a CDN, a proxy) may store a private answer (listing, item, media, who-am-I), judged by
 * RFC 9111 as it applies to how the target authenticates its patients:
 * <ul>
 *   <li>{@code no-store} (§5.2.2.5): no cache stores it — never a finding;</li>
 *   <li>{@code public} (§5.2.2.9) or {@code s-maxage} (§5.2.2.10): a shared cache may store it, whatever the request
 *       carried (§3.5 names both) — a finding;</li>
 *   <li>{@code private} (§5.2.2.7): a shared cache must not store it — never a finding;</li>
 *   <li>an answer to a request with an Authorization header: §3.5 forbids a shared cache to store it unless the answer
 *       says {@code public}, {@code s-maxage} or {@code must-revalidate}; {@code must-revalidate} is a finding, no
 *       Cache-Control (or one without those) is safe by the RFC and only noted in the coverage map;</li>
 *   <li>an answer to a request authenticated otherwise (a session cookie, a token in a custom header or in the query
 *       string): nothing in the RFC keeps a shared cache from storing it (§3, heuristic freshness §4.2.2), so without
 *       {@code no-store} or {@code private} it is a finding.</li>
 * </ul>
 * The evidence quotes each answer's Cache-Control and names the rule that applied.
 */
public final class CachePolicyOracle {
    private static final Pattern S_MAXAGE = Pattern.compile("(^|[\\s,])s-maxage\\s*=");

    /** How the target's patients prove who they are, as far as caches care. */
    public enum Authentication {
        AUTHORIZATION_HEADER("an Authorization header"), OTHER("a credential that is not an Authorization header");

        private final String words;

        Authentication(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /** What RFC 9111 says about one answer: whether a shared cache may store it, and the rule that decided. */
    public record Judgement(boolean storable, boolean noted, String rule) {
    }

    private final Authentication authentication;
    private final String credential;

    /** For the profile's patient session: a bearer token or a header named Authorization, or anything else. */
    public CachePolicyOracle(Profile.Session session) {
        this(authenticationOf(session), describe(session));
    }

    public CachePolicyOracle(Authentication authentication, String credential) {
        this.authentication = authentication;
        this.credential = credential;
    }

    public static Authentication authenticationOf(Profile.Session session) {
        return session != null && session.header() != null && session.header().equalsIgnoreCase("Authorization")
                ? Authentication.AUTHORIZATION_HEADER : Authentication.OTHER;
    }

    static String describe(Profile.Session session) {
        if (session == null) {
            return "no declared session";
        }
        return switch (session.style()) {
            case "cookie" -> "session cookie " + session.cookie();
            case "bearer" -> "Authorization: Bearer token";
            default -> "header " + session.header();
        };
    }

    public Authentication authentication() {
        return authentication;
    }

    /** RFC 9111 on an answer with this Cache-Control (null: none) to a request authenticated as given. */
    public static Judgement judge(String cacheControl, Authentication authentication) {
        String value = cacheControl == null ? "" : cacheControl.toLowerCase(Locale.ROOT);
        if (directive(value, "no-store")) {
            return new Judgement(false, false, "no-store: no cache may store it (RFC 9111 §5.2.2.5)");
        }
        if (directive(value, "public")) {
            return new Judgement(true, false, "public: a shared cache may store it even for an authenticated request (RFC 9111 §5.2.2.9, §3.5)");
        }
        if (S_MAXAGE.matcher(value).find()) {
            return new Judgement(true, false, "s-maxage: a shared cache may store it even for an authenticated request (RFC 9111 §5.2.2.10, §3.5)");
        }
        if (directive(value, "private")) {
            return new Judgement(false, false, "private: a shared cache must not store it (RFC 9111 §5.2.2.7)");
        }
        if (authentication == Authentication.AUTHORIZATION_HEADER) {
            if (directive(value, "must-revalidate")) {
                return new Judgement(true, false, "must-revalidate on an answer to a request with an Authorization header lets a"
                        + " shared cache store it (RFC 9111 §3.5)");
            }
            return new Judgement(false, true, "request with an Authorization header: a shared cache must not store"
                    + " the answer unless it says public, s-maxage or must-revalidate (RFC 9111 §3.5)");
        }
        return new Judgement(true, false, "request authenticated without an Authorization header: nothing keeps a shared"
                + " cache from storing the answer (RFC 9111 §3, heuristic freshness §4.2.2) unless it says no-store or private");
    }

    private static boolean directive(String value, String name) {
        for (String part : value.split(",")) {
            String directive = part.trim();
            int eq = directive.indexOf('=');
            if ((eq < 0 ? directive : directive.substring(0, eq).trim()).equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** What one patient's private answers showed: a finding, if any, and how many answers were safe only by §3.5. */
    public record Outcome(Optional<Finding> finding, int notedAuthorizationOnly) {
    }

    public Outcome judge(LedgerPatient caller, List<Observation> privateResponses) {
        Map<String, String> offending = new LinkedHashMap<>();
        String rule = null;
        int noted = 0;
        for (Observation response : privateResponses) {
            if (!response.ok()) {
                continue;
            }
            Judgement judgement = judge(response.cacheControl(), authentication);
            if (judgement.storable()) {
                offending.put(response.request(), "Cache-Control: " + (response.cacheControl() == null ? "(none)" : response.cacheControl())
                        + " — " + judgement.rule());
                rule = rule == null ? judgement.rule() : rule;
            } else if (judgement.noted()) {
                noted++;
            }
        }
        if (offending.isEmpty()) {
            return new Outcome(Optional.empty(), noted);
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("patient", caller.key());
        evidence.put("where", "cache policy of private responses");
        evidence.put("authenticatedBy", credential + " (" + authentication.words() + ")");
        evidence.put("rule", rule);
        evidence.put("responses", offending);
        Map.Entry<String, String> first = offending.entrySet().iterator().next();
        return new Outcome(Optional.of(new Finding(FindingKind.CACHEABLE_PRIVATE_RESPONSE, caller.key(),
                "%d private response(s) of %s may be stored by a shared cache, e.g. %s answered %s"
                        .formatted(offending.size(), caller.key(), first.getKey(), first.getValue()), evidence)), noted);
    }
}
