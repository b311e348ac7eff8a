package dev.cordon.deploy;

import dev.cordon.GateProcess;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;

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

    @BeforeAll
    static void dockerOrSkip() {
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
        GateProcess.Outcome result = gate("--env", "containers", "--no-report", "--patients", PATIENTS);

        assertThat(result.exitCode()).as("exit code of the clean container rehearsal; output:%n%s", result.console()).isZero();
        assertThat(result.summary().path("verdict").asText()).isEqualTo("PASS");
        System.out.printf("container rehearsal: clean PASS in %d s%n", result.seconds());
    }

    @Test
    @Order(2)
    void migrationFaultIsCaughtOnPostgreSQL() throws Exception {
        GateProcess.Outcome result = gate("--env", "containers", "--no-report", "--patients", PATIENTS, "--fault", "migration-misattributes");

        assertThat(result.exitCode()).as("exit code with migration-misattributes; output:%n%s", result.console()).isEqualTo(1);
        List<String> kinds = result.kinds();
        assertThat(kinds).as("finding kinds in summary.json").containsAnyOf("FOREIGN_IN_LISTING", "MISSING_FROM_LISTING");
        System.out.printf("container rehearsal: migration-misattributes caught (%s) in %d s%n",
                String.join(",", new java.util.TreeSet<>(kinds)), result.seconds());
    }

    private static GateProcess.Outcome gate(String... args) throws IOException, InterruptedException {
        return GateProcess.forThisProject().run(Map.of("TESTCONTAINERS_RYUK_DISABLED", "true",
                "TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1"), args);
    }
}
