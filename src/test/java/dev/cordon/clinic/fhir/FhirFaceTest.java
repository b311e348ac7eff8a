package dev.cordon.clinic.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.clinic.Clinic;
import dev.cordon.clinic.ClinicSettings;
import dev.cordon.clinic.RunningClinic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.cordon.clinic.fhir.FhirFaultsTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

/** The clean FHIR face: tokens, rules, narrowing, paging, reads, writes, and that it shares the clinic's store. */
class FhirFaceTest {
    @TempDir
    Path dir;

    @Test
    void metadataIsPublicAndNamesTheRelease() {
        for (String release : List.of("1.4.0", "2.0.0")) {
            try (FhirClinic c = FhirClinic.start(FhirClinic.settings(dir.resolve(release)).withRelease(release))) {
                assertThat(c.base()).isEqualTo("http://127.0.0.1:" + c.running().port() + "/fhir");
                JsonNode cs = ok(c.get("metadata", null));
                assertThat(cs.get("resourceType").asText()).isEqualTo("CapabilityStatement");
                assertThat(cs.get("fhirVersion").asText()).isEqualTo("4.0.1");
                assertThat(cs.get("software").get("version").asText()).isEqualTo(release);
                // Both schemas: 1.4.0 finds a recording's owner through its consultation, 2.0.0 in its own column.
                long p = c.createPatient("ann");
                long media = c.media(p, c.encounter(p, "2026-12-01T09:00:00Z"));
                assertThat(c.mediaListing("Media", c.login("ann"))).containsExactly(media);
            }
        }
    }

    @Test
    void tokenEndpointFollowsThePasswordGrant() {
        try (FhirClinic c = FhirClinic.start(dir)) {
            long ann = c.createPatient("ann");
            FhirClinic.Response good = c.token("ann", FhirClinic.PASSWORD, "patient/*.read");
            assertThat(good.status()).isEqualTo(200);
            assertThat(good.header("Cache-Control")).isEqualTo("no-store");
            JsonNode t = good.json();
            assertThat(t.get("token_type").asText()).isEqualTo("Bearer");
            assertThat(t.get("scope").asText()).isEqualTo("patient/*.read");
            assertThat(t.get("patient").asText()).isEqualTo(String.valueOf(ann));
            assertThat(t.get("expires_in").asLong()).isEqualTo(3600);
            assertThat(t.get("access_token").asText()).hasSizeGreaterThan(20);
            assertThat(c.token("ann", FhirClinic.PASSWORD, null).status()).as("scope defaults to patient/*.read").isEqualTo(200);

            FhirClinic.Response wrong = c.token("ann", "not the password", "patient/*.read");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.json().get("error").asText()).isEqualTo("invalid_grant");
            assertThat(wrong.body()).doesNotContain("access_token");
            assertThat(c.token("ANN", FhirClinic.PASSWORD, "patient/*.read").status()).as("usernames match exactly").isEqualTo(401);
            assertThat(c.token("ann", FhirClinic.PASSWORD, "system/*.read").json().get("error").asText()).isEqualTo("invalid_scope");
            FhirClinic.Response grant = c.send(HttpRequest.newBuilder(URI.create(c.base() + "/auth/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
            assertThat(grant.status()).isEqualTo(400);
            assertThat(grant.json().get("error").asText()).isEqualTo("unsupported_grant_type");

            JsonNode smart = ok(c.get(".well-known/smart-configuration", null, "application/json"));
            assertThat(smart.get("token_endpoint").asText()).isEqualTo(c.base() + "/auth/token");
        }
    }

    @Test
    void withoutAValidTokenOnlyMetadataAnswers() {
        try (FhirClinic c = FhirClinic.start(dir)) {
            long ann = c.createPatient("ann");
            long media = c.media(ann, c.encounter(ann, "2026-12-01T09:00:00Z"));
            for (String path : List.of("Media", "Media/" + media, "Binary/" + media, "Patient/" + ann, "Patient/" + ann + "/$everything")) {
                FhirClinic.Response none = c.get(path, null);
                assertThat(none.status()).as("no token: %s", path).isEqualTo(401);
                assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
                assertThat(c.get(path, "made-up-token").status()).as("unknown token: %s", path).isEqualTo(401);
            }
            assertThat(c.post("Media", null, "{\"resourceType\":\"Media\"}").status()).isEqualTo(401);
        }
    }

    @Test
    void aPatientSeesExactlyTheirOwnCompartment() {
        try (FhirClinic c = FhirClinic.start(dir)) {
            FhirPopulation pop = FhirPopulation.create(c, 2, 3);
            String token = c.login("p0");
            long me = pop.id("p0");
            long other = pop.id("p1");
            List<Long> mine = pop.media.get("p0");

            assertThat(c.mediaListing("Media", token)).isEqualTo(mine);
            assertThat(c.mediaListing("Media?_count=1", token)).as("paged by next links").isEqualTo(mine);
            assertThat(c.mediaListing("Media?patient=Patient/" + me + "&_count=2", token)).isEqualTo(mine);
            assertThat(c.mediaListing("Media?subject=Patient/" + me, token)).isEqualTo(mine);
            assertThat(FhirClinic.ids(ok(c.get("Encounter?patient=Patient/" + me, token)), "Encounter")).isEqualTo(pop.encounters.get("p0"));
            assertThat(FhirClinic.ids(ok(c.get("Patient", token)), "Patient")).containsExactly(me);

            JsonNode page = ok(c.get("Media?_count=2", token));
            assertThat(page.get("type").asText()).isEqualTo("searchset");
            assertThat(page.get("total").asInt()).isEqualTo(3);
            assertThat(FhirClinic.next(page)).startsWith(c.origin() + "/fhir?_getpages=");
            assertThat(FhirFaultsTest.searchModes(page, "Media")).containsOnly("match");

            // Another patient's compartment, asked for by parameter: refused by the narrowing.
            for (String tampered : List.of("Media?patient=Patient/" + other, "Media?subject=Patient/" + other,
                    "Encounter?patient=Patient/" + other, "Patient?_id=" + other)) {
                FhirClinic.Response r = c.get(tampered, token);
                assertThat(r.status()).as("%s: %s", tampered, r.body()).isEqualTo(403);
            }
            // Another patient's records by id: refused by the rules.
            List<String> foreign = new ArrayList<>(List.of("Patient/" + other, "Encounter/" + pop.encounters.get("p1").get(0),
                    "Patient/" + other + "/$everything"));
            for (long m : pop.media.get("p1")) foreign.addAll(List.of("Media/" + m, "Binary/" + m, "Media/" + m + "/_history", "Media/" + m + "/_history/1"));
            for (String path : foreign) {
                FhirClinic.Response r = c.get(path, token);
                assertThat(r.status()).as("%s: %s", path, r.body()).isEqualTo(403);
                assertThat(r.body()).doesNotContain("CORDON-SYNTHETIC-MEDIA");
            }
            // Own records by id.
            long own = mine.get(0);
            JsonNode m = ok(c.get("Media/" + own, token));
            assertThat(m.get("subject").get("reference").asText()).isEqualTo("Patient/" + me);
            assertThat(m.get("encounter").get("reference").asText()).isEqualTo("Encounter/" + pop.encounters.get("p0").get(0));
            assertThat(m.get("content").get("url").asText()).isEqualTo("Binary/" + own);
            assertThat(m.get("content").get("contentType").asText()).isEqualTo("audio/ogg");
            JsonNode p = ok(c.get("Patient/" + me, token));
            assertThat(p.get("identifier").get(0).get("system").asText()).isEqualTo("https://fhir.nhs.uk/Id/nhs-number");
            assertThat(p.get("birthDate").asText()).isEqualTo("1980-02-29");
            assertThat(p.get("telecom").get(0).get("value").asText()).isEqualTo("p0@clinic.invalid");
            JsonNode e = ok(c.get("Encounter/" + pop.encounters.get("p0").get(0), token));
            assertThat(e.get("class").get("code").asText()).isEqualTo("VR");
            assertThat(e.get("status").asText()).isEqualTo("finished");
            JsonNode binary = ok(c.get("Binary/" + own, token));
            assertThat(binary.get("securityContext").get("reference").asText()).isEqualTo("Media/" + own);
            ok(c.get("Media/" + own + "/_history/1", token));

            FhirClinic.Response gone = c.get(c.base() + "?_getpages=no-such-search&_getpagesoffset=2&_count=2", token);
            assertThat(gone.status()).as("a page id the server no longer holds: %s", gone.body()).isEqualTo(410);
            assertThat(c.get("Media?_format=xml", token, null).body()).startsWith("<Bundle");

            FhirClinic.Response privateAnswer = c.get("Media", token);
            assertThat(privateAnswer.header("Cache-Control")).isEqualTo("no-store");
        }
    }

    @Test
    void onlyTheOperatorWritesAndWritesAreChecked() {
        try (FhirClinic c = FhirClinic.start(dir)) {
            long ann = c.createPatient("ann");
            long bob = c.createPatient("bob");
            long annEncounter = c.encounter(ann, "2026-12-01T09:00:00Z");
            String annToken = c.login("ann");
            String body = "{\"resourceType\":\"Media\",\"status\":\"completed\",\"subject\":{\"reference\":\"Patient/" + ann
                    + "\"},\"encounter\":{\"reference\":\"Encounter/" + annEncounter + "\"},\"content\":{\"contentType\":\"audio/ogg\"}}";
            assertThat(c.post("Media", annToken, body).status()).as("patient token is read-only").isEqualTo(403);

            FhirClinic.Response created = c.post("Media", FhirClinic.SECRET, body);
            assertThat(created.status()).isEqualTo(201);
            String id = created.json().get("id").asText();
            assertThat(created.header("Location")).isEqualTo(c.base() + "/Media/" + id + "/_history/1");

            String mismatched = body.replace("Patient/" + ann, "Patient/" + bob);
            assertThat(c.post("Media", FhirClinic.SECRET, mismatched).status()).as("encounter of another patient").isEqualTo(422);
            assertThat(c.post("Media", FhirClinic.SECRET, "{\"resourceType\":\"Media\",\"status\":\"completed\"}").status()).isEqualTo(422);
            assertThat(c.post("Encounter", FhirClinic.SECRET, "{\"resourceType\":\"Encounter\",\"status\":\"finished\","
                    + "\"subject\":{\"reference\":\"Patient/999999\"}}").status()).isEqualTo(422);

            assertThat(c.mediaListing("Media", FhirClinic.SECRET)).as("operator: system scope").containsExactly(Long.parseLong(id));
        }
    }

    @Test
    void mediaCreatedThroughFhirAreTheClinicsRecordings() throws Exception {
        try (FhirClinic c = FhirClinic.start(dir)) {
            long ann = c.createPatient("ann");
            long media = c.media(ann, c.encounter(ann, "2026-12-01T09:00:00Z"));
            FhirClinic.Response login = c.send(HttpRequest.newBuilder(URI.create(c.origin() + "/api/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"ann\",\"password\":\"" + FhirClinic.PASSWORD + "\"}")));
            String session = login.json().get("token").asText();
            FhirClinic.Response replays = c.send(HttpRequest.newBuilder(URI.create(c.origin() + "/api/replays"))
                    .header("Authorization", "Bearer " + session).GET());
            assertThat(replays.json().get("items").get(0).get("id").asLong()).isEqualTo(media);
            FhirClinic.Response bytes = c.send(HttpRequest.newBuilder(URI.create(c.origin() + "/api/replays/" + media + "/media"))
                    .header("Authorization", "Bearer " + session).GET());
            assertThat(bytes.body()).isEqualTo(c.get("Binary/" + media, c.login("ann"), "*/*").body());
        }
    }

    @Test
    void theFaceIsServedOnlyWhenAskedForOrWhenAFhirFaultIsNamed() {
        ClinicSettings plain = FhirClinic.settings(dir.resolve("plain")).withFhir(false);
        try (RunningClinic clinic = Clinic.start(plain)) {
            assertThat(clinic.fhirBase()).isEmpty();
        }
        ClinicSettings byFault = FhirClinic.settings(dir.resolve("fault"), "fhir-binary-without-owner").withFhir(false);
        try (FhirClinic c = FhirClinic.start(byFault)) {
            assertThat(c.running().fhirBase()).isPresent();
            ok(c.get("metadata", null));
        }
    }
}
