package dev.cordon.report;

import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.Result;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCaseFinished;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The gate's Cucumber console: one line per scenario with its outcome, and for a scenario that did not pass the
 * first line of why, escaped ({@link ConsoleText}). An expected outcome (a finding, a check that could not complete,
 * phase seed stopping before the update) prints no stack trace; an unexpected error prints its message and leaves
 * the stack trace in target/cordon/cordon.log. Replaces Cucumber's "pretty" plugin in junit-platform.properties.
 */
public final class ConsoleProgress implements ConcurrentEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleProgress.class);
    private final PrintStream out;
    private final Set<String> reasonsShown = new HashSet<>();

    public ConsoleProgress() {
        this(System.out);
    }

    ConsoleProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestCaseFinished.class, this::finished);
    }

    private void finished(TestCaseFinished event) {
        Result result = event.getResult();
        Throwable error = result.getError();
        boolean unexpected = error != null && !isExpected(error);
        if (unexpected) {
            LOG.error("scenario {} ({}) ended with an unexpected error", event.getTestCase().getName(), event.getTestCase().getUri(), error);
        }
        String reason = error == null ? null : messageOf(error);
        boolean repeated;
        synchronized (reasonsShown) {
            repeated = reason != null && !reasonsShown.add(reason);
        }
        String line = line(result.getStatus(), event.getTestCase().getName(), where(event.getTestCase().getUri(),
                event.getTestCase().getLocation().getLine()), reason, repeated, unexpected);
        synchronized (out) {
            out.println(line);
        }
    }

    /**
     * One console line for a finished scenario. Scenario names come from the features; the reason may quote what the
     * target returned, so both are escaped.
     */
    static String line(Status status, String scenario, String where, String reason, boolean repeated, boolean unexpected) {
        boolean ended = status == Status.SKIPPED || status == Status.PENDING || status == Status.UNDEFINED;
        Outcome outcome = status == Status.PASSED ? Outcome.PASSED : ended ? Outcome.ofAbort(reason) : Outcome.FAILED;
        String head = status == Status.AMBIGUOUS ? "  AMBIGUOUS " : outcome.consoleHead();
        String shown = Outcome.reason(outcome, reason);
        if (ended && outcome == Outcome.FAILED) {
            // Ended early for no declared reason: it checked nothing, so it is counted (and shown) as failed.
            shown = "did not run: " + (reason == null ? status.name().toLowerCase(java.util.Locale.ROOT) : reason);
        }
        StringBuilder line = new StringBuilder(head).append(ConsoleText.safe(scenario, 200)).append(" (").append(ConsoleText.safe(where, 200)).append(')');
        if (shown != null && status != Status.PASSED) {
            line.append(repeated ? ": as above" : ": " + ConsoleText.safe(shown));
            if (unexpected && !repeated) {
                line.append(" (details in target/cordon/").append(RunLog.FILE_NAME).append(')');
            }
        }
        return line.toString();
    }

    /** Findings fail a step with an AssertionError; checks that could not complete and deliberate stops say so by type. */
    static boolean isExpected(Throwable error) {
        if (error instanceof AssertionError || error instanceof org.opentest4j.TestAbortedException) {
            return true;
        }
        String type = error.getClass().getSimpleName();
        return type.equals("UncheckedCheckException") || type.equals("TargetUnavailableException")
                || type.equals("BrowserUnavailableException");
    }

    private static String where(URI uri, int line) {
        String path = uri.toString();
        if ("file".equals(uri.getScheme())) {
            try {
                Path file = Path.of(uri);
                Path cwd = Path.of("").toAbsolutePath();
                path = file.startsWith(cwd) ? cwd.relativize(file).toString() : file.toString();
            } catch (RuntimeException e) {
                path = uri.getPath();
            }
        }
        return path + ":" + line;
    }

    /** The whole message, escaped later: a line break inside it is shown as \\n, not allowed to start a console line. */
    static String messageOf(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }
}
