package dev.cordon.oracle;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every finding of a gate run, across scenarios, in the order found. Thread-safe. A sink (the run's findings.jsonl)
 * gets each finding as it is added, so every one is kept on disk whatever the summary and the report show.
 */
public final class FindingLog {
    private final List<Finding> findings = new ArrayList<>();
    private final Consumer<Finding> sink;

    public FindingLog() {
        this(f -> { });
    }

    public FindingLog(Consumer<Finding> sink) {
        this.sink = sink;
    }

    public synchronized void addAll(List<Finding> more) {
        for (Finding finding : more) {
            findings.add(finding);
            sink.accept(finding);
        }
    }

    public synchronized List<Finding> all() {
        return List.copyOf(findings);
    }

    public synchronized int size() {
        return findings.size();
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
