package dev.cordon.gate;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts scenarios by outcome as the JUnit Platform reports them, and remembers why any broke. */
final class ScenarioTally implements TestExecutionListener {
    final AtomicInteger passed = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    /** Why scenarios failed, each reason once, with the scenarios it stopped. */
    final Map<String, List<String>> failures = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** Containers (an engine, a suite, a feature) that failed themselves: their scenarios may never have been reported. */
    final AtomicInteger containersFailed = new AtomicInteger();

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
            case SUCCESSFUL -> passed.incrementAndGet();
            case ABORTED -> {
                String message = result.getThrowable().map(Throwable::getMessage).orElse("");
                if (message != null && message.startsWith(dev.cordon.steps.NotApplicable.PREFIX)) {
                    // The profile lacks the capability: not applicable, said per scenario; neither a pass nor unverified.
                    notApplicable.add(test.getDisplayName() + ": " + message.substring(dev.cordon.steps.NotApplicable.PREFIX.length()));
                } else {
                    skipped.incrementAndGet();
                }
            }
            case FAILED -> {
                failed.incrementAndGet();
                String reason = result.getThrowable().map(t -> firstLine(t.getMessage())).orElse("failed");
                failures.computeIfAbsent(reason, r -> java.util.Collections.synchronizedList(new ArrayList<>())).add(test.getDisplayName());
            }
        }
    }

    /** Scenarios whose capability the target profile does not declare, each with why. */
    final List<String> notApplicable = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Scenarios left out on purpose (--tags, --skip-ui): not run, and not counted as unchecked either. */
    final AtomicInteger deselected = new AtomicInteger();
    final List<String> skipReasons = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        if (!test.isTest()) {
            return;
        }
        if (reason != null && reason.contains("cucumber.filter.tags")) {
            deselected.incrementAndGet();
        } else {
            skipped.incrementAndGet();
            skipReasons.add(test.getDisplayName() + ": " + reason);
        }
    }

    /** Scenarios reported, whatever their outcome (failed containers are not scenarios). */
    int total() {
        return passed.get() + failed.get() - containersFailed.get() + skipped.get();
    }

    private static String firstLine(String message) {
        return message == null ? "failed" : message.lines().findFirst().orElse(message);
    }
}
