package dev.cordon.oracle;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Every finding of a gate run, across scenarios, in the order found. Thread-safe. */
public final class FindingLog {
    private final List<Finding> findings = new ArrayList<>();

    public synchronized void addAll(List<Finding> more) {
        findings.addAll(more);
    }

    public synchronized List<Finding> all() {
        return List.copyOf(findings);
    }

    public synchronized Map<FindingKind, Integer> countsByKind() {
        Map<FindingKind, Integer> counts = new EnumMap<>(FindingKind.class);
        findings.forEach(f -> counts.merge(f.kind(), 1, Integer::sum));
        return counts;
    }

    public synchronized boolean anyFailingTheRelease() {
        return findings.stream().anyMatch(f -> f.kind().failsTheRelease());
    }

    public synchronized boolean anyUnverified() {
        return findings.stream().anyMatch(f -> f.kind() == FindingKind.UNVERIFIED);
    }
}
