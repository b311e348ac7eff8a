package dev.cordon.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.cordon.faults.FaultKind.HTML;
import static dev.cordon.faults.FaultKind.RESET_AFTER_FORWARDING;
import static dev.cordon.faults.FaultKind.RESET_BEFORE_FORWARDING;
import static dev.cordon.faults.FaultKind.RESET_MID_BODY;
import static dev.cordon.faults.FaultKind.STALL;
import static dev.cordon.faults.FaultKind.TRUNCATE;
import static dev.cordon.faults.FaultKind.UNAVAILABLE_AFTER;
import static dev.cordon.faults.FaultKind.UNAVAILABLE_BEFORE;
import static dev.cordon.faults.FaultKind.WRONG_SHAPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fault proxy against a tiny real upstream (the JDK's HttpServer on 127.0.0.1): each fault happens, nothing else changes. */
class FaultProxyTest {
    private static final String JSON_BODY = "{\"items\":[" + String.join(",", Collections.nCopies(60, "{\"id\":12345,\"title\":\"replay\"}")) + "],\"total\":60}";

    private HttpServer upstream;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final List<FaultProxy> proxies = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** What the upstream received. */
    private record Seen(String method, String target, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(",", e.getValue())).findFirst().orElse(null);
        }
    }

    @BeforeEach
    void startUpstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.setExecutor(Executors.newFixedThreadPool(4));
        upstream.createContext("/", this::answer);
        upstream.start();
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getPath();
        Map<String, List<String>> headers = new ConcurrentHashMap<>();
        exchange.getRequestHeaders().forEach(headers::put);
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body));
        hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        switch (path) {
            case "/echo" -> send(exchange, 200, "application/octet-stream", body);
            case "/text" -> send(exchange, 200, "text/plain", "plain text answer".getBytes(StandardCharsets.UTF_8));
            case "/range" -> {
                exchange.getResponseHeaders().add("Content-Range", "bytes 0-9/100");
                exchange.getResponseHeaders().add("Set-Cookie", "session=s3cr3t; HttpOnly");
                send(exchange, 206, "application/octet-stream", "0123456789".getBytes(StandardCharsets.US_ASCII));
            }
            case "/empty" -> {
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            }
            default -> send(exchange, 200, "application/json", JSON_BODY.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @AfterEach
    void stop() {
        proxies.forEach(FaultProxy::close);
        upstream.stop(0);
        ((java.util.concurrent.ExecutorService) upstream.getExecutor()).shutdownNow();
    }

    private URI upstreamUri() {
        return URI.create("http://127.0.0.1:" + upstream.getAddress().getPort());
    }

    private FaultProxy proxy(long seed, FaultRule... rules) throws IOException {
        FaultProxy proxy = FaultProxy.to(upstreamUri()).seed(seed).inject(rules).start();
        proxies.add(proxy);
        return proxy;
    }

    private int hitsOf(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    private HttpResponse<byte[]> get(FaultProxy proxy, String target) throws Exception {
        return client.send(HttpRequest.newBuilder(proxy.baseUri().resolve(target)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    // --- pass-through ---

    @Test
    void binaryBodiesAndCredentialsPassThroughByteExact() throws Exception {
        FaultProxy proxy = proxy(1);
        byte[] binary = new byte[1 << 20];
        new Random(42).nextBytes(binary);
        for (int i = 0; i < 256; i++) {
            binary[i] = (byte) i; // every byte value, CR and LF and NUL included
        }
        HttpResponse<byte[]> answer = client.send(HttpRequest.newBuilder(proxy.baseUri().resolve("/echo?x=1&y=%20z"))
                .header("Authorization", "Bearer abc.def.ghi").header("Cookie", "session=1; theme=dark")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(binary)).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).as("the answer's body").isEqualTo(binary);
        Seen request = seen.get(0);
        assertThat(request.body()).as("the body the upstream received").isEqualTo(binary);
        assertThat(request.target()).isEqualTo("/echo?x=1&y=%20z");
        assertThat(request.header("Authorization")).isEqualTo("Bearer abc.def.ghi");
        assertThat(request.header("Cookie")).isEqualTo("session=1; theme=dark");
        assertThat(proxy.tally().forwarded()).isEqualTo(1);
        assertThat(proxy.tally().injected()).isZero();
    }

    @Test
    void multipartUploadsAndChunkedBodiesPassThroughByteExact() throws Exception {
        FaultProxy proxy = proxy(1);
        String boundary = "----cordon" + 1234567890;
        byte[] picture = new byte[70_000];
        new Random(7).nextBytes(picture);
        ByteArrayOutputStream multipart = new ByteArrayOutputStream();
        multipart.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nconsultation notes\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        multipart.write(picture);
        multipart.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] upload = multipart.toByteArray();

        HttpResponse<byte[]> sized = client.send(HttpRequest.newBuilder(proxy.baseUri().resolve("/echo"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofByteArray());
        // A body of unknown length: the JDK client sends it chunked; the proxy re-frames it with Content-Length.
        HttpResponse<byte[]> chunked = client.send(HttpRequest.newBuilder(proxy.baseUri().resolve("/echo"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(upload))).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(sized.body()).isEqualTo(upload);
        assertThat(chunked.body()).isEqualTo(upload);
        assertThat(seen).hasSize(2).allSatisfy(s -> {
            assertThat(s.body()).isEqualTo(upload);
            assertThat(s.header("Content-Type")).isEqualTo("multipart/form-data; boundary=" + boundary);
        });
    }

    @Test
    void rangeRequestsAndAnswerHeadersPassThrough() throws Exception {
        FaultProxy proxy = proxy(1);
        HttpResponse<byte[]> answer = client.send(HttpRequest.newBuilder(proxy.baseUri().resolve("/range"))
                .header("Range", "bytes=0-9").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> empty = get(proxy, "/empty");

        assertThat(seen.get(0).header("Range")).isEqualTo("bytes=0-9");
        assertThat(answer.statusCode()).isEqualTo(206);
        assertThat(answer.headers().firstValue("Content-Range")).hasValue("bytes 0-9/100");
        assertThat(answer.headers().firstValue("Set-Cookie")).hasValue("session=s3cr3t; HttpOnly");
        assertThat(new String(answer.body(), StandardCharsets.US_ASCII)).isEqualTo("0123456789");
        assertThat(empty.statusCode()).isEqualTo(204);
        assertThat(empty.body()).isEmpty();
    }

    @Test
    void clientConnectionsAreKeptAlive() throws Exception {
        FaultProxy proxy = proxy(1);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("GET /text HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Raw first = Raw.readOne(in);
            out.write("GET /json HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Raw second = Raw.readOne(in);

            assertThat(first.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(first.text()).isEqualTo("plain text answer");
            assertThat(first.head()).containsIgnoringCase("Connection: keep-alive");
            assertThat(second.text()).isEqualTo(JSON_BODY);
        }
        assertThat(proxy.tally().requests()).isEqualTo(2);
    }

    // --- each fault kind ---

    @Test
    void unavailableBeforeForwardingNeverReachesTheUpstream() throws Exception {
        FaultProxy proxy = proxy(1, FaultRule.of(UNAVAILABLE_BEFORE, 1.0));
        HttpResponse<byte[]> answer = client.send(HttpRequest.newBuilder(proxy.baseUri().resolve("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("write")).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(hitsOf("/echo")).as("requests that reached the upstream").isZero();
        assertThat(proxy.tally().count(UNAVAILABLE_BEFORE)).isEqualTo(1);
    }

    @Test
    void unavailableAfterForwardingLosesTheAnswerOfAProcessedWrite() throws Exception {
        FaultProxy proxy = proxy(1, FaultRule.of(UNAVAILABLE_AFTER, 1.0));
        HttpResponse<byte[]> answer = client.send(HttpRequest.newBuilder(proxy.baseUri().resolve("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("write")).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(hitsOf("/echo")).as("the write happened").isEqualTo(1);
        assertThat(new String(seen.get(0).body(), StandardCharsets.UTF_8)).isEqualTo("write");
        assertThat(proxy.tally().count(UNAVAILABLE_AFTER)).isEqualTo(1);
    }

    @Test
    void resetBeforeForwardingSendsNothingAndNeverReachesTheUpstream() throws Exception {
        FaultProxy proxy = proxy(1, FaultRule.of(RESET_BEFORE_FORWARDING, 1.0));
        Raw answer = Raw.exchange(proxy, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nwrite");

        assertThat(answer.ending()).isEqualTo(Raw.Ending.RESET);
        assertThat(answer.bytes()).isEmpty();
        assertThat(hitsOf("/echo")).isZero();
        assertThat(proxy.tally().count(RESET_BEFORE_FORWARDING)).isEqualTo(1);
    }

    @Test
    void resetAfterForwardingSendsNothingButTheWriteHappened() throws Exception {
        FaultProxy proxy = proxy(1, FaultRule.of(RESET_AFTER_FORWARDING, 1.0));
        Raw answer = Raw.exchange(proxy, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nwrite");

        assertThat(answer.ending()).isEqualTo(Raw.Ending.RESET);
        assertThat(answer.bytes()).isEmpty();
        assertThat(hitsOf("/echo")).isEqualTo(1);
        assertThat(proxy.tally().count(RESET_AFTER_FORWARDING)).isEqualTo(1);
    }

    @Test
    void resetMidBodySendsTheHeadersAndHalfTheBody() throws Exception {
        FaultProxy proxy = proxy(1, FaultRule.of(RESET_MID_BODY, 1.0));
        Raw answer = Raw.exchange(proxy, "GET /json HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(answer.ending()).isEqualTo(Raw.Ending.RESET);
        assertThat(answer.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(answer.declaredLength()).isEqualTo(JSON_BODY.length());
        assertThat(answer.text()).isEqualTo(JSON_BODY.substring(0, JSON_BODY.length() / 2));
        assertThat(proxy.tally().count(RESET_MID_BODY)).isEqualTo(1);
    }

    @Test
    void truncateDeclaresMoreThanItSendsThenClosesInOrder() throws Exception {
        FaultProxy proxy = proxy(1, FaultRule.of(TRUNCATE, 1.0));
        Raw answer = Raw.exchange(proxy, "GET /json HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(answer.ending()).as("an orderly end, not a reset").isEqualTo(Raw.Ending.EOF);
        assertThat(answer.declaredLength()).isEqualTo(JSON_BODY.length());
        assertThat(answer.body().length).isLessThan(answer.declaredLength());
        assertThat(answer.text()).isEqualTo(JSON_BODY.substring(0, JSON_BODY.length() / 2));
        assertThat(proxy.tally().count(TRUNCATE)).isEqualTo(1);
    }

    @Test
    void stallHoldsTheAnswerBackThenSendsItWhole() throws Exception {
        long stall = 300;
        FaultProxy proxy = proxy(1, FaultRule.of(STALL, 1.0).stallMillis(stall));
        long started = System.nanoTime();
        HttpResponse<byte[]> answer = get(proxy, "/json");
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        // A lower bound only: a stall can never make the answer come sooner, however busy the machine is.
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(stall);
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(JSON_BODY);
        assertThat(proxy.tally().count(STALL)).isEqualTo(1);
    }

    @Test
    void wrongShapeReplacesOnlyJsonAnswers() throws Exception {
        FaultProxy proxy = proxy(1, FaultRule.of(WRONG_SHAPE, 1.0));
        HttpResponse<byte[]> json = get(proxy, "/json");
        HttpResponse<byte[]> text = get(proxy, "/text");

        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(new String(json.body(), StandardCharsets.UTF_8)).isEqualTo("{\"status\":\"maintenance\"}");
        assertThat(new String(text.body(), StandardCharsets.UTF_8)).as("not JSON: passed as it was").isEqualTo("plain text answer");
        assertThat(proxy.tally().count(WRONG_SHAPE)).as("only the JSON answer counts").isEqualTo(1);
    }

    @Test
    void htmlReplacesTheAnswerWithAnErrorPageThatSays200() throws Exception {
        FaultProxy proxy = proxy(1, FaultRule.of(HTML, 1.0));
        HttpResponse<byte[]> answer = get(proxy, "/json");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("<html").doesNotContain("items");
        assertThat(hitsOf("/json")).as("the upstream answered; the page replaced it").isEqualTo(1);
        assertThat(proxy.tally().count(HTML)).isEqualTo(1);
    }

    // --- selection, determinism, counts ---

    @Test
    void methodAndPathFiltersSelectWhichRequestsDrawTheFault() throws Exception {
        FaultProxy proxy = proxy(1, FaultRule.of(UNAVAILABLE_BEFORE, 1.0).onMethods("post").onPaths("/ec.*"));
        HttpResponse<byte[]> postEcho = client.send(HttpRequest.newBuilder(proxy.baseUri().resolve("/echo?a=b"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> getEcho = get(proxy, "/echo");
        HttpResponse<byte[]> postJson = client.send(HttpRequest.newBuilder(proxy.baseUri().resolve("/json"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(postEcho.statusCode()).as("POST /echo matches both filters").isEqualTo(503);
        assertThat(getEcho.statusCode()).as("GET: other method").isEqualTo(200);
        assertThat(postJson.statusCode()).as("/json: other path").isEqualTo(200);
        assertThat(proxy.tally().faultsByRoute()).containsOnlyKeys("POST /echo");
    }

    @Test
    void theSeedMakesTheFaultsRepeatableWhateverTheOrderOfDifferentRequests() throws Exception {
        FaultRule halfAndHalf = FaultRule.of(UNAVAILABLE_BEFORE, 0.5);
        List<String> targets = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 10; i++) {
                targets.add("/json?i=" + i);
            }
        }
        Map<String, List<Integer>> first = statusesPerTarget(proxy(7, halfAndHalf), targets);
        // Same seed, requests in another order: each request line still meets the same faults at its n-th occurrence.
        List<String> reordered = new ArrayList<>(targets);
        Collections.reverse(reordered);
        Map<String, List<Integer>> again = statusesPerTarget(proxy(7, halfAndHalf), reordered);
        Map<String, List<Integer>> otherSeed = statusesPerTarget(proxy(8, halfAndHalf), targets);

        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
        long faults = first.values().stream().flatMap(List::stream).filter(s -> s == 503).count();
        assertThat(faults).as("503s among 40 requests at 50 %").isBetween(1L, 39L);
    }

    private Map<String, List<Integer>> statusesPerTarget(FaultProxy proxy, List<String> targets) throws Exception {
        Map<String, List<Integer>> statuses = new java.util.TreeMap<>();
        for (String target : targets) {
            statuses.computeIfAbsent(target, t -> new ArrayList<>()).add(get(proxy, target).statusCode());
        }
        return statuses;
    }

    @Test
    void probabilitiesOfMatchingRulesShareOneDraw() throws Exception {
        FaultProxy proxy = proxy(3, FaultRule.of(UNAVAILABLE_BEFORE, 0.5), FaultRule.of(HTML, 0.5));
        for (int i = 0; i < 40; i++) {
            get(proxy, "/json?i=" + i);
        }
        FaultTally tally = proxy.tally();
        assertThat(tally.count(UNAVAILABLE_BEFORE) + tally.count(HTML)).as("every request draws exactly one of two rules at 50 % + 50 %")
                .isEqualTo(40);
        assertThat(tally.count(UNAVAILABLE_BEFORE)).isPositive();
        assertThat(tally.count(HTML)).isPositive();
    }

    @Test
    void countsPerKindAndRouteAndTheSummaryLine() throws Exception {
        FaultProxy proxy = proxy(1, FaultRule.of(UNAVAILABLE_AFTER, 1.0).onPaths("/api/replays/\\d+"));
        get(proxy, "/api/replays/17");
        get(proxy, "/api/replays/18?x=1");
        get(proxy, "/api/replays");

        FaultTally tally = proxy.tally();
        assertThat(tally.counts()).isEqualTo(Map.of(UNAVAILABLE_AFTER, 2L));
        assertThat(tally.faultsByRoute()).isEqualTo(Map.of("GET /api/replays/{id}", Map.of(UNAVAILABLE_AFTER, 2L)));
        assertThat(tally.requestsByRoute()).isEqualTo(Map.of("GET /api/replays/{id}", 2L, "GET /api/replays", 1L));
        assertThat(proxy.summary()).contains("3 requests, 3 forwarded, 0 upstream errors; injected 2: 503-after=2")
                .contains("seed 1").contains("503-after 100.0% paths /api/replays/\\d+");
        assertThat(tally.routeSummary()).isEqualTo("GET /api/replays/{id} 2 requests: 503-after=2");
    }

    // --- pause, resume, retarget ---

    @Test
    void pauseAnswering503KeepsRequestsFromTheUpstreamUntilResumed() throws Exception {
        FaultProxy proxy = proxy(1);
        proxy.pause(FaultProxy.PauseMode.ANSWER_503);
        int paused = get(proxy, "/json").statusCode();
        int upstreamHitsWhilePaused = hitsOf("/json");
        proxy.resume();
        int resumed = get(proxy, "/json").statusCode();

        assertThat(paused).isEqualTo(503);
        assertThat(upstreamHitsWhilePaused).isZero();
        assertThat(resumed).isEqualTo(200);
        assertThat(proxy.tally().count(FaultKind.PAUSED)).isEqualTo(1);
    }

    @Test
    void pauseRefusingConnectionsLooksLikeARestartOnTheSamePort() throws Exception {
        FaultProxy proxy = proxy(1);
        try (Socket kept = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            kept.setSoTimeout(30_000);
            kept.getOutputStream().write("GET /text HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(Raw.readOne(kept.getInputStream()).statusLine()).isEqualTo("HTTP/1.1 200 OK");

            proxy.pause(FaultProxy.PauseMode.REFUSE);
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), proxy.port()).close())
                    .isInstanceOf(ConnectException.class);
            assertThat(Raw.readAll(kept.getInputStream()).ending()).as("the kept-alive connection ends").isNotEqualTo(Raw.Ending.COMPLETE);
        }
        proxy.resume();
        assertThat(get(proxy, "/json").statusCode()).isEqualTo(200);
    }

    @Test
    void retargetPointsAtARestartedUpstream() throws Exception {
        FaultProxy proxy = proxy(1);
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", e -> send(e, 200, "text/plain", "the other one".getBytes(StandardCharsets.UTF_8)));
        other.start();
        try {
            proxy.retarget(URI.create("http://127.0.0.1:" + other.getAddress().getPort()));
            assertThat(new String(get(proxy, "/json").body(), StandardCharsets.UTF_8)).isEqualTo("the other one");
        } finally {
            other.stop(0);
        }
        assertThat(proxy.summary()).contains("-> http://127.0.0.1:" + other.getAddress().getPort());
    }

    @Test
    void anUpstreamThatIsDownIsABadGatewayNotAFault() throws Exception {
        FaultProxy proxy = proxy(1);
        int port = upstream.getAddress().getPort();
        upstream.stop(0);
        HttpResponse<byte[]> answer = get(proxy, "/json");

        assertThat(answer.statusCode()).as("upstream on port %d stopped", port).isEqualTo(502);
        assertThat(proxy.tally().upstreamErrors()).isEqualTo(1);
        assertThat(proxy.tally().injected()).isZero();
    }

    @Test
    void onlyLoopbackUpstreamsAreAccepted() {
        assertThatThrownBy(() -> FaultProxy.to(URI.create("http://192.0.2.1:8080")).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> FaultRule.of(STALL, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    /** An HTTP answer read off a raw socket, with how the connection ended: what a pooled client library would see. */
    private record Raw(byte[] bytes, Ending ending) {
        enum Ending { COMPLETE, EOF, RESET }

        static Raw exchange(FaultProxy proxy, String request) throws IOException {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                return readAll(socket.getInputStream());
            }
        }

        /** Everything until the connection ends. */
        static Raw readAll(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    bytes.write(buffer, 0, n);
                }
                return new Raw(bytes.toByteArray(), Ending.EOF);
            } catch (SocketException e) {
                return new Raw(bytes.toByteArray(), Ending.RESET);
            }
        }

        /** One answer framed by Content-Length, leaving the connection open. */
        static Raw readOne(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            while (!bytes.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return new Raw(bytes.toByteArray(), Ending.EOF);
                }
                bytes.write(b);
            }
            Raw head = new Raw(bytes.toByteArray(), Ending.COMPLETE);
            bytes.write(in.readNBytes(head.declaredLength()));
            return new Raw(bytes.toByteArray(), Ending.COMPLETE);
        }

        String head() {
            String all = new String(bytes, StandardCharsets.ISO_8859_1);
            int end = all.indexOf("\r\n\r\n");
            return end < 0 ? all : all.substring(0, end);
        }

        String statusLine() {
            return head().split("\r\n", 2)[0];
        }

        int declaredLength() {
            for (String line : head().split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    return Integer.parseInt(line.substring("content-length:".length()).trim());
                }
            }
            return -1;
        }

        byte[] body() {
            int start = head().length() + 4;
            return start > bytes.length ? new byte[0] : java.util.Arrays.copyOfRange(bytes, start, bytes.length);
        }

        String text() {
            return new String(body(), StandardCharsets.UTF_8);
        }
    }
}
