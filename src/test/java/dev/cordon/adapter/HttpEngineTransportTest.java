package dev.cordon.adapter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine's transport (Apache HttpClient 5 behind {@link Transport}) against a scripted server: framing, keep-alive,
 * what it does with a closed connection, and the two timeouts (silence, and the whole-answer deadline).
 */
class HttpEngineTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final List<AutoCloseable> open = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requestLines = java.util.Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void aDirectRouteNamesTheSchemesPortWhenTheUrlDoesNot() {
        var https = PooledTransport.directRoute(new org.apache.hc.core5.http.HttpHost("https", "staging.example.test", -1));
        assertThat(https.getTargetHost().getPort()).isEqualTo(443);
        assertThat(https.isSecure()).as("TLS for https").isTrue();
        var http = PooledTransport.directRoute(new org.apache.hc.core5.http.HttpHost("http", "staging.example.test", -1));
        assertThat(http.getTargetHost().getPort()).isEqualTo(80);
        assertThat(http.isSecure()).isFalse();
        assertThat(PooledTransport.directRoute(new org.apache.hc.core5.http.HttpHost("https", "127.0.0.1", 8443)).getTargetHost().getPort())
                .isEqualTo(8443);
    }

    /** A server that answers each request on a connection with the next scripted answer; null closes the connection. */
    private URI server(Function<Integer, String> answerForRequest) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        open.add(server);
        AtomicInteger served = new AtomicInteger();
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> serve(socket, answerForRequest, served));
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void serve(Socket socket, Function<Integer, String> answers, AtomicInteger served) {
        try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))) {
            OutputStream out = socket.getOutputStream();
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    return;
                }
                requestLines.add(line);
                int length = 0;
                String header;
                while (!(header = in.readLine()).isEmpty()) {
                    if (header.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(header.substring(15).trim());
                    }
                }
                in.skip(length);
                String answer = answers.apply(served.incrementAndGet());
                if (answer == null) {
                    return;
                }
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (answer.contains("Connection: close")) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static Transport client() {
        return client(TIMEOUT, TIMEOUT.multipliedBy(4));
    }

    private static Transport client(Duration readTimeout, Duration deadline) {
        return new PooledTransport(TIMEOUT, readTimeout, deadline, Duration.ofSeconds(30), 4, Network.DIRECT, TlsContexts.build(Network.DIRECT));
    }

    private static Outgoing get(URI base, String path) {
        return new Outgoing(base.resolve(path)).setHeader("Accept", "application/json");
    }

    @Test
    void readsLengthDelimitedAndChunkedBodiesOnOneKeptAliveConnection() throws Exception {
        URI base = server(n -> n == 1
                ? "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
                : "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\n{\"b\r\n4\r\n\":2}\r\n0\r\nTrailer: t\r\n\r\n");
        Transport client = client();
        Transport.Answer first = client.exchange(get(base, "/one?x=%20y"), true);
        Transport.Answer second = client.exchange(get(base, "/two"), true);

        assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThat(first.headers().get("Content-Type")).containsExactly("application/json");
        assertThat(new String(second.body(), StandardCharsets.UTF_8)).isEqualTo("{\"b\":2}");
        assertThat(connections.get()).isEqualTo(1);
        assertThat(requestLines).containsExactly("GET /one?x=%20y HTTP/1.1", "GET /two HTTP/1.1");
    }

    @Test
    void noBodyFor204AndABodyUntilCloseWithoutFraming() throws Exception {
        URI base = server(n -> n == 1 ? "HTTP/1.1 204 No Content\r\n\r\n" : n == 2
                ? "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end" : null);
        Transport client = client();
        assertThat(client.exchange(get(base, "/a"), true).body()).isEmpty();
        assertThat(new String(client.exchange(get(base, "/b"), true).body(), StandardCharsets.UTF_8)).isEqualTo("until the end");
    }

    @Test
    void aHeaderSentTwiceKeepsBothValuesInOrderAndAnEmptyLengthIsAnEmptyBody() throws Exception {
        URI base = server(n -> n == 1
                ? "HTTP/1.1 200 OK\r\nCache-Control: private\r\nX-A: 1\r\nCache-Control: no-store\r\nContent-Length: 0\r\n\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");
        Transport client = client();
        Transport.Answer first = client.exchange(get(base, "/a"), true);
        assertThat(first.headers().get("Cache-Control")).containsExactly("private", "no-store");
        assertThat(first.headers().get("X-A")).containsExactly("1");
        assertThat(first.body()).isEmpty();
        assertThat(new String(client.exchange(get(base, "/b"), true).body(), StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void aTruncatedBodyIsNoAnswer() throws Exception {
        URI base = server(n -> n == 1 ? "HTTP/1.1 200 OK\r\nContent-Length: 50\r\nConnection: close\r\n\r\nshort" : null);
        assertThatThrownBy(() -> client().exchange(get(base, "/a"), true)).isInstanceOf(IOException.class);
    }

    @Test
    void aReusedConnectionTheServerClosedIsRetriedFreshOnlyForIdempotentRequests() throws Exception {
        // The server answers once per connection, then closes it without a word: the pooled connection is stale.
        URI base = server(n -> n % 2 == 1 ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" : null);
        Transport client = client();
        client.exchange(get(base, "/first"), true);
        assertThat(new String(client.exchange(get(base, "/again"), true).body(), StandardCharsets.UTF_8)).isEqualTo("ok");

        client.exchange(get(base, "/third"), true);
        Outgoing write = new Outgoing(base.resolve("/write")).method("POST", "{}".getBytes(StandardCharsets.UTF_8));
        int before = requestLines.size();
        assertThatThrownBy(() -> client.exchange(write, false)).isInstanceOf(IOException.class);
        // The server read the write and closed without answering: it was sent once, and never again.
        assertThat(requestLines.subList(before, requestLines.size())).as("the write was not sent again")
                .containsExactly("POST /write HTTP/1.1");
    }

    @Test
    void anIdempotentRequestWithABodyIsSentWholeOnceMoreWhenItsPooledConnectionWasStale() throws Exception {
        // A login is a POST the engine may repeat: on a stale connection it goes again, body and framing as the first time.
        URI base = server(n -> n % 2 == 1 ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" : null);
        Transport client = client();
        client.exchange(get(base, "/first"), true);
        Outgoing login = new Outgoing(base.resolve("/login")).method("POST", "{\"u\":\"a\"}".getBytes(StandardCharsets.UTF_8));
        int before = requestLines.size();
        assertThat(new String(client.exchange(login, true).body(), StandardCharsets.UTF_8)).isEqualTo("ok");
        assertThat(requestLines.subList(before, requestLines.size())).as("sent on the stale connection, then on a fresh one")
                .containsExactly("POST /login HTTP/1.1", "POST /login HTTP/1.1");
    }

    @Test
    void aHeadLongerThanTheReadBufferIsParsedWhole() throws Exception {
        String big = "v".repeat(40_000);
        URI base = server(n -> "HTTP/1.1 200 OK\r\nX-Big: " + big + "\r\nContent-Length: 2\r\n\r\nok");
        Transport client = client();
        Transport.Answer answer = client.exchange(get(base, "/big"), true);
        assertThat(answer.headers().get("X-Big")).containsExactly(big);
        assertThat(new String(client.exchange(get(base, "/again"), true).body(), StandardCharsets.UTF_8)).isEqualTo("ok");
    }

    @Test
    void aTargetSilentForLongerThanTheReadTimeoutIsATimeoutNotAStaleConnection() throws Exception {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        open.add(server);
        List<Socket> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread accept = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(server.accept()); // reads nothing, answers nothing
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        });
        accept.setDaemon(true);
        accept.start();
        Transport client = client(Duration.ofMillis(300), Duration.ofSeconds(20));
        long started = System.nanoTime();
        assertThatThrownBy(() -> client.exchange(get(URI.create("http://127.0.0.1:" + server.getLocalPort()), "/silent"), true))
                .isInstanceOf(java.net.SocketTimeoutException.class).hasMessageContaining("300 ms");
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(millis).as("ended by the read timeout, not before it").isBetween(290L, 4_000L);
        for (Socket s : accepted) {
            s.close();
        }
    }

    @Test
    void anAnswerThatKeepsArrivingIsNotCutByTheReadTimeout() throws Exception {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        open.add(server);
        Thread serve = new Thread(() -> {
            try (Socket socket = server.accept()) {
                socket.getInputStream().read(new byte[4096]);
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                for (int i = 0; i < 8; i++) { // 8 bytes over ~1.2 s, never silent for 300 ms
                    Thread.sleep(150);
                    out.write('x');
                    out.flush();
                }
                Thread.sleep(200);
            } catch (IOException | InterruptedException e) {
                // the client went away
            }
        });
        serve.setDaemon(true);
        serve.start();
        Transport client = client(Duration.ofMillis(300), Duration.ofSeconds(20));
        Transport.Answer answer = client.exchange(get(URI.create("http://127.0.0.1:" + server.getLocalPort()), "/trickle"), true);
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("xxxxxxxx");
    }

    @Test
    void anAnswerTricklingPastItsDeadlineIsATimeoutAndTheEngineDoesNotAskAgain() throws Exception {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        open.add(server);
        AtomicInteger asked = new AtomicInteger();
        Thread serve = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    asked.incrementAndGet();
                    socket.getInputStream().read(new byte[4096]);
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    for (int i = 0; i < 1000; i++) { // a byte every 100 ms: never silent for the 300 ms read timeout
                        Thread.sleep(100);
                        out.write('x');
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // the client gave up on the answer
                }
            }
        });
        serve.setDaemon(true);
        serve.start();
        HttpEngine engine = new HttpEngine(TIMEOUT, Duration.ofMillis(300), Duration.ofMillis(900), 4,
                new HttpEngine.RetryPolicy(3, Duration.ofMillis(10), 100), Duration.ofSeconds(30), Network.DIRECT);
        open.add(engine);
        long started = System.nanoTime();
        assertThatThrownBy(() -> engine.send(get(URI.create("http://127.0.0.1:" + server.getLocalPort()), "/trickle"), "GET /trickle", true))
                .isInstanceOf(TargetUnavailableException.class).hasMessageContaining("not whole within 900 ms")
                .hasMessageContaining("answerDeadlineMillis");
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(millis).as("ended by the deadline, not by the read timeout nor by the end of the answer").isBetween(880L, 5_000L);
        assertThat(asked.get()).as("a missed deadline is not retried").isEqualTo(1);
        assertThat(engine.deadlinesMissed()).isEqualTo(1);
    }

    @Test
    void aPlainTargetIsSentAsItIsAndAnythingElseIsResolvedAsAUri() {
        URI base = URI.create("http://127.0.0.1:8080/prefix/");
        Outgoing plain = new Outgoing(base, "/api/replays?page=1&size=2");
        assertThat(plain.target()).isEqualTo("/api/replays?page=1&size=2");
        assertThat(plain.uri()).isEqualTo(URI.create("http://127.0.0.1:8080/api/replays?page=1&size=2"));
        assertThat(new Outgoing(base, "relative?x=1").target()).isEqualTo("/prefix/relative?x=1");
        assertThat(new Outgoing(base, "/a#fragment").target()).isEqualTo("/a");
        assertThatThrownBy(() -> new Outgoing(base, "/a b\r\nX-Injected: yes")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headersThatWouldSplitTheRequestAreRefused() {
        Outgoing request = new Outgoing(URI.create("http://127.0.0.1:1/"));
        assertThatThrownBy(() -> request.setHeader("X-Patient-Id", "1\r\nX-Injected: yes")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> request.setHeader("Host", "elsewhere")).isInstanceOf(IllegalArgumentException.class);
    }
}
