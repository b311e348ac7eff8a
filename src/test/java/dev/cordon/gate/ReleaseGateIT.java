package dev.cordon.gate;

import dev.cordon.GateProcess;
import dev.cordon.GateProcess.Outcome;
import dev.cordon.clinic.Clinic;
import dev.cordon.clinic.ClinicSettings;
import dev.cordon.clinic.RunningClinic;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gate core on the embedded default, as CI runs it: the clean update passes, each catalogue fault the core is
 * responsible for fails with the right kind, configuration errors exit 2 before any request, no secret leaks.
 * Populations are smaller than the default to keep the build quick; the default size runs in ci/release-gate.sh.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseGateIT {
    private static final String PATIENTS = "40";
    private static final String API_ONLY = "not @ui";
    private final GateProcess gate = GateProcess.forThisProject();

    private Outcome rehearse(String... extra) throws Exception {
        String[] args = Stream.concat(Stream.of("--patients", PATIENTS, "--tags", API_ONLY), Stream.of(extra)).toArray(String[]::new);
        return gate.run(Map.of(), args);
    }

    @Test
    @Order(1)
    void cleanUpdatePassesAndSaysWhatItChecked() throws Exception {
        Outcome outcome = rehearse();
        assertThat(outcome.exitCode()).as(outcome.console()).isZero();
        assertThat(outcome.verdict()).isEqualTo("PASS");
        assertThat(outcome.summary().at("/counts/patientsChecked").asInt()).as("patients checked").isGreaterThanOrEqualTo(40);
        assertThat(outcome.summary().at("/counts/recordingsExpected").asInt()).as("recordings checked").isGreaterThanOrEqualTo(120);
        assertThat(outcome.console()).contains("VERDICT PASS (exit 0)");
        assertNoSecrets(outcome.console());
        assertNoSecrets(readTree(gate.projectDir().resolve("target/allure-results")));
    }

    @Test
    @Order(2)
    void sharedSlotSwitchLeakIsForeignInListing() throws Exception {
        Outcome outcome = rehearse("--fault", "switch-owner-by-slot");
        assertThat(outcome.exitCode()).as(outcome.console()).isEqualTo(1);
        assertThat(outcome.kinds()).contains("FOREIGN_IN_LISTING");
        assertThat(outcome.summary().toString()).as("evidence names the rightful owner").contains("rightful owner");
    }

    @Test
    @Order(3)
    void replayByIdWithoutOwnerIsDirectAccess() throws Exception {
        Outcome outcome = rehearse("--fault", "replay-by-id-without-owner");
        assertThat(outcome.exitCode()).as(outcome.console()).isEqualTo(1);
        assertThat(outcome.kinds()).contains("DIRECT_ACCESS").doesNotContain("FOREIGN_IN_LISTING");
        java.util.List<String> lines = java.nio.file.Files.readAllLines(gate.projectDir().resolve("target/cordon/findings.jsonl"));
        assertThat(lines).as("every finding kept in findings.jsonl").hasSize(outcome.summary().at("/counts/findings").asInt());
        assertThat(outcome.summary().at("/findingsSample/total").asInt()).isEqualTo(lines.size());
        assertThat(outcome.summary().at("/counts/findingsByWhere/DIRECT_ACCESS").toString()).contains("opener");
    }

    /**
     * The June 2020 shape: a switch files the recording under whoever first booked that time of day (on any date) — a
     * patient of the first cohort. The switcher's own listing only misses it; the final sweep reads the earlier
     * patient's listing after the last write and reports it there as FOREIGN_IN_LISTING, the switcher its rightful
     * owner. Runs once the clinic has the fault (release 2.0.0's switch-owner-by-time-of-day).
     */
    @Test
    @Order(3)
    void timeOfDaySwitchLeakIsForeignInAnEarlierPatientsListing() throws Exception {
        boolean faultExists;
        try {
            dev.cordon.clinic.Fault.byId("switch-owner-by-time-of-day");
            faultExists = true;
        } catch (IllegalArgumentException e) {
            faultExists = false;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(faultExists, "the clinic has no fault switch-owner-by-time-of-day yet");
        Outcome outcome = rehearse("--fault", "switch-owner-by-time-of-day");
        assertThat(outcome.exitCode()).as(outcome.console()).isEqualTo(1);
        assertThat(outcome.kinds()).contains("FOREIGN_IN_LISTING");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.List<com.fasterxml.jackson.databind.JsonNode> foreign = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(gate.projectDir().resolve("target/cordon/findings.jsonl"))) {
            com.fasterxml.jackson.databind.JsonNode finding = json.readTree(line);
            if (finding.path("kind").asText().equals("FOREIGN_IN_LISTING")) {
                foreign.add(finding);
            }
        }
        assertThat(foreign).as("foreign recordings in earlier patients' listings").isNotEmpty().allSatisfy(f -> {
            assertThat(f.path("patient").asText()).as("an earlier cohort's patient").doesNotStartWith("V");
            assertThat(f.at("/evidence/stage").asText()).as("seen by the final sweep").startsWith("final sweep");
            assertThat(f.at("/evidence/foreign").toString()).as("the switcher is the rightful owner").contains("\"V0");
        });
        assertThat(outcome.summary().at("/finalSweep/newFindingsByKind/FOREIGN_IN_LISTING").asInt()).isPositive();
    }

    @Test
    @Order(4)
    void migrationThatMisattributesFailsTheRelease() throws Exception {
        Outcome outcome = rehearse("--fault", "migration-misattributes");
        assertThat(outcome.exitCode()).as(outcome.console()).isEqualTo(1);
        assertThat(outcome.kinds()).containsAnyOf("FOREIGN_IN_LISTING", "MISSING_FROM_LISTING");
    }

    @Test
    @Order(5)
    void recordingsDroppedOnUpdateAreMissing() throws Exception {
        Outcome outcome = rehearse("--fault", "recordings-dropped-on-update");
        assertThat(outcome.exitCode()).as(outcome.console()).isEqualTo(1);
        assertThat(outcome.kinds()).contains("MISSING_FROM_LISTING").doesNotContain("FOREIGN_IN_LISTING");
    }

    @Test
    @Order(6)
    void seedThenVerifyInTwoInvocationsGivesTheRehearsalsVerdict() throws Exception {
        Outcome seeded = rehearse("--phase", "seed");
        assertThat(seeded.exitCode()).as(seeded.console()).isZero();
        assertThat(seeded.verdict()).isEqualTo("SEEDED");
        Outcome verified = rehearse("--phase", "verify");
        assertThat(verified.exitCode()).as(verified.console()).isZero();
        assertThat(verified.verdict()).isEqualTo("PASS");
        assertThat(verified.console()).contains("ledger ").contains("40 patients");

        rehearse("--phase", "seed");
        Outcome leaky = rehearse("--phase", "verify", "--fault", "recordings-dropped-on-update");
        assertThat(leaky.exitCode()).as(leaky.console()).isEqualTo(1);
    }

    @Test
    @Order(7)
    void configurationErrorsExit2BeforeAnyRequest(@TempDir Path dir) throws Exception {
        Outcome nosuch = gate.run(Map.of(), "--env", "nosuch");
        assertThat(nosuch.exitCode()).isEqualTo(2);
        assertThat(nosuch.console()).contains("nosuch.yaml").contains("known environments").contains("local");

        Files.createDirectories(dir.resolve("environments/profiles"));
        Files.copy(gate.projectDir().resolve("environments/profiles/reference-clinic.yaml"), dir.resolve("environments/profiles/reference-clinic.yaml"));
        Files.writeString(dir.resolve("environments/broken.yaml"), "testEnvironment: true\ndeployment: [embedded\n");
        Outcome malformed = gate.runIn(dir, Map.of(), "--env", "broken");
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.console()).contains("broken.yaml").contains("not valid YAML");

        String local = Files.readString(gate.projectDir().resolve("environments/local.yaml"));
        Files.writeString(dir.resolve("environments/nosecret.yaml"), local.replace("generated-per-run", "\"${CORDON_TEST_UNSET_SECRET}\""));
        Outcome missingSecret = gate.runIn(dir, Map.of(), "--env", "nosecret");
        assertThat(missingSecret.exitCode()).isEqualTo(2);
        assertThat(missingSecret.console()).contains("nosecret.yaml").contains("target.operatorSecret").contains("CORDON_TEST_UNSET_SECRET");

        Files.writeString(dir.resolve("environments/undeclared.yaml"), local.replace("testEnvironment: true", "testEnvironment: false"));
        Outcome undeclared = gate.runIn(dir, Map.of(), "--env", "undeclared");
        assertThat(undeclared.exitCode()).isEqualTo(2);
        assertThat(undeclared.console()).contains("testEnvironment").contains("nothing was sent");

        Outcome badFault = gate.run(Map.of(), "--fault", "no-such-fault");
        assertThat(badFault.exitCode()).isEqualTo(2);
        assertThat(badFault.console()).contains("switch-owner-by-slot");
    }

    @Test
    @Order(8)
    void aFeatureFileThatDoesNotParseExits2WithFileAndLineBeforeAnyRequest(@TempDir Path dir) throws Exception {
        Path accessLog = dir.resolve("staging-access.log");
        String secret = java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(16));
        try (RunningClinic staging = Clinic.start(ClinicSettings.defaults().withRelease("1.4.0").withPort(0)
                .withJdbcUrl("jdbc:h2:file:" + dir.resolve("staging-db/clinic")).withOperatorSecret(secret)
                .withAccessLog(accessLog.toString()))) {
            GateProcess.copyTree(gate.projectDir().resolve("environments/profiles"), dir.resolve("environments/profiles"));
            GateProcess.copyTree(gate.projectDir().resolve("features"), dir.resolve("features"));
            Files.writeString(dir.resolve("features/isolation/zz-broken.feature"), """
                    @isolation
                    Feature: A feature a QA engineer is still writing
                      Scenario: One that parses
                        Then every patient's replay listing holds exactly their own recordings
                      Scenari: a typo the parser refuses
                        Then every patient's replay listing holds exactly their own recordings
                    """);
            Files.writeString(dir.resolve("environments/staging-it.yaml"), """
                    testEnvironment: true
                    deployment: { kind: external, baseUrl: "${IT_STAGING_URL}" }
                    target: { profile: reference-clinic, operatorSecret: "${IT_STAGING_OPERATOR_SECRET}" }
                    population: { patients: 2, consultationsPerPatient: 1 }
                    browser: { enabled: false }
                    """);
            Outcome broken = runWithWorkingDirectory(dir, Map.of("IT_STAGING_URL", "http://127.0.0.1:" + staging.port(),
                    "IT_STAGING_OPERATOR_SECRET", secret), "--env", "staging-it", "--phase", "seed", "--no-report");

            assertThat(broken.exitCode()).as(broken.console()).isEqualTo(2);
            assertThat(broken.console()).contains("features/isolation/zz-broken.feature:5:3 does not parse")
                    .contains("got 'Scenari: a typo the parser refuses'").contains("VERDICT ERROR").contains("(exit 2)")
                    .doesNotContain("no scenario ran");
            assertThat(broken.verdict()).isEqualTo("ERROR");
            assertThat(accessLines(accessLog)).as("requests the staging clinic logged during the refused run").isZero();

            // the access log does record requests: one health check shows up as one line
            java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + staging.port() + "/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            assertThat(accessLines(accessLog)).as("after one request of the test's own").isEqualTo(1);
        }
    }

    /**
     * The contract check of the preflight: with the browser pointed at a path that does not exist and --no-install,
     * ci/release-gate.sh (JVM start and the script's build check included) exits 2 within 20 s without starting the
     * embedded clinic: its access log and database are untouched.
     */
    @Test
    @Order(9)
    void aMissingBrowserWithNoInstallExits2QuicklyWithoutStartingTheTarget() throws Exception {
        Path workDir = gate.projectDir().resolve("target/cordon");
        String before = fingerprint(workDir.resolve("clinic-access.log")) + fingerprint(workDir.resolve("embedded/local"));
        ProcessBuilder builder = new ProcessBuilder("bash", "ci/release-gate.sh", "--no-install")
                .directory(gate.projectDir().toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("CORDON_"));
        builder.environment().put("CORDON_CHROMIUM", "/nonexistent/chromium");
        Path log = Files.createTempFile("cordon-gate-script", ".out");
        builder.redirectOutput(log.toFile());
        long started = System.nanoTime();
        Process script = builder.start();
        try {
            boolean finished = script.waitFor(120, java.util.concurrent.TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - started) / 1e9;
            String console = Files.readString(log);
            assertThat(finished).as("the script finished; output so far:%n%s", console).isTrue();
            System.out.printf("ReleaseGateIT: ci/release-gate.sh --no-install with CORDON_CHROMIUM=/nonexistent/chromium: exit %d in %.1f s%n",
                    script.exitValue(), seconds);
            assertThat(script.exitValue()).as(console).isEqualTo(2);
            assertThat(console).contains("/nonexistent/chromium").contains("browser.binary").contains("--skip-ui")
                    .contains("VERDICT ERROR").contains("(exit 2)").doesNotContainPattern("installing .*\\(apt-get")
                    .doesNotContain("building the harness");
            assertThat(seconds).as("seconds from the script's start to its exit").isLessThan(20.0);
            assertThat(fingerprint(workDir.resolve("clinic-access.log")) + fingerprint(workDir.resolve("embedded/local")))
                    .as("the embedded clinic's access log and database").isEqualTo(before);
        } finally {
            script.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    /** Like GateProcess.runIn, but with the gate's working directory (and so its features/) in {@code dir}. */
    private Outcome runWithWorkingDirectory(Path dir, Map<String, String> env, String... args) throws Exception {
        String classpath = gate.projectDir().resolve("target/test-classes") + java.io.File.pathSeparator
                + gate.projectDir().resolve("target/classes") + java.io.File.pathSeparator
                + Files.readString(gate.projectDir().resolve("target/cordon-classpath.txt")).trim();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath, "dev.cordon.gate.GateMain",
                "--project-dir", dir.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("CORDON_"));
        builder.environment().putAll(env);
        Path log = Files.createTempFile(dir, "gate-", ".out");
        builder.redirectOutput(log.toFile());
        long started = System.nanoTime();
        Process process = builder.start();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
                throw new AssertionError("the gate did not finish within 5 minutes:\n" + Files.readString(log));
            }
            Path summary = dir.resolve("target/cordon/summary.json");
            return new Outcome(process.exitValue(), Files.readString(log), Files.exists(summary)
                    ? new com.fasterxml.jackson.databind.ObjectMapper().readTree(summary.toFile())
                    : new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode(), (System.nanoTime() - started) / 1_000_000_000L);
        } finally {
            process.destroyForcibly();
        }
    }

    private static long accessLines(Path accessLog) throws IOException {
        if (!Files.exists(accessLog)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(accessLog)) {
            return lines.filter(l -> l.startsWith("access ")).count();
        }
    }

    /** Names, sizes and modification times of a file or of every file under a directory ("absent" if there is none). */
    private static String fingerprint(Path path) throws IOException {
        if (!Files.exists(path)) {
            return path.getFileName() + ": absent;";
        }
        StringBuilder print = new StringBuilder();
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                print.append(file).append(' ').append(Files.size(file)).append(' ').append(Files.getLastModifiedTime(file)).append(';');
            }
        }
        return print.toString();
    }


    private static String readTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return "";
        }
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                all.append(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }

    static void assertNoSecrets(String text) {
        assertThat(text).doesNotContainPattern("Bearer [A-Za-z0-9._~+/=-]{12,}")
                .doesNotContainPattern("(Cookie|Set-Cookie): *[^ =]+=[A-Za-z0-9._-]{12,}")
                .doesNotContainPattern("Cx1-[A-Za-z0-9_-]{20,}");
    }
}
