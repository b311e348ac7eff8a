package dev.cordon.clinic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The clean releases keep every patient to their own recordings, alone, at once, and across the update. */
class IsolationAndUpdateTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"1.4.0", "2.0.0"})
    void cleanReleaseIsolatesSequentialAndConcurrentCallers(String release) throws Exception {
        try (TestClinic c = TestClinic.start(dir, release)) {
            Population pop = Population.create(c, 16, 1);
            assertThat(pop.listings(c)).isEqualTo(pop.recordings);
            for (int round = 0; round < 3; round++) {
                assertThat(Population.concurrentFirstPages(c, pop.login(c))).as("round %d", round).isEqualTo(pop.recordings);
            }
            String p0 = c.login("p0");
            long p1 = pop.patientIds.get("p1");
            for (String param : List.of("patientId", "patient", "ownerId")) {
                assertThat(c.listingOf("/api/replays?" + param + "=" + p1, p0)).as("%s is ignored", param).isEqualTo(pop.recordings.get("p0"));
            }
        }
    }

    @Test
    void lookAlikeUsernamesEachGetTheirOwnIdentity() {
        try (TestClinic c = TestClinic.start(dir, "2.0.0")) {
            long lower = c.createPatient("alex");
            long upper = c.createPatient("Alex");
            assertThat(c.get("/api/me", c.login("alex")).json().get("id").asLong()).isEqualTo(lower);
            assertThat(c.get("/api/me", c.login("Alex")).json().get("id").asLong()).isEqualTo(upper);
        }
    }

    @Test
    void updateFrom140To200KeepsEveryRecordingWithItsOwner() {
        Population pop;
        try (TestClinic old = TestClinic.start(dir, "1.4.0")) {
            pop = Population.create(old, 5, 3);
            assertThat(pop.listings(old)).isEqualTo(pop.recordings);
        }
        try (TestClinic updated = TestClinic.start(dir, "2.0.0")) {
            assertThat(updated.get("/health", null).json().get("release").asText()).isEqualTo("2.0.0");
            Map<String, List<Long>> after = pop.listings(updated);
            assertThat(after).isEqualTo(pop.recordings);
            String p0 = updated.login("p0");
            long first = pop.recordings.get("p0").get(0);
            assertThat(updated.get("/api/replays/" + first, p0).status()).isEqualTo(200);
            assertThat(updated.get("/api/replays/" + first + "/media", p0).body()).startsWith("CORDON-SYNTHETIC-MEDIA recording=" + first);
            assertThat(updated.get("/api/replays/" + first, updated.login("p1")).status()).isEqualTo(404);
        }
        assertThatThrownBy(() -> TestClinic.start(dir, "1.4.0"))
                .isInstanceOf(ClinicStartException.class)
                .hasMessageContaining("2.0.0").hasMessageContaining("1.4.0");
    }

    @Test
    void unknownReleaseOrFaultIsRefusedWithTheValidOnes() {
        assertThatThrownBy(() -> TestClinic.start(dir, "3.0.0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.4.0, 2.0.0");
        assertThatThrownBy(() -> TestClinic.start(dir, "2.0.0", "no-such-fault"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("switch-owner-by-slot");
        assertThat(Releases.known()).containsExactly("1.4.0", "2.0.0");
    }

    @Test
    void twoClinicsRunSideBySideInOneJvm() {
        try (TestClinic a = TestClinic.start(dir.resolve("a"), "1.4.0");
             TestClinic b = TestClinic.start(dir.resolve("b"), "2.0.0")) {
            assertThat(a.running().port()).isNotEqualTo(b.running().port());
            a.createPatient("ann");
            assertThat(a.operator("GET", "/api/operator/patients", null).json().get("items")).hasSize(1);
            assertThat(b.operator("GET", "/api/operator/patients", null).json().get("items")).isEmpty();
        }
    }
}
