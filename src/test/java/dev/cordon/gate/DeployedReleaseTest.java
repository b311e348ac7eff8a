package dev.cordon.gate;

import dev.cordon.config.EnvironmentConfig;
import dev.cordon.config.EnvironmentLoader;
import dev.cordon.config.Overrides;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which release phase verify accepts from a target the pipeline deployed, and how parallel shards stay apart. */
class DeployedReleaseTest {
    @TempDir
    Path dir;

    private EnvironmentConfig external(String deploymentExtras) throws IOException {
        Files.createDirectories(dir.resolve("profiles"));
        Files.copy(Path.of("environments/profiles/reference-clinic.yaml"), dir.resolve("profiles/reference-clinic.yaml"));
        Files.writeString(dir.resolve("s.yaml"), """
                testEnvironment: true
                deployment: { kind: external, baseUrl: "http://127.0.0.1:8080"%s }
                target: { profile: reference-clinic, operatorSecret: "${OP}" }
                population: { patients: 5 }
                """.formatted(deploymentExtras));
        return new EnvironmentLoader(dir, Map.of("OP", "x")).load("s", Overrides.none());
    }

    @Test
    void withoutDemandsAnyReleaseIsVerified() throws IOException {
        EnvironmentConfig env = external("");
        assertThat(new DeployedRelease(env, "1.4.0").problemWith("1.4.0")).isNull();
        assertThat(env.fromRelease()).as("releases are optional for an external target").isEqualTo(EnvironmentLoader.AS_DEPLOYED);
    }

    @Test
    void expectedReleaseMustBeWhatTheTargetReports() throws IOException {
        DeployedRelease demand = new DeployedRelease(external(", expectedRelease: \"2.0.0\""), "1.4.0");
        assertThat(demand.problemWith("2.0.0")).isNull();
        assertThat(demand.problemWith("2.0.1")).contains("s.yaml").contains("deployment.expectedRelease").contains("2.0.1");
    }

    @Test
    void requireReleaseChangeRefusesTheReleaseOfTheSeed() throws IOException {
        DeployedRelease demand = new DeployedRelease(external(", requireReleaseChange: true"), "1.4.0");
        assertThat(demand.problemWith("2.0.0")).isNull();
        assertThat(demand.problemWith("1.4.0")).contains("deployment.requireReleaseChange").contains("seeded on");
    }

    @Test
    void shardsOfARunAreTheRunAndNoOtherRunIs() {
        String run = "20261124-101500-abc123";
        assertThat(GateRun.belongsToRun("cordon-synthetic:" + run, run)).isTrue();
        assertThat(GateRun.belongsToRun("cordon-synthetic:" + run + "-s2of3", run)).isTrue();
        assertThat(GateRun.belongsToRun("cordon-synthetic:" + run + "7", run)).isFalse();
        assertThat(GateRun.belongsToRun("cordon-synthetic:20261124-101500-abc124", run)).isFalse();
        assertThat(GateRun.belongsToRun("real-patient", run)).isFalse();
        assertThat(GateRun.belongsToRun(null, run)).isFalse();
    }

    @Test
    void shardsAreDisjointAndCoverEveryone() {
        List<Integer> all = java.util.stream.IntStream.rangeClosed(1, 10).boxed().toList();
        List<Integer> joined = new java.util.ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            joined.addAll(Shard.parse(i + "/3").of(all));
        }
        assertThat(joined).hasSize(10).containsExactlyInAnyOrderElementsOf(all);
    }
}
