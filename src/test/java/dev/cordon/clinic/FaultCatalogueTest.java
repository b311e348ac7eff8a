package dev.cordon.clinic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every fault of the catalogue has a focused demonstration here, showing the misbehaviour exactly as the
 * contract describes it. A fault added to {@link Fault} without one fails this test.
 */
class FaultCatalogueTest {
    static final Instant SLOT = Instant.parse("2026-12-01T09:00:00Z");

    @FunctionalInterface
    interface Demonstration { void run(Path dir, String release) throws Exception; }

    private static final Map<Fault, Demonstration> DEMONSTRATIONS = new EnumMap<>(Fault.class);

    static {
        DEMONSTRATIONS.put(Fault.SWITCH_OWNER_BY_SLOT, FaultCatalogueTest::switchOwnerBySlot);
        DEMONSTRATIONS.put(Fault.LISTING_CACHE_WITHOUT_USER, FaultCatalogueTest::listingCacheWithoutUser);
        DEMONSTRATIONS.put(Fault.SHARED_REQUEST_CONTEXT, FaultCatalogueTest::sharedRequestContext);
        DEMONSTRATIONS.put(Fault.REPLAY_BY_ID_WITHOUT_OWNER, FaultCatalogueTest::replayByIdWithoutOwner);
        DEMONSTRATIONS.put(Fault.MEDIA_WITHOUT_OWNER, FaultCatalogueTest::mediaWithoutOwner);
        DEMONSTRATIONS.put(Fault.LATER_PAGES_UNFILTERED, FaultCatalogueTest::laterPagesUnfiltered);
        DEMONSTRATIONS.put(Fault.MIGRATION_MISATTRIBUTES, FaultCatalogueTest::migrationMisattributes);
        DEMONSTRATIONS.put(Fault.PATIENT_PARAM_HONOURED, FaultCatalogueTest::patientParamHonoured);
        DEMONSTRATIONS.put(Fault.BOOKING_OWNER_FROM_BODY, FaultCatalogueTest::bookingOwnerFromBody);
        DEMONSTRATIONS.put(Fault.TOKEN_FOR_WRONG_PATIENT, FaultCatalogueTest::tokenForWrongPatient);
        DEMONSTRATIONS.put(Fault.WEB_PAGE_SHARED_CACHE, FaultCatalogueTest::webPageSharedCache);
        DEMONSTRATIONS.put(Fault.PRIVATE_RESPONSES_CACHEABLE, FaultCatalogueTest::privateResponsesCacheable);
        DEMONSTRATIONS.put(Fault.RECORDINGS_DROPPED_ON_UPDATE, FaultCatalogueTest::recordingsDroppedOnUpdate);
        DEMONSTRATIONS.put(Fault.DOCUMENT_DOWNLOAD_WITHOUT_OWNER, FaultCatalogueTest::documentDownloadWithoutOwner);
        DEMONSTRATIONS.put(Fault.DOCUMENT_CURSOR_WITHOUT_OWNER, FaultCatalogueTest::documentCursorWithoutOwner);
        DEMONSTRATIONS.put(Fault.SIGNUP_REUSES_LOOKALIKE_ACCOUNT, FaultCatalogueTest::signupReusesLookalikeAccount);
        DEMONSTRATIONS.put(Fault.DOCUMENT_DELETE_WITHOUT_OWNER, FaultCatalogueTest::documentDeleteWithoutOwner);
        DEMONSTRATIONS.put(Fault.SWITCH_OWNER_BY_TIME_OF_DAY, FaultCatalogueTest::switchOwnerByTimeOfDay);
        DEMONSTRATIONS.put(Fault.CONSULTATION_UPDATE_WITHOUT_OWNER, FaultCatalogueTest::consultationUpdateWithoutOwner);
        DEMONSTRATIONS.put(Fault.CARE_RECORD_FROM_BODY, FaultCatalogueTest::careRecordFromBody);
        DEMONSTRATIONS.put(Fault.DELETE_KEEPS_DATA, FaultCatalogueTest::deleteKeepsData);
        DEMONSTRATIONS.put(Fault.FHIR_INCLUDE_OUTSIDE_COMPARTMENT, (d, release) -> dev.cordon.clinic.fhir.FhirFaultsTest.includeOutsideCompartment(d));
        DEMONSTRATIONS.put(Fault.FHIR_NEXT_LINK_DROPS_NARROWING, (d, release) -> dev.cordon.clinic.fhir.FhirFaultsTest.nextLinkDropsNarrowing(d));
        DEMONSTRATIONS.put(Fault.FHIR_BINARY_WITHOUT_OWNER, (d, release) -> dev.cordon.clinic.fhir.FhirFaultsTest.binaryWithoutOwner(d));
        DEMONSTRATIONS.put(Fault.FHIR_EVERYTHING_FOLLOWS_REFERENCE, (d, release) -> dev.cordon.clinic.fhir.FhirFaultsTest.everythingFollowsReference(d));
        DEMONSTRATIONS.put(Fault.FHIR_HISTORY_OUTSIDE_RULES, (d, release) -> dev.cordon.clinic.fhir.FhirFaultsTest.historyOutsideRules(d));
    }

    @TempDir
    Path dir;

    /** Each fault on the release that introduced it (2.0.0 for the older catalogue, as the gate runs them). */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Fault.class)
    void everyFaultMisbehavesAsDescribed(Fault fault) throws Exception {
        assertThat(DEMONSTRATIONS).as("fault %s needs a focused demonstration in %s", fault.id(), getClass().getSimpleName())
                .containsKey(fault);
        assertThat(Fault.byId(fault.id())).isSameAs(fault);
        assertThat(fault.description()).isNotBlank();
        assertThat(Releases.known()).contains(fault.since());
        String release = Releases.hasCareRecords(fault.since()) ? Releases.V2_2_0
                : Releases.hasDocuments(fault.since()) ? Releases.V2_1_0 : Releases.V2_0_0;
        DEMONSTRATIONS.get(fault).run(dir, release);
    }

    /** 2.2.0 keeps every earlier feature, and with it every earlier fault behaves as before (bookings under care records). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("faultsBefore220")
    void everyOlderFaultMisbehavesTheSameOn220(Fault fault) throws Exception {
        DEMONSTRATIONS.get(fault).run(dir, Releases.V2_2_0);
    }

    static Stream<Fault> faultsBefore220() {
        return Arrays.stream(Fault.values()).filter(f -> !Releases.hasCareRecords(f.since()) && !f.needsFhir());
    }

    /** 2.1.0 keeps every 2.0.0 feature, and with it every older fault behaves exactly as on 2.0.0. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("faultsBefore210")
    void everyOlderFaultMisbehavesTheSameOn210(Fault fault) throws Exception {
        DEMONSTRATIONS.get(fault).run(dir, Releases.V2_1_0);
    }

    static Stream<Fault> faultsBefore210() {
        return Arrays.stream(Fault.values()).filter(f -> !Releases.hasDocuments(f.since()) && !f.needsFhir());
    }

    /** The 2.1.0 faults live in 2.1.0's new endpoints: named on 2.0.0 they change nothing. */
    @Test
    void the210FaultsHaveNoEffectOn200() {
        String[] faults = Arrays.stream(Fault.values()).filter(f -> f.since().equals(Releases.V2_1_0)).map(Fault::id).toArray(String[]::new);
        assertThat(faults).hasSize(4);
        try (TestClinic c = TestClinic.start(dir, "2.0.0", faults)) {
            Population pop = Population.create(c, 2, 2);
            assertThat(pop.listings(c)).isEqualTo(pop.recordings);
            assertThat(c.signup("P0").status()).isEqualTo(404);
            String p0 = c.login("p0");
            assertThat(c.get("/api/documents", p0).status()).isEqualTo(404);
            assertThat(c.get("/api/documents/1/download", p0).status()).isEqualTo(404);
            assertThat(c.call("DELETE", "/api/documents/1", p0, null).status()).isEqualTo(404);
        }
    }

    /**
     * The 2.2.0 faults live in 2.2.0's care-record paths (and, for delete-keeps-data, in deletes older releases have
     * too): named on 2.1.0 they change nothing.
     */
    @Test
    void the220FaultsHaveNoEffectOn210() {
        String[] faults = Arrays.stream(Fault.values()).filter(f -> Releases.hasCareRecords(f.since())).map(Fault::id).toArray(String[]::new);
        assertThat(faults).hasSize(3);
        try (TestClinic c = TestClinic.start(dir, "2.1.0", faults)) {
            Population pop = Population.create(c, 2, 1);
            assertThat(pop.listings(c)).isEqualTo(pop.recordings);
            String p0 = c.login("p0");
            assertThat(c.get("/api/me", p0).json().has("careRecordId")).as("no care records before 2.2.0").isFalse();
            assertThat(c.createCareRecord(p0).status()).isEqualTo(404);
            assertThat(c.get("/api/consultations", p0).status()).isEqualTo(404);
            assertThat(c.call("PUT", "/api/consultations/1", p0, "{\"clinician\":\"x\"}").status()).isEqualTo(404);
            assertThat(c.operator("GET", "/api/operator/care-records/1", null).status()).as("no care records before 2.2.0").isEqualTo(404);
            assertThat(c.operator("GET", "/api/operator/consultations/1", null).status()).as("the operator's read-back").isEqualTo(200);
            long consultation = c.book(p0, SLOT.plusSeconds(86_400));
            long document = c.document(p0, consultation, "deleted on 2.1.0");
            assertThat(c.call("DELETE", "/api/documents/" + document, p0, null).status()).isEqualTo(204);
            assertThat(c.get("/api/documents/" + document, p0).status()).as("a delete deletes on 2.1.0").isEqualTo(404);
            long p1 = pop.patientIds.get("p1");
            assertThat(c.operator("DELETE", "/api/operator/patients/" + p1, null).status()).isEqualTo(204);
            assertThat(c.login("p1", TestClinic.PASSWORD).status()).isEqualTo(401);
        }
    }

    static void switchOwnerBySlot(Path dir, String release) {
        try (TestClinic c = TestClinic.start(dir, release, "switch-owner-by-slot")) {
            c.createPatient("ann");
            c.createPatient("bob");
            String ann = c.login("ann");
            String bob = c.login("bob");
            long annConsultation = c.book(ann, SLOT);
            long bobConsultation = c.book(bob, SLOT);
            c.step(annConsultation, "start");
            List<Long> annRecordings = TestClinic.ids(c.step(annConsultation, "complete").get("recordingIds"));
            c.step(bobConsultation, "start");
            List<Long> bobRecordings = TestClinic.ids(c.step(bobConsultation, "switch-to-video").get("recordingIds"));
            c.step(bobConsultation, "complete");
            long bobVideo = bobRecordings.get(1);

            assertThat(c.listing(ann)).as("ann sees bob's video").containsAll(annRecordings).contains(bobVideo);
            assertThat(c.listing(bob)).as("bob misses his video").contains(bobRecordings.get(0)).doesNotContain(bobVideo);
        }
    }

    static void listingCacheWithoutUser(Path dir, String release) {
        try (TestClinic c = TestClinic.start(dir, release, "listing-cache-without-user")) {
            Population pop = Population.create(c, 2, 1);
            Map<String, String> tokens = pop.login(c);
            assertThat(c.listingOf("/api/replays?page=1", tokens.get("p0"))).isEqualTo(pop.recordings.get("p0"));
            assertThat(c.listingOf("/api/replays?page=1", tokens.get("p1"))).as("p1 gets p0's cached listing")
                    .isEqualTo(pop.recordings.get("p0"));
            assertThat(c.listingOf("/api/replays?page=1&size=20", tokens.get("p1"))).as("another query string is another key")
                    .isEqualTo(pop.recordings.get("p1"));
        }
    }

    static void sharedRequestContext(Path dir, String release) throws Exception {
        try (TestClinic c = TestClinic.start(dir, release, "shared-request-context")) {
            Population pop = Population.create(c, 16, 1);
            assertThat(pop.listings(c)).as("sequential calls are fine").isEqualTo(pop.recordings);
            Map<String, List<Long>> seen = Population.concurrentFirstPages(c, pop.login(c));
            long crossed = seen.entrySet().stream().filter(e -> !e.getValue().equals(pop.recordings.get(e.getKey()))).count();
            assertThat(crossed).as("callers that got another caller's listing: %s", seen).isPositive();
        }
    }

    static void replayByIdWithoutOwner(Path dir, String release) {
        try (TestClinic c = TestClinic.start(dir, release, "replay-by-id-without-owner")) {
            Population pop = Population.create(c, 2, 1);
            long annRecording = pop.recordings.get("p0").get(0);
            String bob = c.login("p1");
            TestClinic.Response metadata = c.get("/api/replays/" + annRecording, bob);
            assertThat(metadata.status()).isEqualTo(200);
            assertThat(metadata.json().get("id").asLong()).isEqualTo(annRecording);
            assertThat(c.get("/api/replays/" + annRecording + "/media", bob).status()).as("media still checked").isEqualTo(404);
        }
    }

    static void mediaWithoutOwner(Path dir, String release) {
        try (TestClinic c = TestClinic.start(dir, release, "media-without-owner")) {
            Population pop = Population.create(c, 2, 1);
            long annRecording = pop.recordings.get("p0").get(0);
            String bob = c.login("p1");
            assertThat(c.get("/api/replays/" + annRecording, bob).status()).as("metadata still checked").isEqualTo(404);
            TestClinic.Response media = c.get("/api/replays/" + annRecording + "/media", bob);
            assertThat(media.status()).isEqualTo(200);
            assertThat(media.body()).startsWith("CORDON-SYNTHETIC-MEDIA recording=" + annRecording + " ");
        }
    }

    static void laterPagesUnfiltered(Path dir, String release) {
        try (TestClinic c = TestClinic.start(TestClinic.settings(dir, release, "later-pages-unfiltered").withPageSize(2))) {
            Population pop = Population.create(c, 2, 3);
            String p0 = c.login("p0");
            List<Long> firstPage = c.listingOf("/api/replays?page=1&size=2", p0);
            assertThat(pop.recordings.get("p0")).containsAll(firstPage);
            List<Long> secondPage = c.listingOf("/api/replays?page=2&size=2", p0);
            assertThat(secondPage).as("page 2 holds p1's recordings").containsAnyElementsOf(pop.recordings.get("p1"));
            assertThat(c.get("/api/replays?page=2&size=2", p0).json().get("total").asInt()).isEqualTo(3);
        }
    }

    static void migrationMisattributes(Path dir, String release) {
        Population pop;
        try (TestClinic old = TestClinic.start(dir, "1.4.0")) {
            pop = Population.createSequentially(old, 4, 2);
        }
        try (TestClinic updated = TestClinic.start(dir, release, "migration-misattributes")) {
            Map<String, List<Long>> after = pop.listings(updated);
            assertThat(after).as("listings after the update").isNotEqualTo(pop.recordings);
            List<Long> foreign = new ArrayList<>();
            after.forEach((name, ids) -> ids.stream().filter(id -> !pop.recordings.get(name).contains(id)).forEach(foreign::add));
            assertThat(foreign).as("recordings listed for the wrong patient").isNotEmpty();
            assertThat(pop.recordings.get("p0")).as("p0's second recording went to another patient")
                    .anyMatch(id -> !after.get("p0").contains(id));

            String p0 = updated.login("p0");
            List<Long> fresh = updated.completedConsultation(p0, SLOT.plusSeconds(86_400));
            assertThat(updated.listing(p0)).as("new data is attributed correctly").containsAll(fresh);
            for (String other : List.of("p1", "p2", "p3")) {
                assertThat(updated.listing(updated.login(other))).doesNotContainAnyElementsOf(fresh);
            }
        }
    }

    static void patientParamHonoured(Path dir, String release) {
        try (TestClinic c = TestClinic.start(dir, release, "patient-param-honoured")) {
            Population pop = Population.create(c, 2, 1);
            String p1 = c.login("p1");
            long p0Id = pop.patientIds.get("p0");
            assertThat(c.listingOf("/api/replays", p1)).isEqualTo(pop.recordings.get("p1"));
            for (String param : List.of("patientId", "patient", "ownerId")) {
                assertThat(c.listingOf("/api/replays?" + param + "=" + p0Id, p1)).as(param).isEqualTo(pop.recordings.get("p0"));
            }
        }
    }

    /** A patientId in the booking body: ignored by the clean release, obeyed with the fault (both sides shown). */
    static void bookingOwnerFromBody(Path dir, String release) {
        for (boolean faulty : new boolean[] {false, true}) {
            Path db = dir.resolve(faulty ? "faulty" : "clean");
            try (TestClinic c = faulty ? TestClinic.start(db, release, "booking-owner-from-body") : TestClinic.start(db, release)) {
                long annId = c.createPatient("ann");
                c.createPatient("bob");
                String ann = c.login("ann");
                String bob = c.login("bob");
                String careRecord = "";
                if (Releases.hasCareRecords(release)) { // 2.2.0: bob books under his own care record, as he must
                    c.careRecord(ann);
                    careRecord = "\"careRecordId\":" + c.careRecord(bob) + ",";
                }
                for (String field : List.of("\"patientId\":\"" + annId + "\"", "\"ownerId\":" + annId)) {
                    TestClinic.Response booked = c.call("POST", "/api/consultations", bob,
                            "{\"slot\":\"" + SLOT + "\",\"clinician\":\"Dr Ada Byron\"," + careRecord + field + "}");
                    assertThat(booked.status()).as("book with %s: %s", field, booked.body()).isEqualTo(201);
                    long id = booked.json().get("id").asLong();
                    c.step(id, "start");
                    List<Long> made = TestClinic.ids(c.step(id, "complete").get("recordingIds"));
                    assertThat(c.listing(faulty ? ann : bob)).as("%s release, body %s", faulty ? "faulty" : "clean", field)
                            .containsAll(made);
                    assertThat(c.listing(faulty ? bob : ann)).doesNotContainAnyElementsOf(made);
                }
            }
        }
    }

    static void tokenForWrongPatient(Path dir, String release) {
        try (TestClinic c = TestClinic.start(dir, release, "token-for-wrong-patient")) {
            long lower = c.createPatient("alex");
            c.createPatient("Alex");
            TestClinic.Response me = c.get("/api/me", c.login("Alex"));
            assertThat(me.json().get("id").asLong()).as("Alex is handed alex's session").isEqualTo(lower);
            assertThat(me.json().get("username").asText()).isEqualTo("alex");
        }
    }

    static void webPageSharedCache(Path dir, String release) {
        try (TestClinic c = TestClinic.start(dir, release, "web-page-shared-cache")) {
            Population pop = Population.create(c, 2, 1);
            String p0Page = webReplays(c, "p0");
            String p1Page = webReplays(c, "p1");
            long p0Recording = pop.recordings.get("p0").get(0);
            assertThat(p0Page).contains("data-recording-id=\"" + p0Recording + "\"");
            assertThat(p1Page).as("p1's page is p0's cached page").contains("data-recording-id=\"" + p0Recording + "\"")
                    .contains("id=\"patient-name\">Patient p0<");
            assertThat(c.listing(c.login("p1"))).as("the API stays correct").isEqualTo(pop.recordings.get("p1"));
        }
    }

    static void privateResponsesCacheable(Path dir, String release) {
        try (TestClinic c = TestClinic.start(dir, release, "private-responses-cacheable")) {
            c.createPatient("ann");
            String ann = c.login("ann");
            assertThat(c.get("/api/replays", ann).header("Cache-Control")).isEqualTo("public, max-age=300");
            assertThat(c.get("/api/me", ann).header("Cache-Control")).isEqualTo("public, max-age=300");
        }
    }

    static void recordingsDroppedOnUpdate(Path dir, String release) {
        Population pop;
        try (TestClinic old = TestClinic.start(dir, "1.4.0")) {
            pop = Population.create(old, 6, 2);
        }
        try (TestClinic updated = TestClinic.start(dir, release, "recordings-dropped-on-update")) {
            Map<String, List<Long>> after = pop.listings(updated);
            int before = 0;
            int missing = 0;
            for (var e : pop.recordings.entrySet()) {
                before += e.getValue().size();
                missing += e.getValue().stream().filter(id -> !after.get(e.getKey()).contains(id)).count();
                assertThat(e.getValue()).as("nothing foreign appears").containsAll(after.get(e.getKey()));
            }
            assertThat(missing).as("recordings gone from their owner's listing").isGreaterThanOrEqualTo((int) Math.ceil(before * 0.2));
            String p0 = updated.login("p0");
            List<Long> fresh = updated.completedConsultation(p0, SLOT.plusSeconds(86_400));
            assertThat(updated.listing(p0)).as("data created after the update is listed").containsAll(fresh);
        }
    }

    /** Bob downloads Ann's document by its id; its metadata stays owner-checked. */
    static void documentDownloadWithoutOwner(Path dir, String release) {
        for (boolean faulty : List.of(false, true)) {
            Path db = dir.resolve(faulty ? "faulty" : "clean");
            try (TestClinic c = faulty ? TestClinic.start(db, release, "document-download-without-owner") : TestClinic.start(db, release)) {
                c.createPatient("ann");
                c.createPatient("bob");
                String ann = c.login("ann");
                String bob = c.login("bob");
                long annDocument = c.document(ann, c.book(ann, SLOT), "ann's discharge letter");
                c.document(bob, c.book(bob, SLOT), "bob's own");
                assertThat(c.get("/api/documents/" + annDocument, bob).status()).as("metadata is checked either way").isEqualTo(404);
                TestClinic.Response download = c.get("/api/documents/" + annDocument + "/download", bob);
                if (faulty) {
                    assertThat(download.status()).as("bob downloads ann's document").isEqualTo(200);
                    assertThat(download.body()).startsWith("%PDF-").contains("title=ann's discharge letter");
                    TestClinic.Response range = c.send(HttpRequest.newBuilder(URI.create(c.base() + "/api/documents/" + annDocument + "/download"))
                            .header("Authorization", "Bearer " + bob).header("Range", "bytes=0-4").build());
                    assertThat(range.status()).as("ranges too").isEqualTo(206);
                    assertThat(c.get("/api/documents/999999/download", bob).status()).as("only existence is checked").isEqualTo(404);
                } else {
                    assertThat(download.status()).isEqualTo(404);
                    assertThat(download.body()).doesNotContain("discharge");
                }
                assertThat(c.get("/api/documents/" + annDocument + "/download", ann).status()).isEqualTo(200);
                assertThat(c.documents(bob, 10, null)).hasSize(1);
            }
        }
    }

    /** Ann pages her documents; once a cursor is in play, the pages hold Bob's documents too. */
    static void documentCursorWithoutOwner(Path dir, String release) {
        for (boolean faulty : List.of(false, true)) {
            Path db = dir.resolve(faulty ? "faulty" : "clean");
            try (TestClinic c = faulty ? TestClinic.start(db, release, "document-cursor-without-owner") : TestClinic.start(db, release)) {
                c.createPatient("ann");
                c.createPatient("bob");
                String ann = c.login("ann");
                String bob = c.login("bob");
                long annConsultation = c.book(ann, SLOT);
                long bobConsultation = c.book(bob, SLOT);
                List<Long> annDocs = new ArrayList<>();
                List<Long> bobDocs = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    annDocs.add(c.document(ann, annConsultation, "ann " + i));
                    bobDocs.add(c.document(bob, bobConsultation, "bob " + i));
                }
                TestClinic.Response first = c.get("/api/documents?limit=2", ann);
                List<Long> firstPage = new ArrayList<>();
                first.json().get("items").forEach(item -> firstPage.add(item.get("id").asLong()));
                assertThat(firstPage).as("the first page is filtered either way").isEqualTo(annDocs.subList(0, 2));
                String cursor = first.json().get("nextCursor").asText();
                List<Long> listed = c.documents(ann, 2, null);
                if (faulty) {
                    assertThat(listed).as("ann's listing after the first page").containsAll(annDocs).containsAnyElementsOf(bobDocs);
                    assertThat(c.get("/api/documents?limit=2&cursor=" + cursor, bob).status()).as("bob may use ann's cursor").isEqualTo(200);
                } else {
                    assertThat(listed).isEqualTo(annDocs);
                    assertThat(c.get("/api/documents?limit=2&cursor=" + cursor, bob).status()).as("ann's cursor is refused for bob").isEqualTo(400);
                }
                assertThat(c.get("/api/documents?limit=10", ann).json().get("items")).as("no cursor, no leak").hasSize(3);
            }
        }
    }

    /** Mallory signs up as "ALEX" with her own password and lands in alex's record. */
    static void signupReusesLookalikeAccount(Path dir, String release) {
        String attackerPassword = "mallory's own password";
        for (boolean faulty : List.of(false, true)) {
            Path db = dir.resolve(faulty ? "faulty" : "clean");
            try (TestClinic c = faulty ? TestClinic.start(db, release, "signup-reuses-lookalike-account") : TestClinic.start(db, release)) {
                TestClinic.Response alex = c.signup("alex");
                long alexId = alex.json().get("patientId").asLong();
                String alexAccount = alex.json().get("accountId").asText();
                String alexToken = c.login("alex");
                List<Long> alexRecordings = c.completedConsultation(alexToken, SLOT);

                TestClinic.Response lookalike = c.signup("ALEX", attackerPassword);
                assertThat(lookalike.status()).as("sign-up answers 201 either way").isEqualTo(201);
                assertThat(c.signup("alex", attackerPassword).status()).as("an exact duplicate stays a 409").isEqualTo(409);
                TestClinic.Response login = c.login("ALEX", attackerPassword);
                assertThat(login.status()).isEqualTo(200);
                var me = c.get("/api/me", login.json().get("token").asText()).json();
                if (faulty) {
                    assertThat(lookalike.json().get("patientId").asLong()).as("the existing patient's id").isEqualTo(alexId);
                    assertThat(lookalike.json().get("accountId").asText()).as("the existing account").isEqualTo(alexAccount);
                    assertThat(c.operator("GET", "/api/operator/patients", null).json().get("items")).as("no patient created").hasSize(1);
                    assertThat(me.get("id").asLong()).as("ALEX's session opens alex's record").isEqualTo(alexId);
                    assertThat(me.get("username").asText()).isEqualTo("alex");
                    assertThat(c.listing(login.json().get("token").asText())).isEqualTo(alexRecordings);
                } else {
                    assertThat(lookalike.json().get("patientId").asLong()).isNotEqualTo(alexId);
                    assertThat(lookalike.json().get("accountId").asText()).isNotEqualTo(alexAccount);
                    assertThat(c.operator("GET", "/api/operator/patients", null).json().get("items")).hasSize(2);
                    assertThat(me.get("id").asLong()).isEqualTo(lookalike.json().get("patientId").asLong());
                    assertThat(c.listing(login.json().get("token").asText())).isEmpty();
                }
                assertThat(c.login("alex", attackerPassword).status()).as("alex's own login keeps its password").isEqualTo(401);
                assertThat(c.get("/api/me", c.login("alex")).json().get("id").asLong()).isEqualTo(alexId);
            }
        }
    }

    /** Bob deletes Ann's document by its id. */
    static void documentDeleteWithoutOwner(Path dir, String release) {
        for (boolean faulty : List.of(false, true)) {
            Path db = dir.resolve(faulty ? "faulty" : "clean");
            try (TestClinic c = faulty ? TestClinic.start(db, release, "document-delete-without-owner") : TestClinic.start(db, release)) {
                c.createPatient("ann");
                c.createPatient("bob");
                String ann = c.login("ann");
                String bob = c.login("bob");
                long consultation = c.book(ann, SLOT);
                long annDocument = c.document(ann, consultation, "ann's scan");
                long annOther = c.document(ann, consultation, "ann's other scan");
                int status = c.call("DELETE", "/api/documents/" + annDocument, bob, null).status();
                if (faulty) {
                    assertThat(status).as("bob deletes ann's document").isEqualTo(204);
                    assertThat(c.get("/api/documents/" + annDocument, ann).status()).as("gone for ann").isEqualTo(404);
                    assertThat(c.documents(ann, 10, null)).containsExactly(annOther);
                } else {
                    assertThat(status).isEqualTo(404);
                    assertThat(c.get("/api/documents/" + annDocument, ann).status()).isEqualTo(200);
                    assertThat(c.documents(ann, 10, null)).containsExactly(annDocument, annOther);
                }
                assertThat(c.call("DELETE", "/api/documents/999999", bob, null).status()).isEqualTo(404);
            }
        }
    }

    /**
     * Ann books 09:30 on one day, Bob 09:30 on the next; Bob's switch to video files the video under Ann's consultation,
     * the first booked at that time of day. The clean release files it under Bob's.
     */
    static void switchOwnerByTimeOfDay(Path dir, String release) {
        Instant annSlot = Instant.parse("2026-03-01T09:30:00Z");
        Instant bobSlot = Instant.parse("2026-03-02T09:30:00Z");
        for (boolean faulty : List.of(false, true)) {
            Path db = dir.resolve(faulty ? "faulty" : "clean");
            try (TestClinic c = faulty ? TestClinic.start(db, release, "switch-owner-by-time-of-day") : TestClinic.start(db, release)) {
                c.createPatient("ann");
                c.createPatient("bob");
                c.createPatient("cat");
                String ann = c.login("ann");
                String bob = c.login("bob");
                String cat = c.login("cat");
                List<Long> annRecordings = c.completedConsultation(ann, annSlot);
                List<Long> catRecordings = c.completedConsultation(cat, bobSlot.plusSeconds(1800)); // 10:00: another time of day
                long bobConsultation = c.book(bob, bobSlot);
                c.step(bobConsultation, "start");
                List<Long> bobRecordings = TestClinic.ids(c.step(bobConsultation, "switch-to-video").get("recordingIds"));
                c.step(bobConsultation, "complete");
                long bobVideo = bobRecordings.get(1);
                if (faulty) {
                    assertThat(c.listing(ann)).as("ann, first at 09:30 a day earlier, sees bob's video").containsAll(annRecordings).contains(bobVideo);
                    assertThat(c.listing(bob)).as("bob misses his video").contains(bobRecordings.get(0)).doesNotContain(bobVideo);
                } else {
                    assertThat(c.listing(ann)).isEqualTo(annRecordings);
                    assertThat(c.listing(bob)).isEqualTo(bobRecordings);
                }
                assertThat(c.listing(cat)).as("another time of day is untouched").isEqualTo(catRecordings);
                // A switch at the time of day of the patient's own first booking stays with them.
                long annAgain = c.book(ann, annSlot.plusSeconds(7 * 86_400L));
                c.step(annAgain, "start");
                long annVideo = TestClinic.ids(c.step(annAgain, "switch-to-video").get("recordingIds")).get(1);
                c.step(annAgain, "complete");
                assertThat(c.listing(ann)).contains(annVideo);
            }
        }
    }

    /**
     * Bob sends a PUT with the related ids of Ann's consultation (her care record and slot, which an attacker can learn
     * or guess): the clean release answers 404 and Ann's consultation is unchanged; the faulty one changes it.
     */
    static void consultationUpdateWithoutOwner(Path dir, String release) {
        for (boolean faulty : List.of(false, true)) {
            Path db = dir.resolve(faulty ? "faulty" : "clean");
            try (TestClinic c = faulty ? TestClinic.start(db, release, "consultation-update-without-owner") : TestClinic.start(db, release)) {
                c.createPatient("ann");
                c.createPatient("bob");
                String ann = c.login("ann");
                String bob = c.login("bob");
                long annRecord = c.careRecord(ann);
                long annConsultation = c.book(ann, SLOT);
                c.book(bob, SLOT);
                String body = "{\"clinician\":\"Dr Mallory\",\"slot\":\"" + SLOT + "\",\"careRecordId\":" + annRecord + "}";
                TestClinic.Response put = c.call("PUT", "/api/consultations/" + annConsultation, bob, body);
                String clinician = c.get("/api/consultations/" + annConsultation, ann).json().get("clinician").asText();
                if (faulty) {
                    assertThat(put.status()).as("bob changes ann's consultation: %s", put.body()).isEqualTo(200);
                    assertThat(clinician).as("ann reads the change back").isEqualTo("Dr Mallory");
                } else {
                    assertThat(put.status()).isEqualTo(404);
                    assertThat(clinician).isEqualTo("Dr Ada Byron");
                }
                String wrongSlot = body.replace(SLOT.toString(), SLOT.plusSeconds(60).toString());
                assertThat(c.call("PUT", "/api/consultations/" + annConsultation, bob, wrongSlot).status())
                        .as("the related ids are still checked").isEqualTo(faulty ? 400 : 404);
                assertThat(c.get("/api/consultations/" + annConsultation, bob).status()).as("reading stays owner-checked").isEqualTo(404);
            }
        }
    }

    /**
     * Bob books naming Ann's care record: the clean release refuses (403); the faulty one files the consultation and its
     * recordings under Ann's care record, so they appear in Ann's listings.
     */
    static void careRecordFromBody(Path dir, String release) {
        for (boolean faulty : List.of(false, true)) {
            Path db = dir.resolve(faulty ? "faulty" : "clean");
            try (TestClinic c = faulty ? TestClinic.start(db, release, "care-record-from-body") : TestClinic.start(db, release)) {
                c.createPatient("ann");
                c.createPatient("bob");
                String ann = c.login("ann");
                String bob = c.login("bob");
                long annRecord = c.careRecord(ann);
                long bobRecord = c.careRecord(bob);
                TestClinic.Response booked = c.call("POST", "/api/consultations", bob,
                        "{\"slot\":\"" + SLOT + "\",\"clinician\":\"Dr Ada Byron\",\"careRecordId\":" + annRecord + "}");
                if (faulty) {
                    assertThat(booked.status()).as("booked under ann's care record: %s", booked.body()).isEqualTo(201);
                    assertThat(booked.json().get("careRecordId").asLong()).isEqualTo(annRecord);
                    long id = booked.json().get("id").asLong();
                    c.step(id, "start");
                    List<Long> made = TestClinic.ids(c.step(id, "complete").get("recordingIds"));
                    assertThat(c.listing(ann)).as("ann's replays").containsAll(made);
                    assertThat(c.listingOf("/api/care-records/" + annRecord + "/replays", ann)).as("ann's care record").containsAll(made);
                    assertThat(c.listing(bob)).doesNotContainAnyElementsOf(made);
                    assertThat(c.get("/api/consultations/" + id, ann).status()).as("the consultation is ann's").isEqualTo(200);
                } else {
                    assertThat(booked.status()).isEqualTo(403);
                    assertThat(c.get("/api/consultations", ann).json().get("items")).isEmpty();
                    assertThat(c.get("/api/consultations", bob).json().get("items")).isEmpty();
                }
                TestClinic.Response unknown = c.call("POST", "/api/consultations", bob,
                        "{\"slot\":\"" + SLOT + "\",\"clinician\":\"Dr Ada Byron\",\"careRecordId\":999999}");
                assertThat(unknown.status()).as("an unknown care record is refused either way").isEqualTo(403);
                assertThat(c.book(bob, SLOT)).as("bob's own still works").isPositive();
                assertThat(c.listingOf("/api/care-records/" + bobRecord + "/replays", bob)).isEmpty();
            }
        }
    }

    /**
     * Ann deletes her document, her consultation and her care record, and the operator deletes Bob: each answers 204
     * either way; the clean release removes the data, the faulty one keeps it (read back by owner and operator, Bob
     * still logs in).
     */
    static void deleteKeepsData(Path dir, String release) {
        for (boolean faulty : List.of(false, true)) {
            Path db = dir.resolve(faulty ? "faulty" : "clean");
            try (TestClinic c = faulty ? TestClinic.start(db, release, "delete-keeps-data") : TestClinic.start(db, release)) {
                c.createPatient("ann");
                long bobId = c.createPatient("bob");
                String ann = c.login("ann");
                String bob = c.login("bob");
                long annRecord = c.careRecord(ann);
                long kept = c.book(ann, SLOT);
                long document = c.document(ann, kept, "ann's letter");
                long consultation = c.book(ann, SLOT.plusSeconds(3600));
                c.step(consultation, "start");
                List<Long> recordings = TestClinic.ids(c.step(consultation, "complete").get("recordingIds"));
                long bobConsultation = c.book(bob, SLOT);

                assertThat(c.call("DELETE", "/api/documents/" + document, ann, null).status()).isEqualTo(204);
                assertThat(c.call("DELETE", "/api/consultations/" + consultation, ann, null).status()).isEqualTo(204);
                assertThat(c.operator("DELETE", "/api/operator/patients/" + bobId, null).status()).isEqualTo(204);
                int expected = faulty ? 200 : 404;
                assertThat(c.get("/api/documents/" + document, ann).status()).as("ann reads her deleted document").isEqualTo(expected);
                assertThat(c.operator("GET", "/api/operator/documents/" + document, null).status()).isEqualTo(expected);
                assertThat(c.get("/api/consultations/" + consultation, ann).status()).as("ann reads her deleted consultation").isEqualTo(expected);
                assertThat(c.operator("GET", "/api/operator/consultations/" + consultation, null).status()).isEqualTo(expected);
                assertThat(c.get("/api/replays/" + recordings.get(0), ann).status()).isEqualTo(expected);
                assertThat(c.operator("GET", "/api/operator/recordings/" + recordings.get(0), null).status()).isEqualTo(expected);
                assertThat(c.operator("GET", "/api/operator/consultations/" + bobConsultation, null).status()).isEqualTo(expected);
                assertThat(c.login("bob", TestClinic.PASSWORD).status()).as("bob logs in after his delete").isEqualTo(faulty ? 200 : 401);

                assertThat(c.call("DELETE", "/api/care-records/" + annRecord, ann, null).status()).isEqualTo(204);
                assertThat(c.get("/api/care-records/" + annRecord, ann).status()).as("ann reads her deleted care record").isEqualTo(expected);
                assertThat(c.operator("GET", "/api/operator/care-records/" + annRecord, null).status()).isEqualTo(expected);
                assertThat(c.operator("GET", "/api/operator/consultations/" + kept, null).status()).isEqualTo(expected);
                assertThat(c.call("DELETE", "/api/consultations/999999", ann, null).status()).as("unknown stays 404").isEqualTo(404);
            }
        }
    }

    private static String webReplays(TestClinic c, String username) {
        TestClinic.Response login = c.send(HttpRequest.newBuilder(URI.create(c.base() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + username + "&password=" + TestClinic.PASSWORD.replace(' ', '+'))).build());
        String cookie = login.header("Set-Cookie");
        return c.send(HttpRequest.newBuilder(URI.create(c.base() + "/replays?page=1"))
                .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build()).body();
    }
}
