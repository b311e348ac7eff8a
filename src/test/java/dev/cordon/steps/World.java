package dev.cordon.steps;

import dev.cordon.gate.GateRun;
import dev.cordon.oracle.Finding;
import dev.cordon.oracle.FindingKind;
import dev.cordon.report.Evidence;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Per-scenario state, injected by PicoContainer into every step class: which population the scenario is about, and
 * the way a check's findings become evidence, a record in the run, and a failed or broken step.
 */
public final class World {
    private final GateRun run = GateRun.current();
    private List<String> cohorts = List.of(GateRun.BEFORE_UPDATE);

    public GateRun run() {
        return run;
    }

    /** The cohort the scenario's population steps named last (the first of several). */
    public String cohort() {
        return cohorts.get(0);
    }

    /** The patients the scenario is about: every cohort in focus, as this invocation verifies them. */
    public List<dev.cordon.ledger.LedgerPatient> patients() {
        List<List<dev.cordon.ledger.LedgerPatient>> parts = cohorts.stream().map(run::cohort).toList();
        // One after the other, as a view: the cohorts are views of the ledger, read as a check reaches each patient.
        return dev.cordon.ledger.ListView.concat(parts);
    }

    /** The cohorts in focus, in the order the scenario's population steps named them. */
    public List<String> cohorts() {
        return cohorts;
    }

    public void focusOn(String... cohorts) {
        this.cohorts = List.of(cohorts);
    }

    /** Ends the scenario as not applicable to this target's profile, saying why. */
    public void notApplicable(String why) {
        throw new NotApplicable(why);
    }

    /**
     * Records the findings of one check and attaches their evidence. Breach, data-loss and cache findings fail the
     * step with the kinds first in the message (Allure files it by that); unverified checks break it.
     */
    public void report(String check, java.util.function.Supplier<List<Finding>> checking) {
        run.logIn(patients());
        java.time.Instant started = java.time.Instant.now();
        Map<String, Long> before = run.countersNow();
        List<Finding> findings = checking.get();
        run.time("check " + check, started, before);
        report(check, findings);
    }

    /** As above, for findings already gathered. */
    public void report(String check, List<Finding> findings) {
        run.record(findings);
        Evidence.attachText(check + " — coverage", coverageNote(check));
        if (findings.isEmpty()) {
            return;
        }
        Evidence.attachFindings(findings);
        Map<FindingKind, Long> byKind = findings.stream().collect(Collectors.groupingBy(Finding::kind,
                () -> new java.util.EnumMap<>(FindingKind.class), Collectors.counting()));
        String kinds = byKind.entrySet().stream().map(e -> e.getKey().name() + " x" + e.getValue()).collect(Collectors.joining(", "));
        String first = findings.stream().filter(f -> f.kind().failsTheRelease()).findFirst().orElse(findings.get(0)).summary();
        boolean breach = byKind.keySet().stream().anyMatch(FindingKind::failsTheRelease);
        String message = kinds + " — " + check + "; first: " + first;
        if (breach) {
            throw new AssertionError(message);
        }
        throw new UncheckedCheckException(message);
    }

    private String coverageNote(String check) {
        var c = run.coverage();
        return "%s%nenvironment %s, %s, cohorts %s (%d patients in this invocation)%ncounters so far: %s"
                .formatted(check, run.environment().name(), GateRun.releaseWords(run.runningRelease()), cohorts, patients().size(),
                        c.snapshot());
    }

    /** A check that could not be completed: Allure shows it as broken, under Infrastructure. */
    public static final class UncheckedCheckException extends RuntimeException {
        UncheckedCheckException(String message) {
            super(message);
        }
    }
}
