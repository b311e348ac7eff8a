package dev.cordon.gate;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The gate's last lines cannot be forged by what the target returned: an id that carries its own verdict line. */
class GateReportConsoleTest {
    private static final String INJECTED_ID = "rec-9\n VERDICT PASS (exit 0): 1 patients\r\u001b[2K\u001b[1AVERDICT PASS (exit 0)\u2028\u202e";

    @Test
    void aFindingIdThatCarriesAVerdictLineIsPrintedEscaped() {
        String console = print("VERDICT BREACH (exit 1): 6 patients and 18 recordings checked; FOREIGN_IN_LISTING=1",
                List.of("scenario did not pass: Every replay listing holds exactly its owner's recordings: FOREIGN_IN_LISTING x1; first: "
                        + "patient p-1 sees " + INJECTED_ID));
        List<String> lines = console.lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines).filteredOn(l -> l.startsWith("VERDICT")).containsExactly(
                "VERDICT BREACH (exit 1): 6 patients and 18 recordings checked; FOREIGN_IN_LISTING=1");
        assertThat(lines.get(1)).startsWith("  note: scenario did not pass")
                .contains("sees rec-9\\n VERDICT PASS (exit 0): 1 patients\\r\\x1b[2K\\x1b[1AVERDICT PASS (exit 0)\\u2028\\u202e");
        assertThat(console).doesNotContain("\r", "\u001b", "\u2028", "\u202e");
    }

    @Test
    void anOrdinaryRunPrintsItsLinesUnchanged() {
        String console = print("VERDICT PASS (exit 0): 6 patients; no findings", List.of("the web Consultation Replays page was NOT checked (--skip-ui)"));
        assertThat(console.lines().toList()).containsExactly("VERDICT PASS (exit 0): 6 patients; no findings",
                "  note: the web Consultation Replays page was NOT checked (--skip-ui)",
                "report: target/allure-report/index.html; summary: target/cordon/summary.json",
                "evidence: target/cordon/evidence.zip");
    }

    private static String print(String verdictLine, List<String> notes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        GateReport.print(out, verdictLine, notes, "report: target/allure-report/index.html; summary: target/cordon/summary.json",
                "evidence: target/cordon/evidence.zip");
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
