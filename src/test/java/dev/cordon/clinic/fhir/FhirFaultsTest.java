package dev.cordon.clinic.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.clinic.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each FHIR fault, both sides: the request that reveals it misbehaves with the fault on, and the same request
 * on the clean clinic gets the answer docs/fhir.md promises. The static methods are the demonstrations the
 * fault catalogue can call ({@code FaultCatalogueTest}).
 */
public class FhirFaultsTest {
    static final int PATIENTS = 2;
    static final int ENCOUNTERS_EACH = 3;

    @TempDir
    Path dir;

    @Test
    void includeOutsideCompartment() { includeOutsideCompartment(dir); }

    @Test
    void nextLinkDropsNarrowing() { nextLinkDropsNarrowing(dir); }

    @Test
    void binaryWithoutOwner() { binaryWithoutOwner(dir); }

    @Test
    void everythingFollowsReference() { everythingFollowsReference(dir); }

    @Test
    void historyOutsideRules() { historyOutsideRules(dir); }

    /** GET Encounter?_revinclude=Media:encounter and GET Media?_include=Media:subject as patient p0. */
    public static void includeOutsideCompartment(Path dir) {
        String fault = Fault.FHIR_INCLUDE_OUTSIDE_COMPARTMENT.id();
        try (FhirClinic c = FhirClinic.start(dir.resolve("fault"), fault)) {
            FhirPopulation pop = FhirPopulation.create(c, PATIENTS, ENCOUNTERS_EACH);
            String token = c.login("p0");
            JsonNode rev = ok(c.get("Encounter?_revinclude=Media:encounter", token));
            assertThat(FhirClinic.ids(rev, "Encounter")).as("matches stay narrowed").isEqualTo(pop.encounters.get("p0"));
            assertThat(FhirClinic.ids(rev, "Media")).as("revincluded Media of other patients")
                    .containsAll(pop.media.get("p0")).containsAnyElementsOf(pop.foreignMedia("p0"));
            JsonNode inc = ok(c.get("Media?_include=Media:subject", token));
            assertThat(FhirClinic.ids(inc, "Media")).as("Media entries of other patients ride along as includes")
                    .containsAnyElementsOf(pop.foreignMedia("p0"));
            assertThat(FhirClinic.ids(inc, "Patient")).as("other patients included").contains(pop.id("p1"));
            assertThat(FhirClinic.ids(ok(c.get("Media", token)), "Media")).as("without _include the listing is right")
                    .isEqualTo(pop.media.get("p0"));
        }
        try (FhirClinic c = FhirClinic.start(dir.resolve("clean"))) {
            FhirPopulation pop = FhirPopulation.create(c, PATIENTS, ENCOUNTERS_EACH);
            String token = c.login("p0");
            JsonNode rev = ok(c.get("Encounter?_revinclude=Media:encounter", token));
            assertThat(FhirClinic.ids(rev, "Encounter")).isEqualTo(pop.encounters.get("p0"));
            assertThat(FhirClinic.ids(rev, "Media")).as("clean: revinclude holds exactly the own Media").isEqualTo(pop.media.get("p0"));
            assertThat(searchModes(rev, "Media")).containsOnly("include");
            JsonNode inc = ok(c.get("Media?_include=Media:subject", token));
            assertThat(FhirClinic.ids(inc, "Media")).as("clean: own Media only").isEqualTo(pop.media.get("p0"));
            assertThat(FhirClinic.ids(inc, "Patient")).as("clean: only the caller included").containsExactly(pop.id("p0"));
        }
    }

    /** GET Media?_count=2 as p0, then every Bundle link[relation=next]. */
    public static void nextLinkDropsNarrowing(Path dir) {
        String fault = Fault.FHIR_NEXT_LINK_DROPS_NARROWING.id();
        try (FhirClinic c = FhirClinic.start(dir.resolve("fault"), fault)) {
            FhirPopulation pop = FhirPopulation.create(c, PATIENTS, ENCOUNTERS_EACH);
            String token = c.login("p0");
            JsonNode first = ok(c.get("Media?_count=2", token));
            assertThat(pop.media.get("p0")).as("the first page is narrowed").containsAll(FhirClinic.ids(first, "Media"));
            String next = FhirClinic.next(first);
            assertThat(next).as("next link").startsWith(c.origin() + "/fhir?_getpages=");
            assertThat(FhirClinic.ids(ok(c.get(next, token)), "Media")).as("page 2 holds another patient's Media")
                    .containsAnyElementsOf(pop.foreignMedia("p0"));
            assertThat(c.mediaListing("Media?patient=Patient/" + pop.id("p0") + "&_count=2", token))
                    .as("an explicit patient parameter does not help").containsAnyElementsOf(pop.foreignMedia("p0"));
        }
        try (FhirClinic c = FhirClinic.start(dir.resolve("clean"))) {
            FhirPopulation pop = FhirPopulation.create(c, PATIENTS, ENCOUNTERS_EACH);
            String token = c.login("p0");
            assertThat(c.mediaListing("Media?_count=2", token)).as("clean: every page narrowed")
                    .isEqualTo(pop.media.get("p0"));
            assertThat(c.mediaListing("Media?patient=Patient/" + pop.id("p0") + "&_count=1", token))
                    .isEqualTo(pop.media.get("p0"));
        }
    }

    /** GET Binary/{another patient's Media id} as p0. */
    public static void binaryWithoutOwner(Path dir) {
        String fault = Fault.FHIR_BINARY_WITHOUT_OWNER.id();
        try (FhirClinic c = FhirClinic.start(dir.resolve("fault"), fault)) {
            FhirPopulation pop = FhirPopulation.create(c, PATIENTS, ENCOUNTERS_EACH);
            String token = c.login("p0");
            long foreign = pop.media.get("p1").get(0);
            FhirClinic.Response raw = c.get("Binary/" + foreign, token, "*/*");
            assertThat(raw.status()).as("another patient's bytes: %s", raw.body()).isEqualTo(200);
            assertThat(raw.body()).startsWith("CORDON-SYNTHETIC-MEDIA recording=" + foreign + " ");
            assertThat(c.get("Media/" + foreign, token).status()).as("the Media itself is still refused").isEqualTo(403);
        }
        try (FhirClinic c = FhirClinic.start(dir.resolve("clean"))) {
            FhirPopulation pop = FhirPopulation.create(c, PATIENTS, ENCOUNTERS_EACH);
            String token = c.login("p0");
            long foreign = pop.media.get("p1").get(0);
            assertThat(c.get("Binary/" + foreign, token, "*/*").status()).as("clean: refused").isEqualTo(403);
            assertThat(c.get("Binary/" + foreign, token).status()).isEqualTo(403);
            long own = pop.media.get("p0").get(0);
            FhirClinic.Response mine = c.get("Binary/" + own, token, "*/*");
            assertThat(mine.status()).isEqualTo(200);
            assertThat(mine.header("Content-Type")).startsWith("audio/ogg");
            assertThat(mine.body()).startsWith("CORDON-SYNTHETIC-MEDIA recording=" + own + " ");
        }
    }

    /** GET Patient/{own id}/$everything as p0 (encounters of p0 and p1 share time slots). */
    public static void everythingFollowsReference(Path dir) {
        String fault = Fault.FHIR_EVERYTHING_FOLLOWS_REFERENCE.id();
        try (FhirClinic c = FhirClinic.start(dir.resolve("fault"), fault)) {
            FhirPopulation pop = FhirPopulation.create(c, PATIENTS, ENCOUNTERS_EACH);
            String token = c.login("p0");
            JsonNode all = ok(c.get("Patient/" + pop.id("p0") + "/$everything", token));
            assertThat(FhirClinic.ids(all, "Media")).as("Media of p1's encounters in the same slots")
                    .containsAll(pop.media.get("p0")).containsAll(pop.media.get("p1"));
            assertThat(FhirClinic.ids(all, "Patient")).containsExactly(pop.id("p0"));
        }
        try (FhirClinic c = FhirClinic.start(dir.resolve("clean"))) {
            FhirPopulation pop = FhirPopulation.create(c, PATIENTS, ENCOUNTERS_EACH);
            String token = c.login("p0");
            JsonNode all = ok(c.get("Patient/" + pop.id("p0") + "/$everything", token));
            assertThat(FhirClinic.ids(all, "Patient")).containsExactly(pop.id("p0"));
            assertThat(FhirClinic.ids(all, "Encounter")).isEqualTo(pop.encounters.get("p0"));
            assertThat(FhirClinic.ids(all, "Media")).as("clean: own Media only").isEqualTo(pop.media.get("p0"));
            assertThat(c.get("Patient/" + pop.id("p1") + "/$everything", token).status()).isEqualTo(403);
        }
    }

    /** GET Media/{another patient's Media id}/_history as p0. */
    public static void historyOutsideRules(Path dir) {
        String fault = Fault.FHIR_HISTORY_OUTSIDE_RULES.id();
        try (FhirClinic c = FhirClinic.start(dir.resolve("fault"), fault)) {
            FhirPopulation pop = FhirPopulation.create(c, PATIENTS, ENCOUNTERS_EACH);
            String token = c.login("p0");
            long foreign = pop.media.get("p1").get(0);
            JsonNode history = ok(c.get("Media/" + foreign + "/_history", token));
            assertThat(history.get("type").asText()).isEqualTo("history");
            assertThat(FhirClinic.ids(history, "Media")).containsExactly(foreign);
            assertThat(c.get("Media/" + foreign, token).status()).as("a plain read is still refused").isEqualTo(403);
        }
        try (FhirClinic c = FhirClinic.start(dir.resolve("clean"))) {
            FhirPopulation pop = FhirPopulation.create(c, PATIENTS, ENCOUNTERS_EACH);
            String token = c.login("p0");
            assertThat(c.get("Media/" + pop.media.get("p1").get(0) + "/_history", token).status()).as("clean: refused").isEqualTo(403);
            long own = pop.media.get("p0").get(0);
            assertThat(FhirClinic.ids(ok(c.get("Media/" + own + "/_history", token)), "Media")).containsExactly(own);
        }
    }

    static JsonNode ok(FhirClinic.Response r) {
        assertThat(r.status()).as("answer: %s", r.body()).isEqualTo(200);
        return r.json();
    }

    static List<String> searchModes(JsonNode bundle, String resourceType) {
        List<String> modes = new ArrayList<>();
        for (JsonNode e : bundle.get("entry")) {
            if (resourceType.equals(e.get("resource").get("resourceType").asText())) modes.add(e.path("search").path("mode").asText());
        }
        return modes;
    }
}
