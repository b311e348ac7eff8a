package dev.cordon.ui;

import dev.cordon.clinic.Clinic;
import dev.cordon.clinic.ClinicSettings;
import dev.cordon.clinic.RunningClinic;
import dev.cordon.config.EnvironmentConfig;
import dev.cordon.config.EnvironmentLoader;
import dev.cordon.config.Overrides;
import dev.cordon.config.Secret;
import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerHeader;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.oracle.Coverage;
import dev.cordon.oracle.Finding;
import dev.cordon.oracle.FindingKind;
import dev.cordon.oracle.Sessions;
import dev.cordon.population.Passwords;
import dev.cordon.population.PopulationPlanner;
import dev.cordon.population.Seeder;
import dev.cordon.adapter.HttpTargetApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser check proves both sides against the reference clinic started in this JVM: silent on a clean clinic,
 * UI_MISMATCH (isolation breach, with a screenshot) when the web page is rendered from a cache keyed without the user
 * while the API stays right. Needs Chromium and chromedriver (environments/local.yaml, browser section).
 */
class ReplaysPageCheckIT {
    private static final int PATIENTS = 6;
    private static final int CONSULTATIONS = 3;
    /** Smaller than a patient's listing, so every patient's page check follows a next-page link. */
    private static final int PAGE_SIZE = 2;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G'};

    @TempDir
    static Path dir;
    static EnvironmentConfig env;
    static BrowserPool browsers;

    @BeforeAll
    static void browsers() {
        Path root = Path.of(System.getProperty("cordon.project.dir", ".")).toAbsolutePath();
        env = new EnvironmentLoader(root.resolve("environments"), System.getenv()).load("local", Overrides.none());
        browsers = new BrowserPool(new BrowserFactory(env.browser(), env.file()));
    }

    @AfterAll
    static void quit() {
        if (browsers != null) {
            browsers.close();
        }
    }

    /** A clinic on its own database with a seeded population and everything the check needs about it. */
    private record Rehearsal(RunningClinic clinic, Ledger ledger, ReplaysPageCheck check, Passwords passwords, String runId,
                             Coverage coverage) implements AutoCloseable {
        URI base() {
            return URI.create("http://127.0.0.1:" + clinic.port());
        }

        @Override
        public void close() {
            try {
                clinic.close();
            } finally {
                ledger.close();
            }
        }
    }

    private static Rehearsal rehearsal(String name, String... faults) {
        Secret operator = env.target().operatorSecret();
        RunningClinic clinic = Clinic.start(ClinicSettings.defaults().withRelease(env.toRelease()).withPort(0)
                .withJdbcUrl("jdbc:h2:file:" + dir.resolve(name).resolve("clinic").toAbsolutePath())
                .withOperatorSecret(operator.reveal()).withPageSize(PAGE_SIZE).withAccessLog("off").withFaults(Set.of(faults)));
        URI base = URI.create("http://127.0.0.1:" + clinic.port());
        String runId = "it-" + name;
        Ledger ledger = Ledger.create(dir.resolve(name).resolve("ledger.jsonl"),
                new LedgerHeader(runId, env.name(), base.toString(), env.toRelease(), env.population().seed(), "now", null, PATIENTS));
        Passwords passwords = new Passwords(Secret.of("page-check-it-key", "test"));
        HttpTargetApi target = HttpTargetApi.forEnvironment(base, env);
        var plan = new PopulationPlanner(runId, env.population().emailDomain(), env.population().lookAlikeEvery())
                .plan("web", env.population().seed(), PATIENTS, CONSULTATIONS, false);
        Seeder.Outcome seeded = new Seeder(target, ledger, passwords, 4, dev.cordon.progress.Progress.quiet(), env.toRelease(), Map.of())
                .seed(plan, null);
        assertThat(seeded.problems()).as("seeding problems").isEmpty();
        Sessions sessions = new Sessions(passwords, runId);
        Coverage coverage = new Coverage();
        var recording = env.target().profile().resource("recording");
        ReplaysPageCheck check = new ReplaysPageCheck(browsers, base, PageSelectors.from(env.target().profile()), recording, ledger,
                p -> passwords.of(runId, p.key()), p -> target.list(recording.listings().get("replay"), sessions.of(target, p),
                p.values(), Map.of(), Map.of()), coverage);
        return new Rehearsal(clinic, ledger, check, passwords, runId, coverage);
    }

    @Test
    void cleanClinicPageShowsEveryPatientExactlyTheirOwnRecordings() {
        try (Rehearsal clinic = rehearsal("clean")) {
            List<LedgerPatient> patients = clinic.ledger().patients();

            ReplaysPageCheck.Result result = clinic.check().check(patients);

            assertThat(result.findings()).as("findings on a clean clinic").isEmpty();
            assertThat(result.patients()).hasSize(PATIENTS);
            assertThat(result.patients()).as("pages per patient with page size %d", PAGE_SIZE)
                    .allSatisfy(p -> assertThat(p.pages()).isEqualTo((CONSULTATIONS + PAGE_SIZE - 1) / PAGE_SIZE));
            assertThat(clinic.coverage().get(ReplaysPageCheck.UI_PATIENTS_CHECKED)).isEqualTo(PATIENTS);
            assertThat(clinic.coverage().get(ReplaysPageCheck.UI_PAGES_CHECKED)).isEqualTo(result.pages());
            assertThat(result.evidence()).as("evidence screenshot on a pass").isNotNull();
            assertThat(result.evidence().png()).startsWith(PNG_SIGNATURE);
            assertThat(result.browserStartups()).hasSizeLessThanOrEqualTo(browsers.size());

            pageObjectsRefuseAWrongPasswordAndOpenAnOwnReplay(clinic);
        }
    }

    /** The page objects' other services, on the same clinic (a clinic start and a seeding less). */
    private static void pageObjectsRefuseAWrongPasswordAndOpenAnOwnReplay(Rehearsal clinic) {
        LedgerPatient ada = clinic.ledger().patients().get(0);
        Browser browser = browsers.browser(0);
        browser.forgetSession();
        PageSelectors selectors = PageSelectors.from(env.target().profile());

        LoginPage refused = LoginPage.open(browser.driver(), clinic.base(), selectors, browser.pageTimeout())
                .loginAsExpectingError(ada.username(), "not-the-password");
        assertThat(refused.error()).as("error shown for a wrong password").isNotBlank();

        ReplaysPage replays = refused.loginAs(ada.username(), clinic.passwords().of(clinic.runId(), ada.key()));
        String first = replays.recordingIds().get(0);
        ReplayPage replay = replays.openReplay(first);
        assertThat(replay.mediaSource()).isEqualTo("/replays/" + first + "/media");
        assertThat(replay.location()).isEqualTo("/replays/" + first);
        assertThat(replay.heading()).startsWith("Consultation on");
    }

    @Test
    void pageRenderedFromACacheWithoutTheUserIsAUiMismatch() {
        try (Rehearsal clinic = rehearsal("shared-cache", "web-page-shared-cache")) {
            List<LedgerPatient> patients = clinic.ledger().patients();

            ReplaysPageCheck.Result result = clinic.check().check(patients);

            List<Finding> mismatches = result.findings().stream().filter(f -> f.kind() == FindingKind.UI_MISMATCH).toList();
            assertThat(mismatches).as("UI_MISMATCH findings when the page cache ignores the user").isNotEmpty();
            assertThat(result.findings()).as("nothing else").allMatch(f -> f.kind() == FindingKind.UI_MISMATCH);
            assertThat(mismatches).as("another patient's recordings are an isolation breach")
                    .anyMatch(f -> f.category().equals(FindingKind.Category.ISOLATION_BREACH.title()) && f.evidence().containsKey("foreign"));
            assertThat(mismatches).as("the API listing stays right: a page-only fault")
                    .allMatch(f -> Boolean.TRUE.equals(f.evidence().get("apiAgreesWithLedger")));
            assertThat(result.mismatchScreenshots()).as("a screenshot for every patient with a mismatch")
                    .hasSize((int) mismatches.stream().map(Finding::patient).distinct().count())
                    .allSatisfy(s -> assertThat(s.png()).startsWith(PNG_SIGNATURE));
        }
    }
}
