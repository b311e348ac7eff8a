package dev.cordon.faults;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a {@link FaultProxy} did, for assertions and the summary line: requests seen and forwarded, upstream errors,
 * and faults injected per kind and per route. A route is the method and the path with id-like segments (numbers,
 * UUIDs) replaced by {id}, so "GET /api/replays/{id}" counts every by-id read together.
 */
public final class FaultTally {
    private static final Pattern ID_SEGMENT = Pattern.compile("\\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final LongAdder requests = new LongAdder();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder upstreamErrors = new LongAdder();
    private final Map<FaultKind, LongAdder> byKind = new EnumMap<>(FaultKind.class);
    private final ConcurrentMap<String, LongAdder> requestsByRoute = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ConcurrentMap<FaultKind, LongAdder>> faultsByRoute = new ConcurrentHashMap<>();

    FaultTally() {
        for (FaultKind kind : FaultKind.values()) {
            byKind.put(kind, new LongAdder());
        }
    }

    static String route(String method, String path) {
        StringBuilder route = new StringBuilder(method).append(' ');
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                route.append('/');
            }
            route.append(ID_SEGMENT.matcher(segments[i]).matches() ? "{id}" : segments[i]);
        }
        return route.toString();
    }

    void countRequest(String route) {
        requests.increment();
        requestsByRoute.computeIfAbsent(route, r -> new LongAdder()).increment();
    }

    void countForwarded() {
        forwarded.increment();
    }

    void countUpstreamError() {
        upstreamErrors.increment();
    }

    void countInjected(FaultKind kind, String route) {
        byKind.get(kind).increment();
        faultsByRoute.computeIfAbsent(route, r -> new ConcurrentHashMap<>()).computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** Requests the proxy read from its clients. */
    public long requests() {
        return requests.sum();
    }

    /** Requests the proxy read for one route ("POST /api/operator/patients", ids shown as {id}). */
    public long requests(String route) {
        LongAdder count = requestsByRoute.get(route);
        return count == null ? 0 : count.sum();
    }

    /** Requests the upstream answered (whatever the proxy then did with the answer). */
    public long forwarded() {
        return forwarded.sum();
    }

    /** Requests the proxy could not get an answer for from the upstream (answered 502/504): not injected faults. */
    public long upstreamErrors() {
        return upstreamErrors.sum();
    }

    public long count(FaultKind kind) {
        return byKind.get(kind).sum();
    }

    /** Every fault injected, all kinds together. */
    public long injected() {
        return byKind.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Faults injected per kind, kinds that never fired left out. */
    public Map<FaultKind, Long> counts() {
        Map<FaultKind, Long> counts = new EnumMap<>(FaultKind.class);
        byKind.forEach((kind, n) -> {
            if (n.sum() > 0) {
                counts.put(kind, n.sum());
            }
        });
        return counts;
    }

    public Map<String, Long> requestsByRoute() {
        Map<String, Long> copy = new TreeMap<>();
        requestsByRoute.forEach((route, n) -> copy.put(route, n.sum()));
        return copy;
    }

    public Map<String, Map<FaultKind, Long>> faultsByRoute() {
        Map<String, Map<FaultKind, Long>> copy = new TreeMap<>();
        faultsByRoute.forEach((route, kinds) -> {
            Map<FaultKind, Long> counts = new EnumMap<>(FaultKind.class);
            kinds.forEach((kind, n) -> counts.put(kind, n.sum()));
            copy.put(route, counts);
        });
        return copy;
    }

    /** One line: "412 requests, 380 forwarded, 0 upstream errors; injected 41: 503-before=20 503-after=21". */
    public String summary() {
        Map<FaultKind, Long> counts = counts();
        String kinds = counts.entrySet().stream().map(e -> e.getKey().label() + "=" + e.getValue()).collect(Collectors.joining(" "));
        return "%d requests, %d forwarded, %d upstream errors; injected %d%s".formatted(requests(), forwarded(), upstreamErrors(),
                injected(), kinds.isEmpty() ? "" : ": " + kinds);
    }

    /** One line per route that drew a fault: "POST /api/operator/patients 14 requests: 503-after=3". */
    public String routeSummary() {
        Map<String, Long> requestsPerRoute = requestsByRoute();
        return faultsByRoute().entrySet().stream().map(e -> "%s %d requests: %s".formatted(e.getKey(),
                        requestsPerRoute.getOrDefault(e.getKey(), 0L), e.getValue().entrySet().stream()
                                .map(k -> k.getKey().label() + "=" + k.getValue()).collect(Collectors.joining(" "))))
                .collect(Collectors.joining("\n"));
    }
}
