package dev.cordon.clinic;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every fault of the catalogue has a focused demonstration here, showing the misbehaviour exactly as the
 * contract describes it. A fault added to {@link Fault} without one fails this test.
 */
class FaultCatalogueTest {
    static final Instant SLOT = Instant.parse("2026-12-01T09:00:00Z");

    @FunctionalInterface
    interface Demonstration { void run(Path dir) throws Exception; }

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
        DEMONSTRATIONS.put(Fault.TOKEN_FOR_WRONG_PATIENT, FaultCatalogueTest::tokenForWrongPatient);
        DEMONSTRATIONS.put(Fault.WEB_PAGE_SHARED_CACHE, FaultCatalogueTest::webPageSharedCache);
        DEMONSTRATIONS.put(Fault.PRIVATE_RESPONSES_CACHEABLE, FaultCatalogueTest::privateResponsesCacheable);
        DEMONSTRATIONS.put(Fault.RECORDINGS_DROPPED_ON_UPDATE, FaultCatalogueTest::recordingsDroppedOnUpdate);
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Fault.class)
    void everyFaultMisbehavesAsDescribed(Fault fault) throws Exception {
        assertThat(DEMONSTRATIONS).as("fault %s needs a focused demonstration in %s", fault.id(), getClass().getSimpleName())
                .containsKey(fault);
        assertThat(Fault.byId(fault.id())).isSameAs(fault);
        assertThat(fault.description()).isNotBlank();
        DEMONSTRATIONS.get(fault).run(dir);
    }

    static void switchOwnerBySlot(Path dir) {
        try (TestClinic c = TestClinic.start(dir, "2.0.0", "switch-owner-by-slot")) {
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

    static void listingCacheWithoutUser(Path dir) {
        try (TestClinic c = TestClinic.start(dir, "2.0.0", "listing-cache-without-user")) {
            Population pop = Population.create(c, 2, 1);
            Map<String, String> tokens = pop.login(c);
            assertThat(c.listingOf("/api/replays?page=1", tokens.get("p0"))).isEqualTo(pop.recordings.get("p0"));
            assertThat(c.listingOf("/api/replays?page=1", tokens.get("p1"))).as("p1 gets p0's cached listing")
                    .isEqualTo(pop.recordings.get("p0"));
            assertThat(c.listingOf("/api/replays?page=1&size=20", tokens.get("p1"))).as("another query string is another key")
                    .isEqualTo(pop.recordings.get("p1"));
        }
    }

    static void sharedRequestContext(Path dir) throws Exception {
        try (TestClinic c = TestClinic.start(dir, "2.0.0", "shared-request-context")) {
            Population pop = Population.create(c, 16, 1);
            assertThat(pop.listings(c)).as("sequential calls are fine").isEqualTo(pop.recordings);
            Map<String, List<Long>> seen = Population.concurrentFirstPages(c, pop.login(c));
            long crossed = seen.entrySet().stream().filter(e -> !e.getValue().equals(pop.recordings.get(e.getKey()))).count();
            assertThat(crossed).as("callers that got another caller's listing: %s", seen).isPositive();
        }
    }

    static void replayByIdWithoutOwner(Path dir) {
        try (TestClinic c = TestClinic.start(dir, "2.0.0", "replay-by-id-without-owner")) {
            Population pop = Population.create(c, 2, 1);
            long annRecording = pop.recordings.get("p0").get(0);
            String bob = c.login("p1");
            TestClinic.Response metadata = c.get("/api/replays/" + annRecording, bob);
            assertThat(metadata.status()).isEqualTo(200);
            assertThat(metadata.json().get("id").asLong()).isEqualTo(annRecording);
            assertThat(c.get("/api/replays/" + annRecording + "/media", bob).status()).as("media still checked").isEqualTo(404);
        }
    }

    static void mediaWithoutOwner(Path dir) {
        try (TestClinic c = TestClinic.start(dir, "2.0.0", "media-without-owner")) {
            Population pop = Population.create(c, 2, 1);
            long annRecording = pop.recordings.get("p0").get(0);
            String bob = c.login("p1");
            assertThat(c.get("/api/replays/" + annRecording, bob).status()).as("metadata still checked").isEqualTo(404);
            TestClinic.Response media = c.get("/api/replays/" + annRecording + "/media", bob);
            assertThat(media.status()).isEqualTo(200);
            assertThat(media.body()).startsWith("CORDON-SYNTHETIC-MEDIA recording=" + annRecording + " ");
        }
    }

    static void laterPagesUnfiltered(Path dir) {
        try (TestClinic c = TestClinic.start(TestClinic.settings(dir, "2.0.0", "later-pages-unfiltered").withPageSize(2))) {
            Population pop = Population.create(c, 2, 3);
            String p0 = c.login("p0");
            List<Long> firstPage = c.listingOf("/api/replays?page=1&size=2", p0);
            assertThat(pop.recordings.get("p0")).containsAll(firstPage);
            List<Long> secondPage = c.listingOf("/api/replays?page=2&size=2", p0);
            assertThat(secondPage).as("page 2 holds p1's recordings").containsAnyElementsOf(pop.recordings.get("p1"));
            assertThat(c.get("/api/replays?page=2&size=2", p0).json().get("total").asInt()).isEqualTo(3);
        }
    }

    static void migrationMisattributes(Path dir) {
        Population pop;
        try (TestClinic old = TestClinic.start(dir, "1.4.0")) {
            pop = Population.createSequentially(old, 4, 2);
        }
        try (TestClinic updated = TestClinic.start(dir, "2.0.0", "migration-misattributes")) {
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

    static void patientParamHonoured(Path dir) {
        try (TestClinic c = TestClinic.start(dir, "2.0.0", "patient-param-honoured")) {
            Population pop = Population.create(c, 2, 1);
            String p1 = c.login("p1");
            long p0Id = pop.patientIds.get("p0");
            assertThat(c.listingOf("/api/replays", p1)).isEqualTo(pop.recordings.get("p1"));
            for (String param : List.of("patientId", "patient", "ownerId")) {
                assertThat(c.listingOf("/api/replays?" + param + "=" + p0Id, p1)).as(param).isEqualTo(pop.recordings.get("p0"));
            }
        }
    }

    static void tokenForWrongPatient(Path dir) {
        try (TestClinic c = TestClinic.start(dir, "2.0.0", "token-for-wrong-patient")) {
            long lower = c.createPatient("alex");
            c.createPatient("Alex");
            TestClinic.Response me = c.get("/api/me", c.login("Alex"));
            assertThat(me.json().get("id").asLong()).as("Alex is handed alex's session").isEqualTo(lower);
            assertThat(me.json().get("username").asText()).isEqualTo("alex");
        }
    }

    static void webPageSharedCache(Path dir) {
        try (TestClinic c = TestClinic.start(dir, "2.0.0", "web-page-shared-cache")) {
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

    static void privateResponsesCacheable(Path dir) {
        try (TestClinic c = TestClinic.start(dir, "2.0.0", "private-responses-cacheable")) {
            c.createPatient("ann");
            String ann = c.login("ann");
            assertThat(c.get("/api/replays", ann).header("Cache-Control")).isEqualTo("public, max-age=300");
            assertThat(c.get("/api/me", ann).header("Cache-Control")).isEqualTo("public, max-age=300");
        }
    }

    static void recordingsDroppedOnUpdate(Path dir) {
        Population pop;
        try (TestClinic old = TestClinic.start(dir, "1.4.0")) {
            pop = Population.create(old, 6, 2);
        }
        try (TestClinic updated = TestClinic.start(dir, "2.0.0", "recordings-dropped-on-update")) {
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

    private static String webReplays(TestClinic c, String username) {
        TestClinic.Response login = c.send(HttpRequest.newBuilder(URI.create(c.base() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + username + "&password=" + TestClinic.PASSWORD.replace(' ', '+'))).build());
        String cookie = login.header("Set-Cookie");
        return c.send(HttpRequest.newBuilder(URI.create(c.base() + "/replays?page=1"))
                .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build()).body();
    }
}
