package dev.cordon.clinic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A clinic started for one test on its own H2 file, with a small HTTP client speaking its API. */
final class TestClinic implements AutoCloseable {
    static final String SECRET = "test-operator-secret";
    static final String PASSWORD = "correct horse battery staple";

    record Response(int status, java.net.http.HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String header(String name) { return headers.firstValue(name).orElse(null); }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RunningClinic clinic;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private TestClinic(RunningClinic clinic) { this.clinic = clinic; }

    static ClinicSettings settings(Path dbDir, String release, String... faults) {
        return ClinicSettings.defaults().withRelease(release)
                .withJdbcUrl("jdbc:h2:file:" + dbDir.resolve("clinic").toAbsolutePath())
                .withPort(0).withOperatorSecret(SECRET).withAccessLog("off").withFaults(Set.of(faults));
    }

    static TestClinic start(Path dbDir, String release, String... faults) {
        return start(settings(dbDir, release, faults));
    }

    static TestClinic start(ClinicSettings settings) {
        return new TestClinic(Clinic.start(settings));
    }

    String base() { return "http://127.0.0.1:" + clinic.port(); }

    RunningClinic running() { return clinic; }

    Response call(String method, String path, String bearer, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return send(b.build());
    }

    Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response get(String path, String bearer) { return call("GET", path, bearer, null); }

    Response operator(String method, String path, String body) { return call(method, path, SECRET, body); }

    long createPatient(String username) { return createPatient(username, "Patient " + username); }

    long createPatient(String username, String name) {
        Response r = operator("POST", "/api/operator/patients", String.format(
                "{\"name\":\"%s\",\"dateOfBirth\":\"1980-02-29\",\"nhsNumber\":\"9990000018\",\"username\":\"%s\","
                        + "\"email\":\"%s@clinic.invalid\",\"password\":\"%s\",\"externalRef\":\"test-run\"}",
                name, username, username.toLowerCase(), PASSWORD));
        assertThat(r.status()).as("create patient %s: %s", username, r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    String login(String username) {
        Response r = call("POST", "/api/login", null, "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(r.status()).as("login %s: %s", username, r.body()).isEqualTo(200);
        return r.json().get("token").asText();
    }

    /** Books a consultation; on 2.2.0 under the caller's care record, made first if the caller has none. */
    long book(String token, Instant slot) {
        String careRecord = Releases.hasCareRecords(clinic.release()) ? ",\"careRecordId\":" + careRecord(token) : "";
        Response r = call("POST", "/api/consultations", token, "{\"slot\":\"" + slot + "\",\"clinician\":\"Dr Ada Byron\"" + careRecord + "}");
        assertThat(r.status()).as("book: %s", r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    /** 2.2.0: the caller's care record id, created (with synthetic details) if the caller has none yet. */
    long careRecord(String token) {
        JsonNode existing = get("/api/me", token).json().get("careRecordId");
        if (existing != null && !existing.isNull()) return existing.asLong();
        Response r = createCareRecord(token);
        assertThat(r.status()).as("create care record: %s", r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    Response createCareRecord(String token) {
        return call("POST", "/api/care-records", token,
                "{\"gpPractice\":\"Synthetic Surgery\",\"emergencyContact\":\"Next Of Kin (synthetic)\"}");
    }

    JsonNode step(long consultationId, String step) {
        Response r = operator("POST", "/api/operator/consultations/" + consultationId + "/" + step, null);
        assertThat(r.status()).as("%s %d: %s", step, consultationId, r.body()).isEqualTo(200);
        return r.json();
    }

    /** Books, starts and completes one audio consultation; the recording ids it produced. */
    List<Long> completedConsultation(String token, Instant slot) {
        long id = book(token, slot);
        step(id, "start");
        return ids(step(id, "complete").get("recordingIds"));
    }

    /** Every recording id of the caller's listing, following the next links. */
    List<Long> listing(String token) {
        List<Long> ids = new ArrayList<>();
        String path = "/api/replays?page=1&size=5";
        while (path != null) {
            Response r = get(path, token);
            assertThat(r.status()).as("listing %s: %s", path, r.body()).isEqualTo(200);
            for (JsonNode item : r.json().get("items")) ids.add(item.get("id").asLong());
            JsonNode next = r.json().get("next");
            path = next == null || next.isNull() ? null : next.asText();
        }
        return ids;
    }

    /** The ids of one listing page. */
    List<Long> listingOf(String path, String token) {
        Response r = get(path, token);
        assertThat(r.status()).as("listing %s: %s", path, r.body()).isEqualTo(200);
        List<Long> ids = new ArrayList<>();
        r.json().get("items").forEach(item -> ids.add(item.get("id").asLong()));
        return ids;
    }

    /** Self sign-up (2.1.0) with the test password; the raw answer. */
    Response signup(String username) { return signup(username, PASSWORD); }

    Response signup(String username, String password) {
        return call("POST", "/api/signup", null, String.format(
                "{\"name\":\"Patient %s\",\"dateOfBirth\":\"1980-02-29\",\"nhsNumber\":\"9990000018\",\"username\":\"%s\","
                        + "\"email\":\"%s@clinic.invalid\",\"password\":\"%s\",\"externalRef\":\"test-run\"}",
                username, username, username.toLowerCase(), password));
    }

    /** Logs in with this pair; the raw answer. */
    Response login(String username, String password) {
        return call("POST", "/api/login", null, "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
    }

    /** A small valid PDF that names its title, so a download shows whose document it is. */
    static byte[] pdf(String title) {
        return ("%PDF-1.4\n% CORDON-SYNTHETIC-DOCUMENT title=" + title + "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Uploads a document as the patient: multipart parts consultationId, title and file. */
    Response upload(String token, Object consultationId, String title, String fileContentType, byte[] file) {
        Multipart body = new Multipart();
        if (consultationId != null) body.field("consultationId", String.valueOf(consultationId));
        if (title != null) body.field("title", title);
        if (file != null) body.file("file", "document.pdf", fileContentType, file);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + "/api/documents")).timeout(Duration.ofSeconds(20))
                .header("Content-Type", body.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return send(b.build());
    }

    /** Uploads a PDF named by its title to the caller's consultation and expects 201; the document id. */
    long document(String token, long consultationId, String title) {
        Response r = upload(token, consultationId, title, "application/pdf", pdf(title));
        assertThat(r.status()).as("upload %s: %s", title, r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    /** Every document id of the caller's listing, following nextCursor with this limit; the number of pages in {@code pages}. */
    List<Long> documents(String token, int limit, List<Integer> pages) {
        List<Long> ids = new ArrayList<>();
        String cursor = null;
        do {
            Response r = get("/api/documents?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor), token);
            assertThat(r.status()).as("documents page after %s: %s", cursor, r.body()).isEqualTo(200);
            int before = ids.size();
            r.json().get("items").forEach(item -> ids.add(item.get("id").asLong()));
            if (pages != null) pages.add(ids.size() - before);
            JsonNode next = r.json().get("nextCursor");
            cursor = next == null || next.isNull() ? null : next.asText();
        } while (cursor != null);
        return ids;
    }

    /** A multipart/form-data body: what a browser or an HTTP client library sends for a form with a file. */
    static final class Multipart {
        private final String boundary = "cordon-" + java.util.UUID.randomUUID();
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        Multipart field(String name, String value) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
            return this;
        }

        Multipart file(String name, String filename, String contentType, byte[] content) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n"
                    + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n") + "\r\n");
            out.writeBytes(content);
            write("\r\n");
            return this;
        }

        String contentType() { return "multipart/form-data; boundary=" + boundary; }

        byte[] bytes() {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            all.writeBytes(out.toByteArray());
            all.writeBytes(("--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return all.toByteArray();
        }

        private void write(String text) { out.writeBytes(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)); }
    }

    static List<Long> ids(JsonNode array) {
        List<Long> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.asLong()));
        return ids;
    }

    @Override
    public void close() { clinic.close(); }
}
