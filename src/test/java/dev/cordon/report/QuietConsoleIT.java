package dev.cordon.report;

import dev.cordon.GateProcess;
import dev.cordon.GateProcess.Outcome;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gate's console as CI sees it: no stack trace, no library warning, no "Exception" in a clean run or in phase
 * seed (which ends its scenarios before the update on purpose); library logging is in target/cordon/cordon.log;
 * the evidence bundle is written and matches its manifest. Small populations: the console, not the scale, is tested.
 */
class QuietConsoleIT {
    /** The contract check's pattern. */
    static final Pattern NOISE = Pattern.compile("(?m)^\\s+at [a-z]+\\.|Exception|WARN");
    private final GateProcess gate = GateProcess.forThisProject();

    @Test
    void aCleanRunPrintsOnlyTheGatesOwnLinesAndBundlesItsEvidence() throws Exception {
        Outcome outcome = gate.run(Map.of(), "--skip-ui", "--patients", "6");
        assertThat(outcome.exitCode()).as(outcome.console()).isZero();
        assertThat(NOISE.matcher(outcome.console()).find()).as(outcome.console()).isFalse();
        assertThat(outcome.console()).contains("VERDICT PASS (exit 0)").contains("evidence: target/cordon/evidence.zip");

        Path work = gate.projectDir().resolve("target/cordon");
        assertThat(Files.readString(work.resolve(RunLog.FILE_NAME))).as("library logging kept in the log").contains("Javalin");
        Path bundle = work.resolve("evidence.zip");
        assertThat(EvidenceBundle.verify(bundle)).isEmpty();
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            assertThat(zip.stream().map(java.util.zip.ZipEntry::getName).toList())
                    .contains(EvidenceBundle.MANIFEST, "summary.json", "ledger/ledger.jsonl", "report/index.html", "report/verdict.html")
                    .noneMatch(n -> n.endsWith(".key"));
        }
        String index = Files.readString(gate.projectDir().resolve("target/allure-report/index.html"));
        assertThat(index).contains("Content-Security-Policy").contains("id=\"cordon-verdict\"").doesNotContain("googletagmanager");
    }

    @Test
    void phaseSeedStopsBeforeTheUpdateWithoutAStackTrace() throws Exception {
        Outcome outcome = gate.run(Map.of(), "--skip-ui", "--patients", "6", "--phase", "seed");
        assertThat(outcome.exitCode()).as(outcome.console()).isZero();
        assertThat(NOISE.matcher(outcome.console()).find()).as(outcome.console()).isFalse();
        assertThat(outcome.console()).contains("ends before the update").contains("VERDICT SEEDED (exit 0)");
    }
}
