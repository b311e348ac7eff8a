package dev.cordon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.population.NhsNumber;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The seeding capacity of a reference clinic, for ci/benchmark.sh: the same HTTP calls per patient as Cordon's recipe
 * for the reference clinic (environments/profiles/reference-clinic.yaml, release 2.0.0 without the video switch) —
 * the operator's create, the patient's login and who-am-I, then per consultation the booking, start and complete —
 * sent by a plain pooled JDK client on a fixed pool of the same concurrency. No ledger, no retries, no checks: what
 * the target can absorb, to hold Cordon's seeding rate against. Any answer that is not 2xx fails the measurement.
 * <p>
 * {@code SeedingCapacity BASE_URL PATIENTS CONSULTATIONS CONCURRENCY RUN_TAG [TARGETS_DIR PAGE_SIZE]}; the operator
 * secret comes from the environment variable {@value #SECRET_VARIABLE} (never an argument: arguments are visible to
 * every user). With TARGETS_DIR, the patients it seeded become wrk's: it writes {@code listing-targets} (each patient's
 * listing pages at PAGE_SIZE) and {@code byid-targets} (each recording through both openers) there, one
 * {@code TOKEN PATH} line each, in patient order, so that wrk reads a population as large as the one Cordon checks.
 * The directory is the benchmark's private one (the tokens are live); the files are not readable by others.
 */
public final class SeedingCapacity {
    static final String SECRET_VARIABLE = "CORDON_BENCH_SECRET";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Synthetic NHS numbers of this tool start here, away from the serials the population planner draws. */
    private static final int NHS_SERIAL_BASE = 900_000;
    private static final Instant FIRST_SLOT = Instant.parse("2031-01-06T09:00:00Z");
    private static final Duration SLOT_LENGTH = Duration.ofMinutes(15);

    private final URI base;
    private final String secret;
    private final String runTag;
    /** For an https clinic: the PEM certificate to trust ({@value #CA_VARIABLE}), as the gate trusts it through target.tls.caBundle. */
    static final String CA_VARIABLE = "CORDON_BENCH_CA";
    private final HttpClient client = client();
    private final AtomicLong requests = new AtomicLong();

    /** Per patient, what wrk asks for it: its token with each listing page, and with each recording's openers. */
    private final String[] listingTargets;
    private final String[] byIdTargets;

    private static HttpClient client() {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT);
        String ca = System.getenv(CA_VARIABLE);
        if (ca != null && !ca.isBlank()) {
            dev.cordon.adapter.Network trust = new dev.cordon.adapter.Network(java.nio.file.Path.of(ca), null, null, null, null,
                    List.of(), false, null, List.of());
            builder.sslContext(dev.cordon.adapter.TlsContexts.build(trust));
        }
        return builder.build();
    }

    private SeedingCapacity(URI base, String secret, String runTag, int patients) {
        this.base = base;
        this.secret = secret;
        this.runTag = runTag;
        this.listingTargets = new String[patients];
        this.byIdTargets = new String[patients];
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5 && args.length != 7) {
            System.err.println("usage: SeedingCapacity BASE_URL PATIENTS CONSULTATIONS CONCURRENCY RUN_TAG [TARGETS_DIR PAGE_SIZE]"
                    + " (secret in $" + SECRET_VARIABLE + ")");
            System.exit(2);
        }
        String secret = System.getenv(SECRET_VARIABLE);
        if (secret == null || secret.isBlank()) {
            System.err.println("SeedingCapacity: $" + SECRET_VARIABLE + " is not set");
            System.exit(2);
        }
        int patients = Integer.parseInt(args[1]);
        int consultations = Integer.parseInt(args[2]);
        int concurrency = Integer.parseInt(args[3]);
        SeedingCapacity capacity = new SeedingCapacity(URI.create(args[0]), secret, args[4], patients);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long started = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < patients; i++) {
            int index = i;
            done.add(pool.submit(() -> {
                capacity.seedOne(index, consultations);
                return null;
            }));
        }
        for (Future<?> f : done) {
            try {
                f.get(); // a failed patient fails the whole measurement: a rate of failures is no capacity
            } catch (java.util.concurrent.ExecutionException e) {
                pool.shutdownNow();
                System.err.println("SeedingCapacity: a patient failed, no figure: " + e.getCause());
                System.exit(1);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        if (args.length == 7) {
            capacity.writeTargets(java.nio.file.Path.of(args[5]), Integer.parseInt(args[6]), consultations);
        }
        System.out.printf("seeding capacity: %d patients x %d consultations, %d requests in %.2f s = %.1f patients/s, %.0f requests/s (%d threads)%n",
                patients, consultations, capacity.requests.get(), seconds, patients / seconds, capacity.requests.get() / seconds, concurrency);
    }

    private void seedOne(int index, int consultations) throws IOException, InterruptedException {
        String username = runTag + "-p" + index;
        String password = "capacity-" + runTag + "-" + index;
        ObjectNode patient = JSON.createObjectNode()
                .put("name", "Capacity Patient " + index).put("dateOfBirth", "1980-02-29")
                .put("nhsNumber", NhsNumber.synthetic(NHS_SERIAL_BASE + index)).put("username", username)
                .put("email", username + "@patients.cordon.invalid").put("password", password).put("externalRef", runTag + "-" + index);
        String patientId = send("POST", "/api/operator/patients", patient, "Bearer " + secret).path("id").asText();
        String token = send("POST", "/api/login", JSON.createObjectNode().put("username", username).put("password", password), null)
                .path("token").asText();
        String me = send("GET", "/api/me", null, "Bearer " + token).path("id").asText();
        if (!me.equals(patientId)) {
            throw new IllegalStateException("who-am-I of " + username + " answered " + me + ", not " + patientId);
        }
        StringBuilder byId = new StringBuilder();
        for (int c = 0; c < consultations; c++) {
            Instant slot = FIRST_SLOT.plus(SLOT_LENGTH.multipliedBy((long) index * consultations + c));
            String consultation = send("POST", "/api/consultations", JSON.createObjectNode().put("slot", slot.toString())
                    .put("clinician", "Dr Capacity"), "Bearer " + token).path("id").asText();
            send("POST", "/api/operator/consultations/" + consultation + "/start", null, "Bearer " + secret);
            JsonNode completed = send("POST", "/api/operator/consultations/" + consultation + "/complete", null, "Bearer " + secret);
            for (JsonNode recording : completed.path("recordingIds")) {
                byId.append(token).append(" /api/replays/").append(recording.asText()).append('\n')
                        .append(token).append(" /api/replays/").append(recording.asText()).append("/media\n");
            }
        }
        listingTargets[index] = token;
        byIdTargets[index] = byId.toString();
    }

    /** wrk's targets for the patients seeded here (see the class comment); the tokens stay in the private directory. */
    private void writeTargets(java.nio.file.Path dir, int pageSize, int consultations) throws IOException {
        int pages = Math.max(1, (consultations + pageSize - 1) / pageSize);
        StringBuilder listing = new StringBuilder();
        StringBuilder byId = new StringBuilder();
        for (int i = 0; i < listingTargets.length; i++) {
            for (int page = 1; page <= pages; page++) {
                listing.append(listingTargets[i]).append(" /api/replays?page=").append(page).append("&size=").append(pageSize).append('\n');
            }
            byId.append(byIdTargets[i]);
        }
        var ownerOnly = java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        for (var file : java.util.Map.of("listing-targets", listing, "byid-targets", byId).entrySet()) {
            java.nio.file.Path path = dir.resolve(file.getKey());
            java.nio.file.Files.deleteIfExists(path);
            java.nio.file.Files.writeString(java.nio.file.Files.createFile(path, ownerOnly), file.getValue());
        }
    }

    private JsonNode send(String method, String path, JsonNode body, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        requests.incrementAndGet();
        HttpResponse<byte[]> answer;
        try {
            answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            // The JDK client can hand out a pooled connection the server has just closed ("header parser received no
            // bytes"): nothing was answered, so the request is sent once more on a fresh one; a second failure stands.
            answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + answer.statusCode());
        }
        return answer.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(answer.body());
    }
}
