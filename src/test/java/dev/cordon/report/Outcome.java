package dev.cordon.report;

import dev.cordon.steps.NotApplicable;

import java.util.Locale;

/**
 * The one vocabulary of scenario outcomes, used alike by the console, summary.json, the verdict page and the Allure
 * report. There is no fifth word: a scenario that did not run for any other reason than these is counted as failed
 * (it checked nothing, so it can never read as a pass).
 */
public enum Outcome {
    /** The scenario ran to its end and found nothing. */
    PASSED("passed", "passed"),
    /** A finding, a check that could not complete, or a scenario that did not run without a declared reason. */
    FAILED("failed", "failed"),
    /** The target profile lacks what the scenario checks; said per scenario, with why. */
    NOT_APPLICABLE("notApplicable", "not applicable"),
    /** Left out on purpose: by --tags or --skip-ui, or because phase seed ends before the update. */
    DESELECTED("deselected", "deselected");

    /** How phase seed ends every scenario that needs the update (see GateRun.ensureUpdated). */
    public static final String PHASE_SEED_ENDS = "phase seed ends before the update";
    /** The message of the Allure result Cordon writes for a scenario --tags or --skip-ui left out. */
    public static final String DESELECTED_PREFIX = "deselected: ";

    private final String key;
    private final String words;

    Outcome(String key, String words) {
        this.key = key;
        this.words = words;
    }

    /** The machine key in summary.json (counts.scenarios.KEY). */
    public String key() {
        return key;
    }

    /** The plain words on the console, the page and in the report. */
    public String words() {
        return words;
    }

    /** A scenario the engine ended early (an aborted test): why it ended decides what it counts as. */
    public static Outcome ofAbort(String message) {
        if (message != null && message.startsWith(NotApplicable.PREFIX)) {
            return NOT_APPLICABLE;
        }
        if (message != null && message.startsWith(PHASE_SEED_ENDS)) {
            return DESELECTED;
        }
        return FAILED;
    }

    /** The reason shown after the outcome: "not applicable: " is the outcome itself and not repeated. */
    public static String reason(Outcome outcome, String message) {
        if (message == null) {
            return null;
        }
        return outcome == NOT_APPLICABLE && message.startsWith(NotApplicable.PREFIX) ? message.substring(NotApplicable.PREFIX.length()) : message;
    }

    /** The console's first column; failures in capitals so they stand out. */
    public String consoleHead() {
        String head = this == FAILED ? words.toUpperCase(Locale.ROOT) : words;
        return "  " + head + " ".repeat(Math.max(1, 9 - head.length()));
    }
}
