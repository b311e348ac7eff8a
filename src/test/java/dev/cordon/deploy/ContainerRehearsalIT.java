package dev.cordon.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The container rehearsal end to end, as CI runs it: the gate in its own process with --env containers, on the
 * clean update (must pass) and with the migration fault (must fail with a listing finding), both on PostgreSQL.
 * Without a Docker engine it is skipped with the reason, unless CORDON_REQUIRE_DOCKER=1 (CI), where it fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerRehearsalIT {
    private static final String PATIENTS = "16";
    private static final long GATE_TIMEOUT_MINUTES = 15;

    private static Path projectDir;

    @BeforeAll
    static void dockerOrSkip() {
        projectDir = Path.of(System.getProperty("cordon.project.dir", ".")).toAbsolutePath().normalize();
        boolean available;
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            available = false;
        }
        String env = System.getenv(ContainerDeployment.REQUIRE_DOCKER);
        if (!available && ("1".equals(env) || "true".equalsIgnoreCase(env))) {
            fail("Docker is required (" + ContainerDeployment.REQUIRE_DOCKER + "=1) but no engine answers: the container rehearsal cannot run");
        }
        String skipped = "container rehearsal: SKIPPED, no Docker engine answers (set "
                + ContainerDeployment.REQUIRE_DOCKER + "=1 to make this a failure)";
        if (!available) {
            System.out.println(skipped);
        }
        assumeTrue(available, skipped);
    }

    @Test
    @Order(1)
    void cleanUpdatePassesOnPostgreSQL() throws Exception {
        GateResult result = gate("--env", "containers", "--no-report", "--patients", PATIENTS);

        assertThat(result.exitCode).as("exit code of the clean container rehearsal; output:%n%s", result.output).isZero();
        assertThat(result.summary.path("verdict").asText()).isEqualTo("PASS");
        System.out.printf("container rehearsal: clean PASS in %d s%n", result.seconds);
    }

    @Test
    @Order(2)
    void migrationFaultIsCaughtOnPostgreSQL() throws Exception {
        GateResult result = gate("--env", "containers", "--no-report", "--patients", PATIENTS, "--fault", "migration-misattributes");

        assertThat(result.exitCode).as("exit code with migration-misattributes; output:%n%s", result.output).isEqualTo(1);
        List<String> kinds = new ArrayList<>();
        result.summary.path("findings").forEach(f -> kinds.add(f.path("kind").asText()));
        assertThat(kinds).as("finding kinds in summary.json").containsAnyOf("FOREIGN_IN_LISTING", "MISSING_FROM_LISTING");
        System.out.printf("container rehearsal: migration-misattributes caught (%s) in %d s%n",
                String.join(",", new java.util.TreeSet<>(kinds)), result.seconds);
    }

    private record GateResult(int exitCode, String output, JsonNode summary, long seconds) {
    }

    /** The gate as a separate process, as ci/release-gate.sh starts it (a private helper: no shared one yet). */
    private static GateResult gate(String... args) throws IOException, InterruptedException {
        Path classpathFile = projectDir.resolve("target/cordon-classpath.txt");
        String classpath = projectDir.resolve("target/test-classes") + java.io.File.pathSeparator
                + projectDir.resolve("target/classes") + java.io.File.pathSeparator
                + Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", classpath, "dev.cordon.gate.GateMain", "--project-dir", projectDir.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("cordon-container-rehearsal", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(projectDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("TESTCONTAINERS_RYUK_DISABLED", "true");
        builder.environment().put("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1");
        Path summary = projectDir.resolve("target/cordon/summary.json");
        Files.deleteIfExists(summary);
        long t0 = System.nanoTime();
        Process process = builder.start();
        try {
            if (!process.waitFor(GATE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                // destroy() is SIGTERM: the gate's shutdown hook stops its containers
                process.destroy();
                process.waitFor(30, TimeUnit.SECONDS);
                fail("the gate did not finish within " + GATE_TIMEOUT_MINUTES + " min; output:\n" + Files.readString(log));
            }
            String output = Files.readString(log);
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            JsonNode json = Files.exists(summary) ? new ObjectMapper().readTree(summary.toFile()) : new ObjectMapper().createObjectNode();
            return new GateResult(process.exitValue(), output, json, seconds);
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
