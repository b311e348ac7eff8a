package dev.cordon.gate;

import dev.cordon.report.Outcome;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.FileSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts scenarios by {@link Outcome} as the JUnit Platform reports them — passed, failed, not applicable, deselected —
 * and remembers each scenario's outcome and why any did not pass. A scenario that ended early for no declared reason
 * is counted as failed (it checked nothing), and also in {@link #skipped} so the notes can say it did not run.
 */
final class ScenarioTally implements TestExecutionListener {
    final AtomicInteger passed = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    /** Of the failed: scenarios that did not run at all (aborted or skipped by the engine without a declared reason). */
    final AtomicInteger skipped = new AtomicInteger();
    /** Why scenarios failed, each reason once, with the scenarios it stopped. */
    final Map<String, List<String>> failures = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** Containers (an engine, a suite, a feature) that failed themselves: their scenarios may never have been reported. */
    final AtomicInteger containersFailed = new AtomicInteger();

    /** One scenario's outcome: where it is written, and why it did not pass (null when it did). */
    record Scenario(String name, String where, Outcome outcome, String why) {
        Map<String, Object> asMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("name", name);
            map.put("where", where);
            map.put("outcome", outcome.key());
            if (why != null) {
                map.put("why", why);
            }
            return map;
        }
    }

    /** Every scenario reported, in the order they finished. */
    final List<Scenario> scenarios = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (!test.isTest()) {
            // An engine that fails as a whole (a discovery problem the gate's preflight did not catch, an error in the
            // engine itself) reports no scenario at all: count it as a failure, never let it read as "nothing to do".
            if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                containersFailed.incrementAndGet();
                failed.incrementAndGet();
                String reason = result.getThrowable().map(t -> firstLine(t.getMessage())).orElse("failed");
                failures.computeIfAbsent(reason, r -> java.util.Collections.synchronizedList(new ArrayList<>())).add(test.getDisplayName());
            }
            return;
        }
        switch (result.getStatus()) {
            case SUCCESSFUL -> {
                passed.incrementAndGet();
                scenarios.add(new Scenario(test.getDisplayName(), where(test), Outcome.PASSED, null));
            }
            case ABORTED -> {
                String message = result.getThrowable().map(Throwable::getMessage).orElse(null);
                Outcome outcome = Outcome.ofAbort(message);
                String why = Outcome.reason(outcome, message);
                switch (outcome) {
                    // The profile lacks the capability: not applicable, said per scenario; neither a pass nor unverified.
                    case NOT_APPLICABLE -> notApplicable.add(test.getDisplayName() + ": " + why);
                    case DESELECTED -> {
                        deselected.incrementAndGet();
                        deselectedReasons.add(why);
                    }
                    default -> {
                        why = "did not run: " + (message == null ? "aborted without a reason" : firstLine(message));
                        didNotRun(test, why);
                    }
                }
                scenarios.add(new Scenario(test.getDisplayName(), where(test), outcome, why));
            }
            case FAILED -> {
                failed.incrementAndGet();
                String reason = result.getThrowable().map(t -> firstLine(t.getMessage())).orElse("failed");
                failures.computeIfAbsent(reason, r -> java.util.Collections.synchronizedList(new ArrayList<>())).add(test.getDisplayName());
                scenarios.add(new Scenario(test.getDisplayName(), where(test), Outcome.FAILED, reason));
            }
        }
    }

    /** Scenarios whose capability the target profile does not declare, each with why. */
    final List<String> notApplicable = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Scenarios left out on purpose (--tags, --skip-ui, the end of phase seed): not run, and not counted as unchecked either. */
    final AtomicInteger deselected = new AtomicInteger();
    final List<String> deselectedReasons = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<String> skipReasons = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        if (!test.isTest()) {
            return;
        }
        if (reason != null && reason.contains("cucumber.filter.tags")) {
            deselected.incrementAndGet();
            String why = "by --tags/--skip-ui";
            deselectedReasons.add(why);
            scenarios.add(new Scenario(test.getDisplayName(), where(test), Outcome.DESELECTED, why));
        } else {
            String why = "did not run: " + (reason == null ? "skipped without a reason" : firstLine(reason));
            didNotRun(test, why);
            scenarios.add(new Scenario(test.getDisplayName(), where(test), Outcome.FAILED, why));
        }
    }

    private void didNotRun(TestIdentifier test, String why) {
        failed.incrementAndGet();
        skipped.incrementAndGet();
        skipReasons.add(test.getDisplayName() + ": " + why);
        failures.computeIfAbsent(why, r -> java.util.Collections.synchronizedList(new ArrayList<>())).add(test.getDisplayName());
    }

    /** Scenarios reported, whatever their outcome (failed containers are not scenarios). */
    int total() {
        return passed.get() + failed.get() - containersFailed.get() + notApplicable.size() + deselected.get();
    }

    /** Scenarios that ran (passed or failed; failed containers are not scenarios). */
    int ran() {
        return passed.get() + failed.get() - containersFailed.get();
    }

    /** Counts by outcome under summary.json's keys, in the vocabulary's order; "skipped" (of the failed, did not run) kept. */
    Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put(Outcome.PASSED.key(), passed.get());
        counts.put(Outcome.FAILED.key(), failed.get());
        counts.put(Outcome.NOT_APPLICABLE.key(), notApplicable.size());
        counts.put(Outcome.DESELECTED.key(), deselected.get());
        counts.put("skipped", skipped.get());
        return counts;
    }

    /** "9 passed, 0 failed, 2 not applicable, 1 deselected": the words the console, page and report share. */
    static String line(Map<String, ? extends Number> counts) {
        List<String> parts = new ArrayList<>();
        for (Outcome o : Outcome.values()) {
            Number n = counts.get(o.key());
            parts.add((n == null ? 0 : n.longValue()) + " " + o.words());
        }
        return String.join(", ", parts);
    }

    /** Where the scenario is written, relative to the working directory as the console shows it ("features/x.feature:12"). */
    private static String where(TestIdentifier test) {
        TestSource source = test.getSource().orElse(null);
        if (source instanceof FileSource file) {
            Path path = file.getFile().toPath().toAbsolutePath();
            Path cwd = Path.of("").toAbsolutePath();
            String shown = path.startsWith(cwd) ? cwd.relativize(path).toString() : path.toString();
            return shown + file.getPosition().map(p -> ":" + p.getLine()).orElse("");
        }
        return source == null ? "" : source.toString();
    }

    private static String firstLine(String message) {
        return message == null ? "failed" : message.lines().findFirst().orElse(message);
    }
}
