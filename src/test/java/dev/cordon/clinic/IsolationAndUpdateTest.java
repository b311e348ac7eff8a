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
    @ValueSource(strings = {"1.4.0", "2.0.0", "2.1.0", "2.2.0"})
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

    /**
     * The 2.2.0 migration gives every existing patient one care record and files each existing consultation under the
     * care record of the patient it belonged to: nothing changes owner, and old consultations take 2.2.0's writes.
     */
    @Test
    void updateFrom210To220KeepsEveryConsultationWithItsOwnerUnderTheirCareRecord() {
        Population pop;
        List<Long> video;
        long document;
        try (TestClinic old = TestClinic.start(dir, "2.1.0")) {
            pop = Population.create(old, 5, 2);
            String p2 = old.login("p2");
            long consultation = old.book(p2, Population.FIRST_SLOT.plusSeconds(86_400));
            old.step(consultation, "start");
            old.step(consultation, "switch-to-video");
            video = TestClinic.ids(old.step(consultation, "complete").get("recordingIds"));
            pop.recordings.get("p2").addAll(video);
            document = old.document(p2, consultation, "before the update");
            old.book(old.login("p4"), Population.FIRST_SLOT.plusSeconds(2 * 86_400)); // booked, never held
            assertThat(pop.listings(old)).isEqualTo(pop.recordings);
        }
        try (TestClinic updated = TestClinic.start(dir, "2.2.0")) {
            assertThat(updated.get("/health", null).json().get("release").asText()).isEqualTo("2.2.0");
            assertThat(pop.listings(updated)).isEqualTo(pop.recordings);
            Map<String, String> tokens = pop.login(updated);
            java.util.Set<Long> records = new java.util.HashSet<>();
            java.util.Set<Long> consultations = new java.util.HashSet<>();
            for (var e : pop.patientIds.entrySet()) {
                String token = tokens.get(e.getKey());
                var me = updated.get("/api/me", token).json();
                assertThat(me.get("id").asLong()).isEqualTo(e.getValue());
                assertThat(me.get("careRecordId").isNull()).as("%s has a care record after the update", e.getKey()).isFalse();
                long record = me.get("careRecordId").asLong();
                records.add(record);
                assertThat(updated.get("/api/care-records/" + record, token).json().get("patientId").asLong()).isEqualTo(e.getValue());
                assertThat(updated.createCareRecord(token).status()).as("still one per account").isEqualTo(409);
                var listed = updated.get("/api/consultations?size=100", token).json().get("items");
                assertThat(listed).as("consultations of %s", e.getKey()).isNotEmpty();
                for (var item : listed) {
                    assertThat(item.get("careRecordId").asLong()).as("consultation %s of %s", item.get("id"), e.getKey()).isEqualTo(record);
                    assertThat(consultations.add(item.get("id").asLong())).as("listed for one patient only").isTrue();
                    var held = updated.operator("GET", "/api/operator/consultations/" + item.get("id").asLong(), null).json();
                    assertThat(held.get("patientId").asLong()).isEqualTo(e.getValue());
                }
                List<Long> byRecord = new java.util.ArrayList<>();
                updated.get("/api/care-records/" + record + "/replays?size=100", token).json().get("items")
                        .forEach(i -> byRecord.add(i.get("id").asLong()));
                assertThat(byRecord).as("replays of %s's care record", e.getKey()).isEqualTo(pop.recordings.get(e.getKey()));
            }
            assertThat(records).as("distinct care records").hasSize(pop.patientIds.size());
            assertThat(consultations).as("every consultation filed").hasSize(5 * 2 + 2);
            assertThat(updated.get("/api/documents/" + document, tokens.get("p2")).status()).isEqualTo(200);
            assertThat(updated.get("/api/replays/" + video.get(1) + "/media", tokens.get("p2")).body())
                    .startsWith("CORDON-SYNTHETIC-MEDIA recording=" + video.get(1));

            // An old consultation takes 2.2.0's write with its related ids; new bookings go under the care record.
            String p0 = tokens.get("p0");
            var oldOne = updated.get("/api/consultations", p0).json().get("items").get(0);
            String put = "{\"clinician\":\"Dr After Update\",\"slot\":\"" + oldOne.get("slot").asText() + "\",\"careRecordId\":"
                    + oldOne.get("careRecordId").asLong() + "}";
            assertThat(updated.call("PUT", "/api/consultations/" + oldOne.get("id").asLong(), p0, put).status()).isEqualTo(200);
            assertThat(updated.call("PUT", "/api/consultations/" + oldOne.get("id").asLong(), tokens.get("p1"), put).status()).isEqualTo(404);
            List<Long> fresh = updated.completedConsultation(p0, Population.FIRST_SLOT.plusSeconds(3 * 86_400));
            assertThat(updated.listing(p0)).containsAll(fresh);
            assertThat(updated.listing(tokens.get("p1"))).doesNotContainAnyElementsOf(fresh);
            long p5 = updated.createPatient("p5");
            String p5Token = updated.login("p5");
            assertThat(updated.get("/api/me", p5Token).json().get("careRecordId").isNull()).as("a new patient makes their own").isTrue();
            assertThat(updated.operator("GET", "/api/operator/patients", null).json().get("items")).hasSize(6);
            assertThat(p5).isPositive();
        }
        assertThatThrownBy(() -> TestClinic.start(dir, "2.1.0"))
                .isInstanceOf(ClinicStartException.class)
                .hasMessageContaining("2.2.0").hasMessageContaining("2.1.0");
    }

    @Test
    void updateFrom140StraightTo220KeepsEveryRecordingWithItsOwner() {
        Population pop;
        try (TestClinic old = TestClinic.start(dir, "1.4.0")) {
            pop = Population.create(old, 4, 2);
        }
        try (TestClinic updated = TestClinic.start(dir, "2.2.0")) {
            assertThat(pop.listings(updated)).isEqualTo(pop.recordings);
            for (var e : pop.login(updated).entrySet()) {
                long record = updated.get("/api/me", e.getValue()).json().get("careRecordId").asLong();
                List<Long> byRecord = new java.util.ArrayList<>();
                updated.get("/api/care-records/" + record + "/replays?size=100", e.getValue()).json().get("items")
                        .forEach(i -> byRecord.add(i.get("id").asLong()));
                assertThat(byRecord).as(e.getKey()).isEqualTo(pop.recordings.get(e.getKey()));
            }
        }
    }

    @Test
    void unknownReleaseOrFaultIsRefusedWithTheValidOnes() {
        assertThatThrownBy(() -> TestClinic.start(dir, "3.0.0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.4.0, 2.0.0, 2.1.0, 2.2.0");
        assertThatThrownBy(() -> TestClinic.start(dir, "2.0.0", "no-such-fault"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("switch-owner-by-slot");
        assertThat(Releases.known()).containsExactly("1.4.0", "2.0.0", "2.1.0", "2.2.0");
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
