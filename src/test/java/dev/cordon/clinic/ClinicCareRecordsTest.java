package dev.cordon.clinic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Release 2.2.0's care records: one per account, consultations filed under them, the consultation listing, a write
 * that needs related ids, deletes proven by read-back, and the operator's read-back for cleanup.
 */
class ClinicCareRecordsTest {
    static final Instant SLOT = Instant.parse("2026-12-01T09:00:00Z");

    @TempDir
    Path dir;

    @Test
    void oneCareRecordPerAccountOnlyItsOwnerReadsItAndBooksUnderIt() {
        try (TestClinic c = TestClinic.start(dir, "2.2.0")) {
            assertThat(c.get("/api/version", null).body()).isEqualTo("{\"release\":\"2.2.0\"}");
            long annId = c.createPatient("ann");
            c.createPatient("bob");
            String ann = c.login("ann");
            String bob = c.login("bob");
            assertThat(c.get("/api/me", ann).json().get("careRecordId").isNull()).as("none before it is made").isTrue();

            TestClinic.Response early = c.call("POST", "/api/consultations", ann, "{\"slot\":\"" + SLOT + "\",\"clinician\":\"Dr Ada Byron\",\"careRecordId\":1}");
            assertThat(early.status()).isEqualTo(409);
            assertThat(early.json().get("error").asText()).contains("create your care record first");

            TestClinic.Response missing = c.call("POST", "/api/care-records", ann, "{\"gpPractice\":\"Synthetic Surgery\"}");
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.json().get("error").asText()).contains("emergencyContact");
            assertThat(c.call("POST", "/api/care-records", null, "{}").status()).isEqualTo(401);

            TestClinic.Response made = c.createCareRecord(ann);
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            assertThat(made.header("Cache-Control")).isEqualTo("no-store");
            long annRecord = made.json().get("id").asLong();
            assertThat(made.json().get("patientId").asLong()).isEqualTo(annId);
            assertThat(made.json().get("gpPractice").asText()).isEqualTo("Synthetic Surgery");
            assertThat(made.json().get("emergencyContact").asText()).isEqualTo("Next Of Kin (synthetic)");
            TestClinic.Response again = c.createCareRecord(ann);
            assertThat(again.status()).as("one per account").isEqualTo(409);
            assertThat(again.json().get("id").asLong()).as("names the existing one").isEqualTo(annRecord);
            assertThat(again.json().get("error").asText()).isNotBlank();
            assertThat(c.get("/api/me", ann).json().get("careRecordId").asLong()).isEqualTo(annRecord);

            TestClinic.Response read = c.get("/api/care-records/" + annRecord, ann);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.header("Cache-Control")).isEqualTo("no-store");
            assertThat(read.json().get("patientId").asLong()).isEqualTo(annId);
            assertThat(c.get("/api/care-records/" + annRecord, bob).status()).as("another patient's").isEqualTo(404);
            assertThat(c.get("/api/care-records/999999", ann).status()).as("unknown").isEqualTo(404);

            long bobRecord = c.careRecord(bob);
            assertThat(bobRecord).isNotEqualTo(annRecord);
            TestClinic.Response without = c.call("POST", "/api/consultations", ann, "{\"slot\":\"" + SLOT + "\",\"clinician\":\"Dr Ada Byron\"}");
            assertThat(without.status()).isEqualTo(400);
            assertThat(without.json().get("error").asText()).contains("careRecordId");
            TestClinic.Response foreign = c.call("POST", "/api/consultations", ann,
                    "{\"slot\":\"" + SLOT + "\",\"clinician\":\"Dr Ada Byron\",\"careRecordId\":" + bobRecord + "}");
            assertThat(foreign.status()).as("bob's care record").isEqualTo(403);
            TestClinic.Response booked = c.call("POST", "/api/consultations", ann,
                    "{\"slot\":\"" + SLOT + "\",\"clinician\":\"Dr Ada Byron\",\"careRecordId\":\"" + annRecord + "\"}");
            assertThat(booked.status()).as(booked.body()).isEqualTo(201);
            assertThat(booked.json().get("careRecordId").asLong()).isEqualTo(annRecord);

            long consultation = booked.json().get("id").asLong();
            c.step(consultation, "start");
            c.step(consultation, "switch-to-video");
            List<Long> recordings = TestClinic.ids(c.step(consultation, "complete").get("recordingIds"));
            assertThat(recordings).hasSize(2);
            assertThat(c.listing(ann)).as("/api/replays keeps working").isEqualTo(recordings);
            TestClinic.Response byRecord = c.get("/api/care-records/" + annRecord + "/replays?page=1&size=1", ann);
            assertThat(byRecord.status()).isEqualTo(200);
            assertThat(byRecord.header("Cache-Control")).isEqualTo("no-store");
            assertThat(byRecord.json().get("total").asInt()).isEqualTo(2);
            assertThat(byRecord.json().get("next").asText()).isEqualTo("/api/care-records/" + annRecord + "/replays?page=2&size=1");
            assertThat(followed(c, "/api/care-records/" + annRecord + "/replays?page=1&size=1", ann)).isEqualTo(recordings);
            assertThat(c.get("/api/care-records/" + annRecord + "/replays", bob).status()).as("not bob's").isEqualTo(403);
            assertThat(c.get("/api/care-records/999999/replays", bob).status()).isEqualTo(403);
            assertThat(c.listingOf("/api/care-records/" + bobRecord + "/replays", bob)).isEmpty();
            assertThat(c.listing(bob)).isEmpty();
        }
    }

    @Test
    void consultationsAreListedReadAndChangedOnlyByTheirOwnerWithTheirRelatedIds() {
        try (TestClinic c = TestClinic.start(TestClinic.settings(dir, "2.2.0").withPageSize(2))) {
            c.createPatient("ann");
            c.createPatient("bob");
            String ann = c.login("ann");
            String bob = c.login("bob");
            long annRecord = c.careRecord(ann);
            List<Long> mine = new ArrayList<>();
            for (int i = 0; i < 3; i++) mine.add(c.book(ann, SLOT.plusSeconds(3600L * i)));
            long bobs = c.book(bob, SLOT);

            TestClinic.Response first = c.get("/api/consultations", ann);
            assertThat(first.header("Cache-Control")).isEqualTo("no-store");
            assertThat(first.json().get("total").asInt()).isEqualTo(3);
            assertThat(first.json().get("next").asText()).isEqualTo("/api/consultations?page=2&size=2");
            JsonNode item = first.json().get("items").get(0);
            assertThat(item.get("id").asLong()).isEqualTo(mine.get(0));
            assertThat(item.get("slot").asText()).isEqualTo(SLOT.toString());
            assertThat(item.get("clinician").asText()).isEqualTo("Dr Ada Byron");
            assertThat(item.get("careRecordId").asLong()).isEqualTo(annRecord);
            assertThat(item.get("mode").asText()).isEqualTo("AUDIO");
            assertThat(item.get("status").asText()).isEqualTo("BOOKED");
            assertThat(followed(c, "/api/consultations?page=1&size=2", ann)).isEqualTo(mine);
            assertThat(followed(c, "/api/consultations", bob)).containsExactly(bobs);
            assertThat(c.get("/api/consultations/" + mine.get(0), ann).json().get("careRecordId").asLong()).isEqualTo(annRecord);
            assertThat(c.get("/api/consultations/" + mine.get(0), bob).status()).isEqualTo(404);
            assertThat(c.get("/api/consultations/999999", ann).status()).isEqualTo(404);

            String path = "/api/consultations/" + mine.get(0);
            String right = "{\"clinician\":\"Dr Grace Hopper\",\"slot\":\"" + SLOT + "\",\"careRecordId\":" + annRecord + "}";
            assertThat(c.call("PUT", path, ann, "{\"clinician\":\"Dr Grace Hopper\"}").status()).as("without related ids").isEqualTo(400);
            assertThat(c.call("PUT", path, ann, "{\"clinician\":\"Dr Grace Hopper\",\"slot\":\"" + SLOT + "\"}").status())
                    .as("without careRecordId").isEqualTo(400);
            assertThat(c.call("PUT", path, ann, "{\"clinician\":\"Dr Grace Hopper\",\"careRecordId\":" + annRecord + "}").status())
                    .as("without slot").isEqualTo(400);
            assertThat(c.call("PUT", path, ann, "{\"slot\":\"" + SLOT + "\",\"careRecordId\":" + annRecord + "}").status())
                    .as("without clinician").isEqualTo(400);
            TestClinic.Response wrongSlot = c.call("PUT", path, ann, right.replace(SLOT.toString(), SLOT.plusSeconds(3600).toString()));
            assertThat(wrongSlot.status()).as("another consultation's slot").isEqualTo(400);
            assertThat(wrongSlot.json().get("error").asText()).contains("slot and careRecordId");
            assertThat(c.call("PUT", path, ann, right.replace(":" + annRecord + "}", ":" + c.careRecord(bob) + "}")).status())
                    .as("another care record").isEqualTo(400);
            assertThat(c.call("PUT", path, bob, right).status()).as("bob, with ann's related ids").isEqualTo(404);
            assertThat(c.get(path, ann).json().get("clinician").asText()).as("unchanged").isEqualTo("Dr Ada Byron");

            TestClinic.Response changed = c.call("PUT", path, ann, right);
            assertThat(changed.status()).as(changed.body()).isEqualTo(200);
            assertThat(changed.header("Cache-Control")).isEqualTo("no-store");
            assertThat(changed.json().get("clinician").asText()).isEqualTo("Dr Grace Hopper");
            assertThat(changed.json().get("slot").asText()).isEqualTo(SLOT.toString());
            assertThat(c.get(path, ann).json().get("clinician").asText()).as("read back").isEqualTo("Dr Grace Hopper");
        }
    }

    @Test
    void deletesRemoveEverythingFiledUnderAndTheOperatorReadsBackGone() {
        try (TestClinic c = TestClinic.start(dir, "2.2.0")) {
            long annId = c.createPatient("ann");
            long bobId = c.createPatient("bob");
            String ann = c.login("ann");
            String bob = c.login("bob");
            long annRecord = c.careRecord(ann);

            // A consultation with recordings and a document, deleted alone.
            long consultation = c.book(ann, SLOT);
            c.step(consultation, "start");
            List<Long> recordings = TestClinic.ids(c.step(consultation, "complete").get("recordingIds"));
            long document = c.document(ann, consultation, "letter");
            TestClinic.Response held = c.operator("GET", "/api/operator/consultations/" + consultation, null);
            assertThat(held.status()).isEqualTo(200);
            assertThat(held.header("Cache-Control")).isEqualTo("no-store");
            assertThat(held.json().get("patientId").asLong()).isEqualTo(annId);
            assertThat(held.json().get("careRecordId").asLong()).isEqualTo(annRecord);
            assertThat(TestClinic.ids(held.json().get("recordingIds"))).isEqualTo(recordings);
            assertThat(c.operator("GET", "/api/operator/recordings/" + recordings.get(0), null).json().get("patientId").asLong()).isEqualTo(annId);
            assertThat(c.operator("GET", "/api/operator/documents/" + document, null).json().get("patientId").asLong()).isEqualTo(annId);
            assertThat(c.operator("GET", "/api/operator/care-records/" + annRecord, null).json().get("patientId").asLong()).isEqualTo(annId);
            assertThat(c.call("GET", "/api/operator/care-records/" + annRecord, null, null).status()).as("operator auth").isEqualTo(401);
            assertThat(c.call("GET", "/api/operator/consultations/" + consultation, ann, null).status()).as("a patient token is not the secret").isEqualTo(403);

            assertThat(c.call("DELETE", "/api/consultations/" + consultation, bob, null).status()).as("not bob's").isEqualTo(404);
            assertThat(c.get("/api/consultations/" + consultation, ann).status()).isEqualTo(200);
            assertThat(c.call("DELETE", "/api/consultations/" + consultation, ann, null).status()).isEqualTo(204);
            assertThat(c.get("/api/consultations/" + consultation, ann).status()).isEqualTo(404);
            assertThat(c.get("/api/replays/" + recordings.get(0), ann).status()).isEqualTo(404);
            assertThat(c.get("/api/documents/" + document, ann).status()).isEqualTo(404);
            assertThat(c.listing(ann)).isEmpty();
            assertThat(c.operator("GET", "/api/operator/consultations/" + consultation, null).status()).isEqualTo(404);
            assertThat(c.operator("GET", "/api/operator/recordings/" + recordings.get(0), null).status()).isEqualTo(404);
            assertThat(c.operator("GET", "/api/operator/documents/" + document, null).status()).isEqualTo(404);
            assertThat(c.call("DELETE", "/api/consultations/" + consultation, ann, null).status()).as("twice").isEqualTo(404);

            // A document deleted alone.
            long kept = c.book(ann, SLOT.plusSeconds(3600));
            long letter = c.document(ann, kept, "second letter");
            assertThat(c.call("DELETE", "/api/documents/" + letter, ann, null).status()).isEqualTo(204);
            assertThat(c.operator("GET", "/api/operator/documents/" + letter, null).status()).isEqualTo(404);
            assertThat(c.get("/api/consultations/" + kept, ann).status()).as("its consultation stays").isEqualTo(200);

            // The care record with everything filed under it.
            c.step(kept, "start");
            List<Long> keptRecordings = TestClinic.ids(c.step(kept, "complete").get("recordingIds"));
            long scan = c.document(ann, kept, "scan");
            assertThat(c.call("DELETE", "/api/care-records/" + annRecord, bob, null).status()).as("not bob's").isEqualTo(404);
            assertThat(c.call("DELETE", "/api/care-records/" + annRecord, ann, null).status()).isEqualTo(204);
            assertThat(c.get("/api/care-records/" + annRecord, ann).status()).isEqualTo(404);
            assertThat(c.get("/api/me", ann).json().get("careRecordId").isNull()).isTrue();
            assertThat(c.get("/api/consultations", ann).json().get("items")).isEmpty();
            assertThat(c.listing(ann)).isEmpty();
            for (String gone : List.of("care-records/" + annRecord, "consultations/" + kept, "recordings/" + keptRecordings.get(0), "documents/" + scan)) {
                assertThat(c.operator("GET", "/api/operator/" + gone, null).status()).as("%s read back gone", gone).isEqualTo(404);
            }
            assertThat(c.createCareRecord(ann).status()).as("a new one may be made").isEqualTo(201);

            // The operator's patient delete takes the care record and everything filed under it.
            long bobRecord = c.careRecord(bob);
            long bobConsultation = c.book(bob, SLOT);
            c.step(bobConsultation, "start");
            long bobRecording = TestClinic.ids(c.step(bobConsultation, "complete").get("recordingIds")).get(0);
            long bobDocument = c.document(bob, bobConsultation, "bob's");
            assertThat(c.operator("DELETE", "/api/operator/patients/" + bobId, null).status()).isEqualTo(204);
            for (String gone : List.of("care-records/" + bobRecord, "consultations/" + bobConsultation, "recordings/" + bobRecording, "documents/" + bobDocument)) {
                assertThat(c.operator("GET", "/api/operator/" + gone, null).status()).as("%s read back gone", gone).isEqualTo(404);
            }
            assertThat(c.login("bob", TestClinic.PASSWORD).status()).isEqualTo(401);
        }
    }

    /** Every item id of a page/size listing, following the next links. */
    private static List<Long> followed(TestClinic c, String path, String token) {
        List<Long> ids = new ArrayList<>();
        while (path != null) {
            TestClinic.Response r = c.get(path, token);
            assertThat(r.status()).as("%s: %s", path, r.body()).isEqualTo(200);
            r.json().get("items").forEach(item -> ids.add(item.get("id").asLong()));
            JsonNode next = r.json().get("next");
            path = next == null || next.isNull() ? null : next.asText();
        }
        return ids;
    }
}
