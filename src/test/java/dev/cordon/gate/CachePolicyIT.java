package dev.cordon.gate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cordon.ClinicProcess;
import dev.cordon.GateProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache rule of RFC 9111 on real answers: the reference clinic (2.0.0, its own process) behind a small rewriting
 * proxy that plays the app a team really runs — its private answers without Cache-Control, or marked public, and, for
 * the cookie target, patient sessions in a cookie instead of an Authorization header (the proxy turns the login's token
 * into a Set-Cookie and the cookie back into the clinic's bearer token). The gate runs only the cache scenario.
 * <ul>
 *   <li>bearer target, no Cache-Control → PASS (RFC 9111 §3.5 keeps shared caches off), with a coverage note;</li>
 *   <li>cookie target, no Cache-Control → CACHEABLE_PRIVATE_RESPONSE;</li>
 *   <li>bearer target, Cache-Control: public → CACHEABLE_PRIVATE_RESPONSE.</li>
 * </ul>
 */
class CachePolicyIT {
    private static final Path PROJECT = Path.of(System.getProperty("cordon.project.dir", ".")).toAbsolutePath().normalize();
    private static final String ENVIRONMENT = """
            testEnvironment: true
            production: false
            deployment: { kind: external, baseUrl: "${IT_CACHE_URL}", healthTimeoutSeconds: 60 }
            releases: { from: 2.0.0, to: 2.0.0 }
            target: { profile: %s, operatorSecret: "${IT_CACHE_OPERATOR_SECRET}", pageSize: 2 }
            population: { patients: 4, consultationsPerPatient: 2, patientsAfterUpdate: 2, switchPatients: 4 }
            checks: { foreignSamplePerPatient: 2, crosstalkRounds: 2, crosstalkCallers: 4, cachePolicySample: 4 }
            browser: { enabled: false }
            concurrency: 2
            """;

    @TempDir
    static Path tmp;
    private static final String SECRET = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private static ClinicProcess clinic;

    @BeforeAll
    static void startClinic() throws IOException {
        clinic = ClinicProcess.start(PROJECT, tmp, "2.0.0", SECRET, List.of(), null);
    }

    @AfterAll
    static void stopClinic() {
        if (clinic != null) {
            clinic.stop();
        }
    }

    @Test
    void aBearerTargetWithoutCacheControlPassesWithACoverageNote() throws Exception {
        GateProcess.Outcome gate = gate("bearer-none", false, null);
        assertThat(gate.exitCode()).as("exit of a bearer target without Cache-Control%n%s", gate.console()).isZero();
        assertThat(gate.verdict()).isEqualTo("PASS");
        assertThat(gate.summary().path("counts").path(dev.cordon.oracle.IsolationChecks.CACHE_AUTHORIZATION_ONLY).asLong())
                .as("answers only §3.5 keeps out of shared caches, counted").isPositive();
        assertThat(gate.summary().path("coverage").path("entries").toString()).contains("RFC 9111 §3.5");
    }

    @Test
    void aCookieTargetWithoutCacheControlIsAFinding() throws Exception {
        GateProcess.Outcome gate = gate("cookie-none", true, null);
        assertThat(gate.exitCode()).as("exit of a cookie target without Cache-Control%n%s", gate.console()).isEqualTo(1);
        assertThat(gate.kinds()).containsOnly("CACHEABLE_PRIVATE_RESPONSE");
        String evidence = gate.summary().path("findings").get(0).path("evidence").toString();
        assertThat(evidence).contains("session cookie sid").contains("Cache-Control: (none)").contains("without an Authorization header");
    }

    @Test
    void aBearerTargetMarkingPrivateAnswersPublicIsAFinding() throws Exception {
        GateProcess.Outcome gate = gate("bearer-public", false, "public, max-age=300");
        assertThat(gate.exitCode()).as("exit of a bearer target answering public%n%s", gate.console()).isEqualTo(1);
        assertThat(gate.kinds()).containsOnly("CACHEABLE_PRIVATE_RESPONSE");
        assertThat(gate.summary().path("findings").get(0).path("evidence").toString())
                .contains("Cache-Control: public, max-age=300").contains("§5.2.2.9");
    }

    /** One gate run of the cache scenario against the clinic behind a proxy that sends {@code cacheControl} (null: none). */
    private GateProcess.Outcome gate(String name, boolean cookieSessions, String cacheControl) throws Exception {
        Path project = tmp.resolve(name);
        GateProcess.copyTree(PROJECT.resolve("environments/profiles"), project.resolve("environments/profiles"));
        GateProcess.copyTree(PROJECT.resolve("features"), project.resolve("features"));
        String profile = "reference-clinic";
        if (cookieSessions) {
            profile = "reference-clinic-cookie";
            String text = Files.readString(PROJECT.resolve("environments/profiles/reference-clinic.yaml"))
                    .replace("name: reference-clinic", "name: " + profile)
                    .replace("session: { style: bearer, token: $.token }", "session: { style: cookie, cookie: sid }");
            assertThat(text).contains("style: cookie");
            Files.writeString(project.resolve("environments/profiles/" + profile + ".yaml"), text);
        }
        Files.writeString(project.resolve("environments/cache-it.yaml"), ENVIRONMENT.formatted(profile));
        try (RewritingProxy proxy = new RewritingProxy(clinic.baseUri(), cacheControl)) {
            return new GateProcess(PROJECT).runIn(project, Map.of("IT_CACHE_URL", proxy.uri().toString(),
                    "IT_CACHE_OPERATOR_SECRET", SECRET), "--env", "cache-it", "--tags", "@cache-policy", "--no-report");
        }
    }

    /**
     * Forwards every request to the clinic; replaces Cache-Control of every answer with {@code cacheControl} (or drops
     * it); gives each login's token back also as cookie {@code sid} and turns a request's {@code sid} cookie into the
     * clinic's bearer token.
     */
    static final class RewritingProxy implements AutoCloseable {
        private static final Set<String> HOP = Set.of("host", "connection", "content-length", "expect", "upgrade", "keep-alive",
                "transfer-encoding", "cookie", "cache-control");
        private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
        private static final Pattern SID = Pattern.compile("(?:^|;\\s*)sid=([^;]+)");
        private final HttpServer server;
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final URI upstream;
        private final String cacheControl;

        RewritingProxy(URI upstream, String cacheControl) throws IOException {
            this.upstream = upstream;
            this.cacheControl = cacheControl;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
            server.createContext("/", this::forward);
            server.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        private void forward(HttpExchange exchange) throws IOException {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI().toString()))
                        .timeout(Duration.ofSeconds(30))
                        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
                exchange.getRequestHeaders().forEach((header, values) -> {
                    if (!HOP.contains(header.toLowerCase(Locale.ROOT))) {
                        values.forEach(v -> request.header(header, v));
                    }
                });
                String cookie = exchange.getRequestHeaders().getFirst("Cookie");
                if (cookie != null) {
                    Matcher sid = SID.matcher(cookie);
                    if (sid.find()) {
                        request.setHeader("Authorization", "Bearer " + sid.group(1));
                    }
                }
                HttpResponse<byte[]> answer;
                try {
                    answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(502, -1);
                    return;
                }
                answer.headers().map().forEach((header, values) -> {
                    if (!HOP.contains(header.toLowerCase(Locale.ROOT)) && !header.startsWith(":")) {
                        exchange.getResponseHeaders().put(header, values);
                    }
                });
                if (cacheControl != null) {
                    exchange.getResponseHeaders().set("Cache-Control", cacheControl);
                }
                if (exchange.getRequestURI().getPath().equals("/api/login") && answer.statusCode() == 200) {
                    Matcher token = TOKEN.matcher(new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8));
                    if (token.find()) {
                        exchange.getResponseHeaders().add("Set-Cookie", "sid=" + token.group(1) + "; Path=/; HttpOnly");
                    }
                }
                byte[] out = answer.body();
                exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    exchange.getResponseBody().write(out);
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
