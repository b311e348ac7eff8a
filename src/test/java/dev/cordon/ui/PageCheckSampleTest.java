package dev.cordon.ui;

import dev.cordon.config.EnvironmentConfig;
import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerHeader;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.oracle.Finding;
import dev.cordon.oracle.FindingKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who the browser checks, and what it says when it has no browser: no browser needed for either. */
class PageCheckSampleTest {
    @TempDir
    Path dir;

    private Ledger ledgerOf(int patients) {
        Ledger ledger = Ledger.create(dir.resolve("l.jsonl"), new LedgerHeader("r", "local", "t", "1.4.0", 1, "now", null, 0));
        IntStream.rangeClosed(1, patients).forEach(i -> ledger.recordPatient(new LedgerPatient("B%04d".formatted(i),
                "before-update", String.valueOf(i), "user" + i, null, "ref", "9990000018", "t", null)));
        return ledger;
    }

    private static Finding finding(FindingKind kind, String patient) {
        return new Finding(kind, patient, "x", Map.of());
    }

    @Test
    void sampleIsDeterministicAndAddsEveryPatientAnEarlierCheckFlagged() {
        try (Ledger ledger = ledgerOf(50)) {
            List<LedgerPatient> population = ledger.patients();
            PageCheckSample once = PageCheckSample.choose(population, 5, 7, List.of(), ledger);
            List<LedgerPatient> reversed = new java.util.ArrayList<>(population);
            java.util.Collections.reverse(reversed);
            PageCheckSample again = PageCheckSample.choose(reversed, 5, 7, List.of(), ledger);
            assertThat(once.patients()).hasSize(5).isEqualTo(again.patients());
            assertThat(PageCheckSample.choose(population, 5, 8, List.of(), ledger).patients()).isNotEqualTo(once.patients());

            String outside = population.stream().map(LedgerPatient::key).filter(k -> once.patients().stream().noneMatch(p -> p.key().equals(k)))
                    .findFirst().orElseThrow();
            PageCheckSample withFlagged = PageCheckSample.choose(population, 5, 7, List.of(
                    finding(FindingKind.FOREIGN_IN_LISTING, outside), finding(FindingKind.DIRECT_ACCESS, outside),
                    finding(FindingKind.UNVERIFIED, "not-in-the-ledger"), finding(FindingKind.UNVERIFIED, null),
                    finding(FindingKind.FOREIGN_IN_LISTING, once.patients().get(0).key())), ledger);
            assertThat(withFlagged.sampled()).isEqualTo(5);
            assertThat(withFlagged.flagged()).isEqualTo(1);
            assertThat(withFlagged.patients()).hasSize(6).extracting(LedgerPatient::key).contains(outside);
        }
    }

    @Test
    void sampleLargerThanThePopulationTakesEveryone() {
        try (Ledger ledger = ledgerOf(3)) {
            assertThat(PageCheckSample.choose(ledger.patients(), 20, 1, List.of(), ledger).patients()).hasSize(3);
        }
    }

    @Test
    void missingBrowserSaysHowToInstallOneOrToSkipTheCheckExplicitly() {
        var config = new EnvironmentConfig.Browser(true, "/nonexistent/chromium", "/nonexistent/chromedriver", null, 20, 2,
                Duration.ofSeconds(5));
        assertThatThrownBy(() -> new BrowserFactory(config, "environments/local.yaml").start())
                .isInstanceOf(BrowserUnavailableException.class)
                .hasMessageContaining("/nonexistent/chromium")
                .hasMessageContaining("browser.binary in environments/local.yaml")
                .hasMessageContaining("apt-get install chromium chromium-driver")
                .hasMessageContaining("--skip-ui");
    }

    @Test
    void disabledBrowserIsNotASilentPass() {
        var config = new EnvironmentConfig.Browser(false, "/usr/bin/chromium", "/usr/bin/chromedriver", null, 20, 2,
                Duration.ofSeconds(5));
        assertThatThrownBy(() -> new BrowserFactory(config, "environments/local.yaml").start())
                .isInstanceOf(BrowserUnavailableException.class)
                .hasMessageContaining("browser.enabled is false")
                .hasMessageContaining("--skip-ui");
    }

    @Test
    void medianOfTimings() {
        assertThat(PageCheckTimings.median(List.of())).isZero();
        assertThat(PageCheckTimings.median(List.of(1.0, 2.0, 9.0))).isEqualTo(2.0);
        assertThat(PageCheckTimings.median(List.of(1.0, 2.0, 3.0, 9.0))).isEqualTo(2.5);
    }
}
