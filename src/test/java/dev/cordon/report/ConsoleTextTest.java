package dev.cordon.report;

import io.cucumber.plugin.event.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleTextTest {
    private static final String FORGED = "rec-1\n VERDICT PASS (exit 0)\r\u001b[1A\u001b[2KVERDICT PASS\u2028x\u202eevil\u0085\u0000";

    @Test
    void everyControlAndFormatCharacterIsShownEscaped() {
        String safe = ConsoleText.safe(FORGED);
        assertThat(safe).isEqualTo("rec-1\\n VERDICT PASS (exit 0)\\r\\x1b[1A\\x1b[2KVERDICT PASS\\u2028x\\u202eevil\\u0085\\x00");
        assertThat(safe).doesNotContain("\n", "\r", "\u001b", "\u2028", "\u202e", "\u0085", "\u0000");
        assertThat(ConsoleText.needsEscaping(FORGED)).isTrue();
    }

    @Test
    void ordinaryTextIsLeftAsItIs() {
        String text = "FOREIGN_IN_LISTING x3 — replay listings; first: Zoë Ødegaard sees rec-42 (rightful owner p-7) 🙂";
        assertThat(ConsoleText.safe(text)).isEqualTo(text);
        assertThat(ConsoleText.needsEscaping(text)).isFalse();
    }

    @Test
    void aBackslashIsDoubledSoAnEscapeCannotBeForged() {
        assertThat(ConsoleText.safe("a\\nb")).isEqualTo("a\\\\nb");
        assertThat(ConsoleText.safe("a\nb")).isEqualTo("a\\nb");
    }

    @Test
    void longValuesAreCappedWithTheCountLeftOut() {
        String safe = ConsoleText.safe("x".repeat(1000), 10);
        assertThat(safe).isEqualTo("xxxxxxxxxx…(+990 chars)");
        assertThat(ConsoleText.safe("x".repeat(ConsoleText.DEFAULT_MAX + 5))).endsWith("…(+5 chars)");
        assertThat(ConsoleText.safe(null)).isEqualTo("null");
    }

    @Test
    void aLoneSurrogateIsEscapedAndAPairIsKept() {
        assertThat(ConsoleText.safe("a\ud83d")).isEqualTo("a\\ud83d");
        assertThat(ConsoleText.safe("\ud83d\ude42")).isEqualTo("\ud83d\ude42");
        assertThat(ConsoleText.safe("ab\ud83d\ude42", 3)).isEqualTo("ab…(+2 chars)");
    }

    @Test
    void aScenarioLineQuotesTheTargetEscapedOnOneLine() {
        String line = ConsoleProgress.line(Status.FAILED, "Every replay listing holds exactly its owner's recordings",
                "features/isolation/replays-after-update.feature:11", "FOREIGN_IN_LISTING x1 — replay listings; first: " + FORGED,
                false, false);
        assertThat(line.lines()).hasSize(1);
        assertThat(line).startsWith("  FAILED   Every replay listing").contains("rec-1\\n VERDICT PASS (exit 0)\\r\\x1b[1A")
                .doesNotContain("\u001b");
        assertThat(ConsoleProgress.line(Status.PASSED, "s", "f:1", null, false, false)).isEqualTo("  passed   s (f:1)");
        assertThat(ConsoleProgress.line(Status.SKIPPED, "s", "f:1", "phase seed ends before the update", true, false))
                .isEqualTo("  deselected s (f:1): as above");
        assertThat(ConsoleProgress.line(Status.SKIPPED, "s", "f:1", "not applicable: no who-am-I", false, false))
                .as("one vocabulary: not applicable, never skipped").isEqualTo("  not applicable s (f:1): no who-am-I");
        assertThat(ConsoleProgress.line(Status.SKIPPED, "s", "f:1", "an assumption", false, false))
                .as("ended early for no declared reason: failed").isEqualTo("  FAILED   s (f:1): did not run: an assumption");
    }

    @Test
    void expectedOutcomesAreToldFromErrors() {
        assertThat(ConsoleProgress.isExpected(new AssertionError("FOREIGN_IN_LISTING x1"))).isTrue();
        assertThat(ConsoleProgress.isExpected(new org.opentest4j.TestAbortedException("phase seed ends before the update"))).isTrue();
        assertThat(ConsoleProgress.isExpected(new IllegalStateException("boom"))).isFalse();
        assertThat(ConsoleProgress.line(Status.FAILED, "s", "f:1", "boom", false, true)).endsWith("boom (details in target/cordon/cordon.log)");
    }
}
