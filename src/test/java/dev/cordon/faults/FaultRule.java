package dev.cordon.faults;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One entry of the fault mix: a kind, the probability that a matching request draws it, and optional filters on the
 * request method and the path (a regular expression the whole path, without the query, must match).
 * Build with {@link #of}: {@code FaultRule.of(STALL, 0.1).stallMillis(2000).onMethods("GET").onPaths("/api/replays.*")}.
 */
public record FaultRule(FaultKind kind, double probability, Set<String> methods, Pattern path, long stallMillis) {
    /** Stall used when a STALL rule does not say. */
    public static final long DEFAULT_STALL_MILLIS = 2_000;

    public FaultRule {
        Objects.requireNonNull(kind, "kind");
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability of " + kind + " must be within 0..1, was " + probability);
        }
        if (kind == FaultKind.PAUSED) {
            throw new IllegalArgumentException("PAUSED is what pause() does, not a rule");
        }
        if (stallMillis < 0) {
            throw new IllegalArgumentException("stallMillis must not be negative, was " + stallMillis);
        }
        methods = methods == null ? Set.of() : methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    public static FaultRule of(FaultKind kind, double probability) {
        return new FaultRule(kind, probability, Set.of(), null, kind == FaultKind.STALL || kind == FaultKind.TRICKLE ? DEFAULT_STALL_MILLIS : 0);
    }

    /** Only requests with one of these methods (any method if none are given). */
    public FaultRule onMethods(String... methods) {
        return new FaultRule(kind, probability, Set.of(methods), path, stallMillis);
    }

    /** Only requests whose path (without the query) matches this regular expression as a whole. */
    public FaultRule onPaths(String regex) {
        return new FaultRule(kind, probability, methods, Pattern.compile(regex), stallMillis);
    }

    public FaultRule stallMillis(long millis) {
        return new FaultRule(kind, probability, methods, path, millis);
    }

    boolean matches(String method, String requestPath) {
        return (methods.isEmpty() || methods.contains(method.toUpperCase(Locale.ROOT)))
                && (path == null || path.matcher(requestPath).matches());
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(kind.label()).append(' ').append(Math.round(probability * 1000) / 10.0).append('%');
        if (kind == FaultKind.STALL || kind == FaultKind.TRICKLE) {
            s.append(' ').append(stallMillis).append(kind == FaultKind.TRICKLE ? " ms a byte" : " ms");
        }
        if (!methods.isEmpty()) {
            s.append(" on ").append(String.join("|", methods.stream().sorted().toList()));
        }
        if (path != null) {
            s.append(" paths ").append(path.pattern());
        }
        return s.toString();
    }
}
