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
    @ValueSource(strings = {"1.4.0", "2.0.0", "2.1.0"})
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
    void updateFrom200To210KeepsEveryOwnerAndGivesEveryPatientAnAccount() {
        Population pop;
        List<Long> video;
        try (TestClinic old = TestClinic.start(dir, "2.0.0")) {
            pop = Population.create(old, 5, 2);
            // A consultation switched to video before the update: both its recordings must stay with their owner.
            String p2 = old.login("p2");
            long consultation = old.book(p2, Population.FIRST_SLOT.plusSeconds(86_400));
            old.step(consultation, "start");
            old.step(consultation, "switch-to-video");
            video = TestClinic.ids(old.step(consultation, "complete").get("recordingIds"));
            pop.recordings.get("p2").addAll(video);
            assertThat(pop.listings(old)).isEqualTo(pop.recordings);
        }
        try (TestClinic updated = TestClinic.start(dir, "2.1.0")) {
            assertThat(updated.get("/health", null).json().get("release").asText()).isEqualTo("2.1.0");
            assertThat(pop.listings(updated)).isEqualTo(pop.recordings);
            Map<String, String> tokens = pop.login(updated);
            java.util.Set<String> accounts = new java.util.HashSet<>();
            for (var e : pop.patientIds.entrySet()) {
                var me = updated.get("/api/me", tokens.get(e.getKey())).json();
                assertThat(me.get("id").asLong()).as("patient id of %s", e.getKey()).isEqualTo(e.getValue());
                String account = me.get("accountId").asText();
                assertThat(account).as("account of %s, derived from the patient id", e.getKey())
                        .isEqualTo(dev.cordon.clinic.migration.V2_1_0__accounts_and_documents.derivedAccountId(e.getValue()));
                accounts.add(account);
            }
            assertThat(accounts).as("distinct accounts").hasSize(pop.patientIds.size());
            for (var item : updated.operator("GET", "/api/operator/patients", null).json().get("items")) {
                assertThat(item.get("accountId").asText()).startsWith("acct-");
            }
            long first = pop.recordings.get("p0").get(0);
            assertThat(updated.get("/api/replays/" + first, tokens.get("p1")).status()).isEqualTo(404);
            assertThat(updated.get("/api/replays/" + video.get(1) + "/media", tokens.get("p2")).body())
                    .startsWith("CORDON-SYNTHETIC-MEDIA recording=" + video.get(1));

            // A consultation booked before the update takes documents after it; a new patient signs up beside the old ones.
            long p0Consultation = updated.get("/api/replays/" + first, tokens.get("p0")).json().get("consultationId").asLong();
            long document = updated.document(tokens.get("p0"), p0Consultation, "after the update");
            assertThat(updated.documents(tokens.get("p0"), 10, null)).containsExactly(document);
            assertThat(updated.documents(tokens.get("p1"), 10, null)).isEmpty();
            assertThat(updated.upload(tokens.get("p1"), p0Consultation, "t", "application/pdf", TestClinic.pdf("t")).status()).isEqualTo(404);
            assertThat(updated.signup("P0").status()).isEqualTo(201);
            assertThat(updated.signup("p0").status()).isEqualTo(409);
        }
        assertThatThrownBy(() -> TestClinic.start(dir, "2.0.0"))
                .isInstanceOf(ClinicStartException.class)
                .hasMessageContaining("2.1.0").hasMessageContaining("2.0.0");
    }

    @Test
    void updateFrom140StraightTo210KeepsEveryRecordingWithItsOwner() {
        Population pop;
        try (TestClinic old = TestClinic.start(dir, "1.4.0")) {
            pop = Population.create(old, 4, 2);
        }
        try (TestClinic updated = TestClinic.start(dir, "2.1.0")) {
            assertThat(pop.listings(updated)).isEqualTo(pop.recordings);
            String p3 = updated.login("p3");
            assertThat(updated.get("/api/me", p3).json().get("id").asLong()).isEqualTo(pop.patientIds.get("p3"));
            assertThat(updated.get("/api/me", p3).json().get("accountId").asText()).startsWith("acct-");
        }
    }

    @Test
    void unknownReleaseOrFaultIsRefusedWithTheValidOnes() {
        assertThatThrownBy(() -> TestClinic.start(dir, "3.0.0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.4.0, 2.0.0, 2.1.0");
        assertThatThrownBy(() -> TestClinic.start(dir, "2.0.0", "no-such-fault"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("switch-owner-by-slot");
        assertThat(Releases.known()).containsExactly("1.4.0", "2.0.0", "2.1.0");
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
