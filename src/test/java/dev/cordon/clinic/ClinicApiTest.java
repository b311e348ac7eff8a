package dev.cordon.clinic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClinicApiTest {
    static final Instant SLOT = Instant.parse("2026-12-01T09:00:00Z");

    @TempDir
    Path dir;

    @Test
    void healthVersionAndErrors() {
        try (TestClinic c = TestClinic.start(dir, "2.0.0")) {
            assertThat(c.get("/health", null).body()).isEqualTo("{\"status\":\"UP\",\"release\":\"2.0.0\"}");
            assertThat(c.get("/api/version", null).body()).isEqualTo("{\"release\":\"2.0.0\"}");

            TestClinic.Response malformed = c.call("POST", "/api/login", null, "{\"username\":");
            assertThat(malformed.status()).isEqualTo(400);
            assertThat(malformed.json().get("error").asText()).contains("malformed");
            TestClinic.Response missing = c.call("POST", "/api/login", null, "{\"username\":\"x\"}");
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.json().get("error").asText()).contains("password");
            TestClinic.Response missingCreate = c.operator("POST", "/api/operator/patients", "{\"name\":\"A\"}");
            assertThat(missingCreate.status()).isEqualTo(400);
            assertThat(missingCreate.json().get("error").asText()).contains("dateOfBirth");

            assertThat(c.get("/api/replays", null).status()).isEqualTo(401);
            assertThat(c.get("/api/replays", "not-a-token").status()).isEqualTo(401);
            assertThat(c.get("/api/me", null).json().get("error").asText()).isNotBlank();
            assertThat(c.call("GET", "/api/operator/patients", "wrong", null).status()).isEqualTo(403);
            assertThat(c.call("GET", "/api/operator/patients", null, null).status()).isEqualTo(401);

            c.createPatient("ann");
            assertThat(c.call("POST", "/api/login", null, "{\"username\":\"ann\",\"password\":\"nope\"}").status()).isEqualTo(401);
            assertThat(c.call("POST", "/api/login", null, "{\"username\":\"ANN\",\"password\":\"" + TestClinic.PASSWORD + "\"}").status())
                    .as("usernames match exactly").isEqualTo(401);
            assertThat(c.operator("POST", "/api/operator/patients", "{\"name\":\"A\",\"dateOfBirth\":\"1980-01-01\",\"nhsNumber\":\"1\","
                    + "\"username\":\"ann\",\"email\":\"a@b.invalid\",\"password\":\"p\"}").status()).isEqualTo(409);
        }
    }

    @Test
    void operatorCreatesPatientsInBatchesAllOrNothing() {
        try (TestClinic c = TestClinic.start(dir, "1.4.0")) {
            TestClinic.Response made = c.operator("POST", "/api/operator/patients/batch", batch("cat", "dan", "eve"));
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            assertThat(made.json().get("items")).hasSize(3);
            assertThat(made.json().get("items").findValuesAsText("username")).as("answered in the order asked")
                    .containsExactly("cat", "dan", "eve");
            long danId = made.json().get("items").get(1).get("id").asLong();
            String dan = c.login("dan");
            assertThat(c.get("/api/me", dan).json().get("id").asLong()).as("the password was hashed as the single create does").isEqualTo(danId);

            TestClinic.Response taken = c.operator("POST", "/api/operator/patients/batch", batch("fay", "dan"));
            assertThat(taken.status()).isEqualTo(409);
            assertThat(taken.json().get("error").asText()).contains("dan").contains("nothing was created");
            assertThat(c.call("POST", "/api/login", null, "{\"username\":\"fay\",\"password\":\"" + TestClinic.PASSWORD + "\"}").status())
                    .as("the batch with a taken username created none of its patients").isEqualTo(401);
            assertThat(c.operator("POST", "/api/operator/patients/batch", batch("gil", "gil")).status()).as("twice in one batch").isEqualTo(409);

            TestClinic.Response invalid = c.operator("POST", "/api/operator/patients/batch",
                    "{\"patients\":[" + patient("hal") + ",{\"name\":\"Ivy\"}]}");
            assertThat(invalid.status()).isEqualTo(400);
            assertThat(invalid.json().get("error").asText()).contains("patients[1]").contains("dateOfBirth");
            assertThat(c.operator("POST", "/api/operator/patients/batch", "{\"patients\":[]}").status()).isEqualTo(400);
            assertThat(c.operator("POST", "/api/operator/patients/batch", "{\"people\":[]}").json().get("error").asText())
                    .contains("field patients");

            String[] many = new String[101];
            for (int i = 0; i < many.length; i++) {
                many[i] = "p" + i;
            }
            TestClinic.Response tooMany = c.operator("POST", "/api/operator/patients/batch", batch(many));
            assertThat(tooMany.status()).isEqualTo(413);
            assertThat(tooMany.json().get("error").asText()).contains("at most 100").contains("101");
            assertThat(c.operator("POST", "/api/operator/patients/batch", batch(java.util.Arrays.copyOf(many, 100))).status())
                    .as("exactly the limit").isEqualTo(201);

            assertThat(c.call("POST", "/api/operator/patients/batch", "wrong", batch("jon")).status()).isEqualTo(403);
            assertThat(c.call("POST", "/api/operator/patients/batch", null, batch("jon")).status()).isEqualTo(401);
        }
    }

    private static String batch(String... usernames) {
        return "{\"patients\":[" + String.join(",", java.util.Arrays.stream(usernames).map(ClinicApiTest::patient).toList()) + "]}";
    }

    private static String patient(String username) {
        return String.format("{\"name\":\"Patient %s\",\"dateOfBirth\":\"1980-02-29\",\"nhsNumber\":\"9990000018\",\"username\":\"%s\","
                + "\"email\":\"%s@clinic.invalid\",\"password\":\"%s\",\"externalRef\":\"test-run\"}", username, username, username, TestClinic.PASSWORD);
    }

    @Test
    void operatorEndpointsAnswer503WithoutSecret() {
        try (TestClinic c = TestClinic.start(TestClinic.settings(dir, "2.0.0").withOperatorSecret(null))) {
            TestClinic.Response r = c.operator("GET", "/api/operator/patients", null);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().get("error").asText()).contains("--operator-secret").contains("CLINIC_OPERATOR_SECRET");
        }
    }

    @Test
    void consultationLifecycleRecordingsAndOwnership() {
        try (TestClinic c = TestClinic.start(dir, "2.0.0")) {
            long annId = c.createPatient("ann");
            c.createPatient("bob");
            String ann = c.login("ann");
            String bob = c.login("bob");
            assertThat(c.get("/api/me", ann).json().get("id").asLong()).isEqualTo(annId);

            long consultation = c.book(ann, SLOT);
            assertThat(c.operator("POST", "/api/operator/consultations/" + consultation + "/switch-to-video", null).status())
                    .as("not in progress yet").isEqualTo(409);
            var started = c.step(consultation, "start");
            assertThat(started.get("status").asText()).isEqualTo("IN_PROGRESS");
            assertThat(started.get("mode").asText()).isEqualTo("AUDIO");
            var switched = c.step(consultation, "switch-to-video");
            assertThat(switched.get("mode").asText()).isEqualTo("VIDEO");
            assertThat(switched.get("recordingIds")).hasSize(2);
            assertThat(c.operator("POST", "/api/operator/consultations/" + consultation + "/switch-to-video", null).status()).isEqualTo(409);
            var completed = c.step(consultation, "complete");
            assertThat(completed.get("status").asText()).isEqualTo("COMPLETED");
            List<Long> recordings = TestClinic.ids(completed.get("recordingIds"));

            TestClinic.Response listing = c.get("/api/replays", ann);
            assertThat(listing.header("Cache-Control")).isEqualTo("no-store");
            assertThat(c.listing(ann)).containsExactlyElementsOf(recordings);
            assertThat(c.listing(bob)).isEmpty();

            long video = recordings.get(1);
            TestClinic.Response item = c.get("/api/replays/" + video, ann);
            assertThat(item.json().get("mode").asText()).isEqualTo("VIDEO");
            assertThat(item.json().get("clinician").asText()).isEqualTo("Dr Ada Byron");
            assertThat(item.json().get("durationSeconds").asInt()).isPositive();
            TestClinic.Response media = c.get("/api/replays/" + video + "/media", ann);
            assertThat(media.header("Content-Type")).startsWith("video/webm");
            assertThat(media.body()).startsWith("CORDON-SYNTHETIC-MEDIA recording=" + video);
            assertThat(media.body().length()).isGreaterThan(1000);

            assertThat(c.get("/api/replays/" + video, bob).status()).isEqualTo(404);
            assertThat(c.get("/api/replays/" + video + "/media", bob).status()).isEqualTo(404);
            assertThat(c.get("/api/replays/999999", ann).status()).isEqualTo(404);

            assertThat(c.call("POST", "/api/logout", ann, null).status()).isEqualTo(204);
            assertThat(c.get("/api/replays", ann).status()).isEqualTo(401);

            assertThat(c.operator("DELETE", "/api/operator/patients/" + annId, null).status()).isEqualTo(204);
            assertThat(c.operator("DELETE", "/api/operator/patients/" + annId, null).status()).isEqualTo(404);
            assertThat(c.operator("GET", "/api/operator/patients", null).json().get("items")).hasSize(1);
        }
    }

    @Test
    void pagingFollowsNextLinks() {
        try (TestClinic c = TestClinic.start(TestClinic.settings(dir, "1.4.0").withPageSize(2))) {
            c.createPatient("ann");
            String ann = c.login("ann");
            for (int i = 0; i < 5; i++) c.completedConsultation(ann, SLOT.plusSeconds(3600L * i));
            var first = c.get("/api/replays", ann).json();
            assertThat(first.get("size").asInt()).isEqualTo(2);
            assertThat(first.get("total").asInt()).isEqualTo(5);
            assertThat(first.get("next").asText()).isEqualTo("/api/replays?page=2&size=2");
            var last = c.get("/api/replays?page=3&size=2", ann).json();
            assertThat(last.get("items")).hasSize(1);
            assertThat(last.get("next").isNull()).isTrue();
            assertThat(c.listing(ann)).hasSize(5).isSorted();
            assertThat(c.get("/api/replays?page=0", ann).status()).isEqualTo(400);
            assertThat(c.get("/api/replays?size=101", ann).status()).isEqualTo(400);
            assertThat(c.operator("POST", "/api/operator/consultations/1/switch-to-video", null).status())
                    .as("1.4.0 has no video").isEqualTo(404);
        }
    }

    @Test
    void webPagesUseAnHttpOnlySessionCookie() {
        try (TestClinic c = TestClinic.start(dir, "2.0.0")) {
            c.createPatient("ann", "Ann <script>");
            String ann = c.login("ann");
            List<Long> recordings = c.completedConsultation(ann, SLOT);

            assertThat(c.get("/replays", null).status()).isEqualTo(302);
            assertThat(c.get("/login", null).body()).contains("id=\"login-form\"", "name=\"username\"", "name=\"password\"", "type=\"submit\"");
            TestClinic.Response wrong = c.send(form(c, "username=ann&password=nope"));
            assertThat(wrong.body()).contains("class=\"error\"");
            TestClinic.Response login = c.send(form(c, "username=ann&password=" + TestClinic.PASSWORD.replace(' ', '+')));
            assertThat(login.status()).isEqualTo(303);
            assertThat(login.header("Location")).isEqualTo("/replays");
            String cookie = login.header("Set-Cookie");
            assertThat(cookie).startsWith("CLINIC_SESSION=").contains("HttpOnly", "SameSite=Lax");
            String session = cookie.substring(0, cookie.indexOf(';'));

            TestClinic.Response page = c.send(HttpRequest.newBuilder(URI.create(c.base() + "/replays?page=1")).header("Cookie", session).build());
            assertThat(page.header("Cache-Control")).isEqualTo("no-store");
            assertThat(page.body()).contains("<h1>Consultation Replays</h1>", "id=\"patient-name\">Ann &lt;script&gt;",
                    "id=\"replays\"", "class=\"replay\" data-recording-id=\"" + recordings.get(0) + "\"", "id=\"page-info\"")
                    .doesNotContain("<script>").doesNotContain("id=\"next-page\"");
            TestClinic.Response detail = c.send(HttpRequest.newBuilder(URI.create(c.base() + "/replays/" + recordings.get(0))).header("Cookie", session).build());
            assertThat(detail.body()).contains("<h1>Consultation on 1 December 2026</h1>", "<audio", "/replays/" + recordings.get(0) + "/media");
            TestClinic.Response media = c.send(HttpRequest.newBuilder(URI.create(c.base() + "/replays/" + recordings.get(0) + "/media")).header("Cookie", session).build());
            assertThat(media.body()).startsWith("CORDON-SYNTHETIC-MEDIA");
            assertThat(c.send(HttpRequest.newBuilder(URI.create(c.base() + "/replays/99999")).header("Cookie", session).build()).status()).isEqualTo(404);
        }
    }

    @Test
    void accessLogHasOneLinePerRequestWithoutSecrets() throws Exception {
        Path log = dir.resolve("access.log");
        try (TestClinic c = TestClinic.start(TestClinic.settings(dir, "2.0.0").withAccessLog(log.toString()))) {
            c.createPatient("ann");
            String token = c.login("ann");
            c.get("/api/replays?page=1&patientId=7", token);
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(text.lines()).hasSize(3).allMatch(l -> l.matches("access method=\\w+ path=\\S+ status=\\d{3} ms=\\d+"));
        assertThat(text).contains("access method=GET path=/api/replays status=200").doesNotContain("patientId").doesNotContain(TestClinic.SECRET);
    }

    private static HttpRequest form(TestClinic c, String body) {
        return HttpRequest.newBuilder(URI.create(c.base() + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
