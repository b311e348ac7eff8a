package dev.cordon.gate;

import dev.cordon.GateProcess;
import dev.cordon.GateProcess.Outcome;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
