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
 * {@code SeedingCapacity BASE_URL PATIENTS CONSULTATIONS CONCURRENCY RUN_TAG}; the operator secret comes from the
 * environment variable {@value #SECRET_VARIABLE} (never an argument: arguments are visible to every user).
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
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    private final AtomicLong requests = new AtomicLong();

    private SeedingCapacity(URI base, String secret, String runTag) {
        this.base = base;
        this.secret = secret;
        this.runTag = runTag;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: SeedingCapacity BASE_URL PATIENTS CONSULTATIONS CONCURRENCY RUN_TAG (secret in $" + SECRET_VARIABLE + ")");
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
        SeedingCapacity capacity = new SeedingCapacity(URI.create(args[0]), secret, args[4]);
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
            f.get(); // a failed patient fails the whole measurement: a rate of failures is no capacity
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
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
        for (int c = 0; c < consultations; c++) {
            Instant slot = FIRST_SLOT.plus(SLOT_LENGTH.multipliedBy((long) index * consultations + c));
            String consultation = send("POST", "/api/consultations", JSON.createObjectNode().put("slot", slot.toString())
                    .put("clinician", "Dr Capacity"), "Bearer " + token).path("id").asText();
            send("POST", "/api/operator/consultations/" + consultation + "/start", null, "Bearer " + secret);
            send("POST", "/api/operator/consultations/" + consultation + "/complete", null, "Bearer " + secret);
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
        HttpResponse<byte[]> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + answer.statusCode());
        }
        return answer.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(answer.body());
    }
}
