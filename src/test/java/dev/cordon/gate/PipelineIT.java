package dev.cordon.gate;

import dev.cordon.ClinicProcess;

import dev.cordon.GateProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plays a release pipeline against a staging clinic Cordon does not control: the reference clinic jar runs as its own
 * process, the gate runs as its own process per phase (as ci/release-gate.sh would), and "the deploy" is this test
 * stopping release 1.4.0 by its pid and starting 2.0.0 on the same database.
 */
class PipelineIT {
    private static final Path PROJECT = Path.of(System.getProperty("cordon.project.dir", ".")).toAbsolutePath().normalize();
    private static final Duration GATE_TIMEOUT = Duration.ofSeconds(240);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The environment file a QA engineer would write: external, URL and secret only by reference. */
    private static final String STAGING = """
            testEnvironment: true
            production: false
            hostDenyList: [ clinic.example.com, .prod.example.com ]
            deployment: { kind: external, baseUrl: "${IT_STAGING_URL}", healthTimeoutSeconds: 60, requireReleaseChange: true }
            target: { profile: reference-clinic, operatorSecret: "${IT_STAGING_OPERATOR_SECRET}", pageSize: 2 }
            population: { patients: 4, consultationsPerPatient: 2, patientsAfterUpdate: 2, switchPatients: 6 }
            checks: { foreignSamplePerPatient: 2, crosstalkRounds: 2, crosstalkCallers: 4 }
            browser: { enabled: false }
            concurrency: 4
            """;

    @TempDir
    Path tmp;
    private Path project;
    private final String operatorSecret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private ClinicProcess clinic;

    @BeforeEach
    void projectLikeDirectory() throws IOException {
        project = tmp.resolve("project");
        GateProcess.copyTree(PROJECT.resolve("environments/profiles"), project.resolve("environments/profiles"));
        GateProcess.copyTree(PROJECT.resolve("features"), project.resolve("features"));
        Files.writeString(project.resolve("environments/staging-it.yaml"), STAGING);
    }

    @AfterEach
    void stopClinic() {
        if (clinic != null) {
            clinic.stop();
        }
    }

    @Test
    void cleanDeployPassesAndCleanupRemovesTheRun() throws Exception {
        clinic = ClinicProcess.start(PROJECT, tmp, "1.4.0", operatorSecret, List.of(), tmp.resolve("access-1.4.0.log"));
        Gate seed = gate(Map.of(), "--phase", "seed");
        assertThat(seed.exit).as("seed phase%n%s", seed.output).isZero();
        assertThat(summary().path("verdict").asText()).isEqualTo("SEEDED");
        Path ledger = project.resolve("target/cordon/ledger.jsonl");
        assertThat(ledger).as("the ledger, the artifact handed to the verify job").isRegularFile();
        assertThat(Path.of(ledger + ".key")).as("the password key beside it (no CI secret set)").isRegularFile();
        String runId = JSON.readTree(Files.readAllLines(ledger).get(0)).path("runId").asText();

        clinic.stop();
        clinic = ClinicProcess.start(PROJECT, tmp, "2.0.0", operatorSecret, List.of(), tmp.resolve("access-2.0.0.log"));   // the deploy
        Gate verify = gate(Map.of(), "--phase", "verify");
        assertThat(verify.exit).as("verify phase on the clean 2.0.0%n%s", verify.output).isZero();
        JsonNode summary = summary();
        assertThat(summary.path("verdict").asText()).isEqualTo("PASS");
        assertThat(summary.path("releases").path("observedAtSeed").asText()).isEqualTo("1.4.0");
        assertThat(summary.path("releases").path("observedAtEnd").asText()).isEqualTo("2.0.0");
        assertThat(summary.path("counts").path("patientsChecked").asInt()).as("seeded plus post-update patients").isGreaterThan(4);
        assertThat(clinic.operatorListing(operatorSecret)).as("before cleanup").anyMatch(p -> p.equals("cordon-synthetic:" + runId));

        Gate cleanup = gate(Map.of(), "--phase", "cleanup");
        assertThat(cleanup.exit).as("cleanup%n%s", cleanup.output).isZero();
        assertThat(cleanup.output).contains("cleanup: the target accepted the delete of ").contains("cleanup: confirmed, nothing of run");
        assertThat(clinic.operatorListing(operatorSecret)).as("patients tagged with run %s after cleanup", runId)
                .noneMatch(ref -> ref.equals("cordon-synthetic:" + runId));

        Gate again = gate(Map.of(), "--phase", "cleanup");
        assertThat(again.exit).as("cleanup is idempotent%n%s", again.output).isZero();
        assertThat(again.output).contains("cleanup: the target accepted the delete of 0 synthetic patients");
    }

    @Test
    void faultyDeployFailsTheGate() throws Exception {
        // This time the password key comes from a CI secret, as in the templates: nothing is written beside the ledger.
        Map<String, String> ciSecret = Map.of(PasswordKey.VARIABLE, "it-" + operatorSecret);
        clinic = ClinicProcess.start(PROJECT, tmp, "1.4.0", operatorSecret, List.of(), tmp.resolve("access-1.4.0.log"));
        Gate seed = gate(ciSecret, "--phase", "seed");
        assertThat(seed.exit).as("seed phase%n%s", seed.output).isZero();
        assertThat(project.resolve("target/cordon/ledger.jsonl.key")).doesNotExist();

        clinic.stop();
        clinic = ClinicProcess.start(PROJECT, tmp, "2.0.0", operatorSecret, List.of("switch-owner-by-slot"), tmp.resolve("access-2.0.0.log"));
        Gate verify = gate(ciSecret, "--phase", "verify");
        assertThat(verify.exit).as("verify phase on 2.0.0 with switch-owner-by-slot%n%s", verify.output).isEqualTo(1);
        JsonNode summary = summary();
        assertThat(summary.path("verdict").asText()).isEqualTo("BREACH");
        List<String> kinds = new ArrayList<>();
        summary.path("findings").forEach(f -> kinds.add(f.path("kind").asText()));
        assertThat(kinds).contains("FOREIGN_IN_LISTING");
    }

    @Test
    void unsafeEnvironmentsAreRefusedBeforeTheFirstRequest() throws Exception {
        clinic = ClinicProcess.start(PROJECT, tmp, "1.4.0", operatorSecret, List.of(), tmp.resolve("access-1.4.0.log"));
        Files.writeString(project.resolve("environments/declared-production.yaml"), STAGING.replace("production: false", "production: true"));
        Files.writeString(project.resolve("environments/undeclared.yaml"), STAGING.replace("testEnvironment: true\n", ""));
        Files.writeString(project.resolve("environments/denied-host.yaml"), STAGING.replace("${IT_STAGING_URL}", "http://api.prod.example.com:8080"));

        for (String env : List.of("declared-production", "undeclared", "denied-host")) {
            Gate seed = gate(Map.of(), "--env", env, "--phase", "seed");
            assertThat(seed.exit).as("%s: seed%n%s", env, seed.output).isEqualTo(2);
            assertThat(seed.output).as(env).contains("environments/" + env + ".yaml").contains("nothing was sent");
        }
        Gate cleanup = gate(Map.of(), "--env", "declared-production", "--phase", "cleanup", "--older-than-hours", "1");
        assertThat(cleanup.exit).as("cleanup on production%n%s", cleanup.output).isEqualTo(2);
        assertThat(clinic.requestsLogged()).as("requests the clinic logged").isZero();
    }

    // --- helpers private to this test (a shared gate-process helper lives on main) ---

    private record Gate(int exit, String output) {
    }

    /** Runs the gate as its own JVM with --project-dir, like ci/release-gate.sh does, in the project-like directory. */
    private Gate gate(Map<String, String> extraEnv, String... args) throws Exception {
        // A gate phase is a short-lived JVM: the C1 compiler alone halves its CPU time on a busy 2-core runner.
        List<String> command = new ArrayList<>(List.of(GateProcess.javaBin(), "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", GateProcess.classpath(PROJECT),
                "dev.cordon.gate.GateMain", "--project-dir", project.toString(), "--no-report"));
        if (!List.of(args).contains("--env")) {
            command.addAll(List.of("--env", "staging-it"));
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
        Path log = Files.createTempFile(tmp, "gate-", ".out");
        builder.redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("CORDON_") || k.equals("GITHUB_ACTIONS") || k.equals("GITLAB_CI") || k.equals("JENKINS_URL"));
        env.put("IT_STAGING_URL", clinic.baseUri().toString());
        env.put("IT_STAGING_OPERATOR_SECRET", operatorSecret);
        env.putAll(extraEnv);
        Process process = builder.start();
        if (!process.waitFor(GATE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the gate " + String.join(" ", args) + " did not finish within " + GATE_TIMEOUT + ":\n" + Files.readString(log));
        }
        return new Gate(process.exitValue(), Files.readString(log));
    }

    private JsonNode summary() throws IOException {
        return JSON.readTree(project.resolve("target/cordon/summary.json").toFile());
    }
}
