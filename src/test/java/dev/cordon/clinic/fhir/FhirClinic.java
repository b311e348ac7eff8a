package dev.cordon.clinic.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.clinic.Clinic;
import dev.cordon.clinic.ClinicSettings;
import dev.cordon.clinic.RunningClinic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A clinic with its FHIR face, started for one test on its own H2 file, and a small client speaking to it. */
final class FhirClinic implements AutoCloseable {
    static final String SECRET = "test-operator-secret";
    static final String PASSWORD = "correct horse battery staple";
    static final String FHIR_JSON = "application/fhir+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Response(int status, HttpHeaders headers, byte[] bytes) {
        String body() { return new String(bytes, StandardCharsets.UTF_8); }

        JsonNode json() {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String header(String name) { return headers.firstValue(name).orElse(null); }
    }

    private final RunningClinic clinic;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private FhirClinic(RunningClinic clinic) { this.clinic = clinic; }

    static ClinicSettings settings(Path dir, String... faults) {
        return ClinicSettings.defaults().withRelease("2.0.0")
                .withJdbcUrl("jdbc:h2:file:" + dir.resolve("clinic").toAbsolutePath())
                .withPort(0).withOperatorSecret(SECRET).withAccessLog("off").withFaults(Set.of(faults)).withFhir(true);
    }

    static FhirClinic start(Path dir, String... faults) { return new FhirClinic(Clinic.start(settings(dir, faults))); }

    static FhirClinic start(ClinicSettings settings) { return new FhirClinic(Clinic.start(settings)); }

    RunningClinic running() { return clinic; }

    String base() { return clinic.fhirBase().orElseThrow().toString(); }

    String origin() { return "http://127.0.0.1:" + clinic.port(); }

    Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET of a path under the FHIR base ("Media?patient=...") or of an absolute URL (a next link). */
    Response get(String pathOrUrl, String bearer) { return get(pathOrUrl, bearer, FHIR_JSON); }

    Response get(String pathOrUrl, String bearer, String accept) {
        String url = pathOrUrl.startsWith("http") ? pathOrUrl : base() + "/" + pathOrUrl;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (accept != null) b.header("Accept", accept);
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return send(b);
    }

    Response post(String path, String bearer, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + "/" + path))
                .header("Content-Type", FHIR_JSON).header("Accept", FHIR_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return send(b);
    }

    Response token(String username, String password, String scope) {
        String form = "grant_type=password&username=" + enc(username) + "&password=" + enc(password)
                + (scope == null ? "" : "&scope=" + enc(scope));
        return send(HttpRequest.newBuilder(URI.create(base() + "/auth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    /** A patient token (patient/*.read) for this username. */
    String login(String username) {
        Response r = token(username, PASSWORD, "patient/*.read");
        assertThat(r.status()).as("token for %s: %s", username, r.body()).isEqualTo(200);
        return r.json().get("access_token").asText();
    }

    long createPatient(String username) {
        String body = String.format("{\"name\":\"Patient %s\",\"dateOfBirth\":\"1980-02-29\",\"nhsNumber\":\"9990000018\","
                + "\"username\":\"%s\",\"email\":\"%s@clinic.invalid\",\"password\":\"%s\",\"externalRef\":\"test-run\"}",
                username, username, username.toLowerCase(), PASSWORD);
        Response r = send(HttpRequest.newBuilder(URI.create(origin() + "/api/operator/patients"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(r.status()).as("create patient %s: %s", username, r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    /** The operator records an encounter of this patient in this slot (ISO instant). */
    long encounter(long patientId, String slot) {
        Response r = post("Encounter", SECRET, "{\"resourceType\":\"Encounter\",\"status\":\"finished\","
                + "\"subject\":{\"reference\":\"Patient/" + patientId + "\"},\"period\":{\"start\":\"" + slot + "\"}}");
        assertThat(r.status()).as("create encounter: %s", r.body()).isEqualTo(201);
        return Long.parseLong(r.json().get("id").asText());
    }

    /** The operator stores a Media (a recording) of this encounter. */
    long media(long patientId, long encounterId) {
        Response r = post("Media", SECRET, "{\"resourceType\":\"Media\",\"status\":\"completed\","
                + "\"subject\":{\"reference\":\"Patient/" + patientId + "\"},"
                + "\"encounter\":{\"reference\":\"Encounter/" + encounterId + "\"},"
                + "\"content\":{\"contentType\":\"audio/ogg\"}}");
        assertThat(r.status()).as("create media: %s", r.body()).isEqualTo(201);
        return Long.parseLong(r.json().get("id").asText());
    }

    /** Ids of the entries of a Bundle with this resourceType, in order. */
    static List<Long> ids(JsonNode bundle, String resourceType) {
        List<Long> ids = new ArrayList<>();
        JsonNode entries = bundle.get("entry");
        if (entries == null) return ids;
        for (JsonNode e : entries) {
            JsonNode resource = e.get("resource");
            if (resourceType.equals(resource.get("resourceType").asText())) ids.add(Long.parseLong(resource.get("id").asText()));
        }
        return ids;
    }

    static String next(JsonNode bundle) {
        JsonNode links = bundle.get("link");
        if (links == null) return null;
        for (JsonNode l : links) if ("next".equals(l.get("relation").asText())) return l.get("url").asText();
        return null;
    }

    /** Every Media id of a listing, following next links; each page must answer 200. */
    List<Long> mediaListing(String first, String bearer) {
        List<Long> ids = new ArrayList<>();
        String url = first;
        int pages = 0;
        while (url != null) {
            Response r = get(url, bearer);
            assertThat(r.status()).as("page %s: %s", url, r.body()).isEqualTo(200);
            ids.addAll(ids(r.json(), "Media"));
            url = next(r.json());
            assertThat(++pages).as("pages of %s", first).isLessThan(50);
        }
        return ids;
    }

    private static String enc(String v) { return URLEncoder.encode(v, StandardCharsets.UTF_8); }

    @Override
    public void close() { clinic.close(); }
}
