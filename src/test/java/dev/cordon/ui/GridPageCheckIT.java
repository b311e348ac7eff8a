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
import dev.cordon.oracle.Coverage;
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

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser check through a real Selenium Grid: Selenium Grid 4.38.0 standalone runs as its own process on loopback
 * only (its own classpath, from ci/grid/pom.xml), with the local Chromium and chromedriver as its node, offline (no
 * Selenium Manager, no driver detection). The gate's page check reaches it through browser.remoteUrl, and proves both
 * sides: silent on a clean clinic, UI_MISMATCH when the page is rendered from a cache keyed without the user.
 */
class GridPageCheckIT {
    private static final Path PROJECT = Path.of(System.getProperty("cordon.project.dir", ".")).toAbsolutePath().normalize();
    private static final Path CLASSPATH = PROJECT.resolve("target/selenium-grid-classpath.txt");
    private static final int PATIENTS = 4;
    private static final int CONSULTATIONS = 3;
    private static final int PAGE_SIZE = 2;

    @TempDir
    static Path dir;
    static EnvironmentConfig env;
    static Process grid;
    static Path gridLog;
    static BrowserPool browsers;

    @BeforeAll
    static void startGrid() throws Exception {
        env = new EnvironmentLoader(PROJECT.resolve("environments"), System.getenv()).load("local", Overrides.none());
        EnvironmentConfig.Browser local = env.browser();
        assertThat(new File(local.binary())).as("Chromium for the Grid's node (apt-get install chromium)").canRead();
        assertThat(new File(local.driver())).as("chromedriver for the Grid's node (apt-get install chromium-driver)").canRead();
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path config = dir.resolve("grid.toml");
        // Loopback only; the node is the local Chromium (the dead proxy keeps anything not on loopback from leaving).
        Files.writeString(config, """
                [server]
                host = "127.0.0.1"
                port = %d

                [node]
                detect-drivers = false
                selenium-manager = false
                max-sessions = 2

                [[node.driver-configuration]]
                display-name = "Chromium"
                webdriver-executable = "%s"
                max-sessions = 2
                stereotype = '{"browserName": "chrome", "goog:chromeOptions": {"binary": "%s", "args": ["--proxy-server=http://127.0.0.1:9"]}}'
                """.formatted(port, local.driver(), local.binary()));
        gridLog = dir.resolve("grid.log");
        ProcessBuilder builder = new ProcessBuilder(javaBin(), "-Xmx256m", "-cp", gridClasspath(), "org.openqa.selenium.grid.Main",
                "standalone", "--config", config.toString()).redirectErrorStream(true).redirectOutput(gridLog.toFile());
        builder.environment().put("SE_OFFLINE", "true");
        builder.environment().put("SE_AVOID_STATS", "true");
        grid = builder.start();
        URI status = URI.create("http://127.0.0.1:" + port + "/status");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String answer = "";
        while (System.nanoTime() < deadline && grid.isAlive() && !answer.contains("\"ready\": true")) {
            try {
                answer = http.send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                Thread.sleep(500);
            }
        }
        assertThat(answer).as("the Grid is ready (log: %s)%n%s", gridLog, Files.readString(gridLog)).contains("\"ready\": true");
        var remote = new EnvironmentConfig.Browser(true, local.binary(), local.driver(), "http://127.0.0.1:" + port, local.sample(), 2,
                local.pageTimeout());
        browsers = new BrowserPool(new BrowserFactory(remote, env.file() + " (browser.remoteUrl set by GridPageCheckIT)"));
    }

    @AfterAll
    static void stopGrid() throws InterruptedException {
        try {
            if (browsers != null) {
                browsers.close();
            }
        } finally {
            if (grid != null) {
                grid.destroy();
                if (!grid.waitFor(20, TimeUnit.SECONDS)) {
                    grid.destroyForcibly().waitFor();
                }
            }
        }
    }

    @Test
    void thePageCheckThroughTheGridIsSilentOnACleanClinicAndCatchesASharedPageCache() throws Exception {
        try (Rehearsal clean = rehearsal("clean")) {
            ReplaysPageCheck.Result result = clean.check().check(clean.ledger().patients());
            assertThat(result.findings()).as("findings on a clean clinic").isEmpty();
            assertThat(result.patients()).hasSize(PATIENTS);
            assertThat(clean.coverage().get(ReplaysPageCheck.UI_PATIENTS_CHECKED)).isEqualTo(PATIENTS);
        }
        try (Rehearsal faulty = rehearsal("shared-cache", "web-page-shared-cache")) {
            ReplaysPageCheck.Result result = faulty.check().check(faulty.ledger().patients());
            assertThat(result.findings()).as("UI_MISMATCH when the page cache ignores the user").isNotEmpty()
                    .allMatch(f -> f.kind() == FindingKind.UI_MISMATCH);
        }
        assertThat(Files.readString(gridLog)).as("the browsers were the Grid's").contains("Session created by the Node");
    }

    private record Rehearsal(RunningClinic clinic, Ledger ledger, ReplaysPageCheck check, Coverage coverage) implements AutoCloseable {
        @Override
        public void close() {
            try {
                clinic.close();
            } finally {
                ledger.close();
            }
        }
    }

    /** A reference clinic on its own database with a seeded population, as ReplaysPageCheckIT makes one. */
    private static Rehearsal rehearsal(String name, String... faults) {
        Secret operator = env.target().operatorSecret();
        RunningClinic clinic = Clinic.start(ClinicSettings.defaults().withRelease(env.toRelease()).withPort(0)
                .withJdbcUrl("jdbc:h2:file:" + dir.resolve(name).resolve("clinic").toAbsolutePath())
                .withOperatorSecret(operator.reveal()).withPageSize(PAGE_SIZE).withAccessLog("off").withFaults(Set.of(faults)));
        URI base = URI.create("http://127.0.0.1:" + clinic.port());
        String runId = "grid-" + name;
        Ledger ledger = Ledger.create(dir.resolve(name).resolve("ledger.jsonl"),
                new LedgerHeader(runId, env.name(), base.toString(), env.toRelease(), env.population().seed(), "now", null, PATIENTS));
        Passwords passwords = new Passwords(Secret.of("grid-it-key", "test"));
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
        return new Rehearsal(clinic, ledger, check, coverage);
    }

    /** The Grid's own classpath (selenium-grid 4.38.0 and its dependencies), resolved once by ci/grid/pom.xml. */
    private static String gridClasspath() throws Exception {
        Path pom = PROJECT.resolve("ci/grid/pom.xml");
        if (!Files.isRegularFile(CLASSPATH) || Files.getLastModifiedTime(CLASSPATH).compareTo(Files.getLastModifiedTime(pom)) < 0) {
            Path log = dir.resolve("grid-classpath.log");
            Process mvn = new ProcessBuilder(PROJECT.resolve("mvnw").toString(), "-q", "-B", "-f", pom.toString(), "generate-resources")
                    .directory(PROJECT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(mvn.waitFor(10, TimeUnit.MINUTES)).as("resolving the Grid's classpath").isTrue();
            assertThat(mvn.exitValue()).as("./mvnw -f ci/grid/pom.xml generate-resources%n%s", Files.readString(log)).isZero();
        }
        return Files.readString(CLASSPATH).trim();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
