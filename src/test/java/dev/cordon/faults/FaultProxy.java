package dev.cordon.faults;

import dev.cordon.faults.HttpWire.Head;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A test tool: an HTTP/1.1 proxy on 127.0.0.1 in front of one upstream on the loopback interface, which injects a
 * configured mix of faults (see {@link FaultKind}) the way a flaky staging, its load balancer or a restart would.
 * <p>
 * Deterministic from a seed: whether a request draws a fault depends only on the seed, the request line (method and
 * target, query included) and how many times that request line was seen before — not on thread timing — so the same
 * sequence of requests per request line meets the same faults in every run. The matching rules share one draw, in the
 * order they were added: a request draws at most one fault, and each rule fires with its own probability as long as
 * the probabilities of the rules matching one request add up to at most 1.
 * <p>
 * Client connections are kept alive (HTTP/1.1 persistent connections, so pooled clients reuse them) until the client
 * asks to close, a fault ends the connection, or it is idle for the idle timeout. Every request goes to the upstream on
 * a fresh connection with "Connection: close". Bodies pass byte for byte; chunked bodies are re-framed with
 * Content-Length; hop-by-hop headers (Connection, Keep-Alive, Transfer-Encoding, TE, Trailer, Upgrade, Expect) are
 * not passed on; every other header (Authorization, Cookie, Range, Set-Cookie, ...) is.
 */
public final class FaultProxy implements AutoCloseable {
    /** How a paused upstream looks to clients: answering 503 without forwarding, or refusing connections. */
    public enum PauseMode { ANSWER_503, REFUSE }

    private static final long ACCEPTOR_END_MILLIS = 5_000;
    private static final String MAINTENANCE_JSON = "{\"status\":\"maintenance\"}";
    private static final String HTML_PAGE = """
            <!DOCTYPE html>
            <html><head><title>Service temporarily unavailable</title></head>
            <body><h1>We'll be back soon</h1><p>The service is undergoing maintenance. Please try again later.</p></body></html>
            """;

    private final long seed;
    private final List<FaultRule> rules;
    private final int connectTimeoutMillis;
    private final int upstreamReadTimeoutMillis;
    private final int idleTimeoutMillis;
    private final FaultTally tally = new FaultTally();
    private final ConcurrentMap<String, AtomicLong> seen = new ConcurrentHashMap<>();
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final int port;
    private volatile InetSocketAddress upstream;
    private volatile ServerSocket server;
    private volatile Thread acceptor;
    private volatile PauseMode paused;
    private volatile boolean closed;

    private FaultProxy(Builder b) throws IOException {
        this.seed = b.seed;
        this.rules = List.copyOf(b.rules);
        this.connectTimeoutMillis = (int) b.connectTimeout.toMillis();
        this.upstreamReadTimeoutMillis = (int) b.upstreamReadTimeout.toMillis();
        this.idleTimeoutMillis = (int) b.idleTimeout.toMillis();
        this.upstream = loopback(b.upstream);
        this.server = bind(0);
        this.port = server.getLocalPort();
        accept(server);
    }

    /** Starts building a proxy in front of this upstream (http, on 127.0.0.1 or ::1). */
    public static Builder to(URI upstream) {
        return new Builder(upstream);
    }

    public static final class Builder {
        private final URI upstream;
        private long seed;
        private final List<FaultRule> rules = new ArrayList<>();
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration upstreamReadTimeout = Duration.ofSeconds(60);
        private Duration idleTimeout = Duration.ofSeconds(60);

        private Builder(URI upstream) {
            this.upstream = upstream;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder inject(FaultRule... rules) {
            this.rules.addAll(List.of(rules));
            return this;
        }

        public Builder inject(List<FaultRule> rules) {
            this.rules.addAll(rules);
            return this;
        }

        /** How long the proxy waits for the upstream's answer before answering 504 itself. */
        public Builder upstreamReadTimeout(Duration timeout) {
            this.upstreamReadTimeout = timeout;
            return this;
        }

        /** How long an idle client connection is kept open. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        public FaultProxy start() throws IOException {
            return new FaultProxy(this);
        }
    }

    /** Where clients connect: http://127.0.0.1:PORT (the port stays the same across pause and resume). */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public FaultTally tally() {
        return tally;
    }

    public List<FaultRule> rules() {
        return rules;
    }

    /** The fault mix in words, e.g. "503-before 10.0%, 503-after 10.0%". */
    public String mix() {
        return rules.isEmpty() ? "no faults" : rules.stream().map(FaultRule::toString).collect(Collectors.joining(", "));
    }

    /** One line for logs: where, the seed, the mix and what happened so far. */
    public String summary() {
        return "fault proxy %s -> %s seed %d [%s]: %s".formatted(baseUri(), upstreamUri(), seed, mix(), tally.summary());
    }

    /** Points the proxy at another upstream (a restarted service on a new port); connections in flight finish as they are. */
    public void retarget(URI newUpstream) {
        this.upstream = loopback(newUpstream);
    }

    private URI upstreamUri() {
        InetSocketAddress up = upstream;
        return URI.create("http://" + up.getAddress().getHostAddress() + ":" + up.getPort());
    }

    /**
     * Makes the upstream look down until {@link #resume()}: with ANSWER_503 every request is answered 503 without
     * forwarding (counted as {@link FaultKind#PAUSED}); with REFUSE the listening socket is closed and every open
     * client connection reset, so clients see "connection refused" as from a restarting service.
     */
    public synchronized void pause(PauseMode mode) {
        if (paused != null) {
            throw new IllegalStateException("already paused (" + paused + ")");
        }
        paused = mode;
        if (mode == PauseMode.REFUSE) {
            closeQuietly(server);
            // A close does not end an accept() already blocked in another thread at once: until that thread wakes,
            // the port may still take a connection. Wait for the acceptor to end, so the port refuses on return.
            awaitAcceptorEnd();
            for (Socket client : clients) {
                reset(client);
            }
        }
    }

    /** Ends a pause: answers again, on the same port. */
    public synchronized void resume() throws IOException {
        PauseMode was = paused;
        if (was == PauseMode.REFUSE && !closed) {
            server = bind(port);
            accept(server);
        }
        paused = null;
    }

    public boolean paused() {
        return paused != null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeQuietly(server);
        for (Socket client : clients) {
            closeQuietly(client);
        }
        workers.shutdownNow();
    }

    // --- connections ---

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        return socket;
    }

    private void awaitAcceptorEnd() {
        Thread running = acceptor;
        if (running == null) {
            return;
        }
        try {
            running.join(ACCEPTOR_END_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept(ServerSocket listening) {
        Thread thread = new Thread(() -> {
            while (!listening.isClosed()) {
                try {
                    Socket client = listening.accept();
                    if (paused == PauseMode.REFUSE) {
                        reset(client); // taken in the moment between close and wake-up: refused like the rest
                        continue;
                    }
                    clients.add(client);
                    workers.execute(() -> serve(client));
                } catch (IOException | java.util.concurrent.RejectedExecutionException e) {
                    // closed by pause(REFUSE) or close(): this acceptor ends
                }
            }
        }, "fault-proxy-accept-" + port);
        thread.setDaemon(true);
        acceptor = thread;
        thread.start();
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(idleTimeoutMillis);
            client.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = new BufferedOutputStream(client.getOutputStream());
            while (!closed) {
                Head head = HttpWire.readHead(in);
                if (head == null) {
                    return;
                }
                String[] line = head.startLine().split(" ", 3);
                if (line.length != 3 || !line[2].startsWith("HTTP/1.")) {
                    writeSynthetic(out, 400, "Bad Request", "text/plain", "bad request line", false);
                    return;
                }
                if (head.hasToken("Expect", "100-continue")) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                byte[] body = HttpWire.readFramedBody(in, head);
                boolean keepAlive = "HTTP/1.1".equals(line[2]) ? !head.hasToken("Connection", "close") : head.hasToken("Connection", "keep-alive");
                Request request = new Request(line[0], line[1], head, body);
                if (!exchange(request, client, out, keepAlive)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away, idled out, or this proxy reset the connection on purpose
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            clients.remove(client);
        }
    }

    private record Request(String method, String target, Head head, byte[] body) {
        String path() {
            int q = target.indexOf('?');
            String p = q >= 0 ? target.substring(0, q) : target;
            if (p.startsWith("http://") || p.startsWith("https://")) {
                p = URI.create(p).getRawPath();
            }
            return p;
        }
    }

    private record Response(String statusLine, int status, Head head, byte[] body, boolean bodyless) {
        boolean json() {
            String type = head.header("Content-Type");
            return type != null && type.toLowerCase(Locale.ROOT).contains("json");
        }
    }

    /** Answers one request; false if the client connection must end. */
    private boolean exchange(Request request, Socket client, OutputStream out, boolean keepAlive) throws IOException, InterruptedException {
        String route = FaultTally.route(request.method(), request.path());
        tally.countRequest(route);
        if (paused == PauseMode.ANSWER_503) {
            tally.countInjected(FaultKind.PAUSED, route);
            writeSynthetic(out, 503, "Service Unavailable", "text/plain", "503 Service Unavailable (paused)", keepAlive);
            return keepAlive;
        }
        FaultRule rule = draw(request);
        FaultKind kind = rule == null ? null : rule.kind();
        if (kind == FaultKind.UNAVAILABLE_BEFORE) {
            tally.countInjected(kind, route);
            writeSynthetic(out, 503, "Service Unavailable", "text/plain", "503 Service Unavailable", keepAlive);
            return keepAlive;
        }
        if (kind == FaultKind.RESET_BEFORE_FORWARDING) {
            tally.countInjected(kind, route);
            reset(client);
            return false;
        }
        Response response;
        try {
            response = forward(request);
            tally.countForwarded();
        } catch (SocketTimeoutException e) {
            tally.countUpstreamError();
            writeSynthetic(out, 504, "Gateway Timeout", "text/plain", "504 Gateway Timeout", keepAlive);
            return keepAlive;
        } catch (IOException e) {
            tally.countUpstreamError();
            writeSynthetic(out, 502, "Bad Gateway", "text/plain", "502 Bad Gateway", keepAlive);
            return keepAlive;
        }
        if (kind == null) {
            writeResponse(out, response, response.body(), keepAlive);
            return keepAlive;
        }
        switch (kind) {
            case UNAVAILABLE_AFTER -> {
                tally.countInjected(kind, route);
                writeSynthetic(out, 503, "Service Unavailable", "text/plain", "503 Service Unavailable", keepAlive);
                return keepAlive;
            }
            case RESET_AFTER_FORWARDING -> {
                tally.countInjected(kind, route);
                reset(client);
                return false;
            }
            case RESET_MID_BODY -> {
                tally.countInjected(kind, route);
                byte[] body = response.bodyless() ? new byte[0] : response.body();
                writeHead(out, response, body.length, keepAlive);
                out.write(body, 0, body.length / 2);
                out.flush();
                reset(client);
                return false;
            }
            case STALL -> {
                tally.countInjected(kind, route);
                Thread.sleep(rule.stallMillis());
                writeResponse(out, response, response.body(), keepAlive);
                return keepAlive;
            }
            case TRICKLE -> {
                tally.countInjected(kind, route);
                java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
                byte[] body = response.bodyless() ? new byte[0] : response.body();
                writeHead(whole, response, body.length, false);
                whole.write(body);
                for (byte b : whole.toByteArray()) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(rule.stallMillis()); // an IOException once the client gave up ends the answer
                }
                return false;
            }
            case TRUNCATE -> {
                tally.countInjected(kind, route);
                byte[] body = response.bodyless() ? new byte[0] : response.body();
                writeHead(out, response, Math.max(body.length, 1), false);
                out.write(body, 0, body.length / 2);
                out.flush();
                client.shutdownOutput(); // an orderly end (FIN): the client sees a short body, not a reset
                return false;
            }
            case WRONG_SHAPE -> {
                if (response.status() == 200 && response.json() && !response.bodyless()) {
                    tally.countInjected(kind, route);
                    writeResponse(out, response, MAINTENANCE_JSON.getBytes(StandardCharsets.UTF_8), keepAlive);
                } else {
                    writeResponse(out, response, response.body(), keepAlive);
                }
                return keepAlive;
            }
            case HTML -> {
                tally.countInjected(kind, route);
                writeSynthetic(out, 200, "OK", "text/html; charset=utf-8", HTML_PAGE, keepAlive);
                return keepAlive;
            }
            default -> throw new IllegalStateException("unhandled fault " + kind);
        }
    }

    /** The rule this request draws, if any: one uniform draw from (seed, request line, occurrence) against the matching rules. */
    private FaultRule draw(Request request) {
        String line = request.method() + " " + request.target();
        long occurrence = seen.computeIfAbsent(line, l -> new AtomicLong()).getAndIncrement();
        double u = unit(seed, line + "#" + occurrence);
        double cumulative = 0;
        String path = request.path();
        for (FaultRule rule : rules) {
            if (rule.matches(request.method(), path)) {
                cumulative += rule.probability();
                if (u < cumulative) {
                    return rule;
                }
            }
        }
        return null;
    }

    /** A uniform number in [0, 1) from the seed and a key: FNV-1a over the key's bytes, then the SplitMix64 finalizer. */
    static double unit(long seed, String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        long z = h ^ (seed * 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }

    private Response forward(Request request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(upstream, connectTimeoutMillis);
            socket.setSoTimeout(upstreamReadTimeoutMillis);
            socket.setTcpNoDelay(true);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            Head head = request.head();
            Set<String> named = connectionTokens(head);
            List<String[]> headers = new ArrayList<>();
            for (String[] h : head.headers()) {
                if (!HttpWire.hopByHop(h[0]) && !named.contains(h[0].toLowerCase(Locale.ROOT))) {
                    headers.add(h);
                }
            }
            if (request.body().length > 0 || head.header("Content-Length") != null || head.header("Transfer-Encoding") != null) {
                headers.add(new String[]{"Content-Length", Integer.toString(request.body().length)});
            }
            headers.add(new String[]{"Connection", "close"});
            HttpWire.writeHead(out, request.method() + " " + request.target() + " HTTP/1.1", headers);
            out.write(request.body());
            out.flush();

            InputStream in = new BufferedInputStream(socket.getInputStream());
            Head answer;
            int status;
            do {
                answer = HttpWire.readHead(in);
                if (answer == null) {
                    throw new IOException("the upstream closed the connection without answering");
                }
                status = statusOf(answer.startLine());
            } while (status >= 100 && status < 200); // interim answers (100 Continue) are not passed on
            boolean bodyless = "HEAD".equalsIgnoreCase(request.method()) || status == 204 || status == 304;
            byte[] body;
            if (bodyless) {
                body = new byte[0];
            } else if (answer.hasToken("Transfer-Encoding", "chunked") || answer.header("Content-Length") != null) {
                body = HttpWire.readFramedBody(in, answer);
            } else {
                body = in.readAllBytes(); // framed by the end of the connection
            }
            return new Response(answer.startLine(), status, answer, body, bodyless);
        }
    }

    private static int statusOf(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        try {
            return Integer.parseInt(parts[1]);
        } catch (RuntimeException e) {
            throw new IOException("malformed status line from the upstream");
        }
    }

    private static Set<String> connectionTokens(Head head) {
        String connection = head.header("Connection");
        if (connection == null) {
            return Set.of();
        }
        return java.util.Arrays.stream(connection.split(",")).map(t -> t.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    // --- answers to the client ---

    private static void writeResponse(OutputStream out, Response response, byte[] body, boolean keepAlive) throws IOException {
        writeHead(out, response, body.length, keepAlive);
        if (!response.bodyless()) {
            out.write(body);
        }
        out.flush();
    }

    /** The upstream's status line and end-to-end headers, framed for this connection with the given Content-Length. */
    private static void writeHead(OutputStream out, Response response, int contentLength, boolean keepAlive) throws IOException {
        Set<String> named = connectionTokens(response.head());
        List<String[]> headers = new ArrayList<>();
        for (String[] h : response.head().headers()) {
            if (!HttpWire.hopByHop(h[0]) && !named.contains(h[0].toLowerCase(Locale.ROOT))) {
                headers.add(h);
            }
        }
        if (response.bodyless()) {
            String declared = response.head().header("Content-Length");
            if (declared != null && response.status() != 204) {
                headers.add(new String[]{"Content-Length", declared});
            }
        } else {
            headers.add(new String[]{"Content-Length", Integer.toString(contentLength)});
        }
        headers.add(new String[]{"Connection", keepAlive ? "keep-alive" : "close"});
        HttpWire.writeHead(out, response.statusLine(), headers);
    }

    private static void writeSynthetic(OutputStream out, int status, String reason, String contentType, String text, boolean keepAlive)
            throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        HttpWire.writeHead(out, "HTTP/1.1 " + status + " " + reason, List.of(
                new String[]{"Content-Type", contentType},
                new String[]{"Cache-Control", "no-store"},
                new String[]{"Content-Length", Integer.toString(body.length)},
                new String[]{"Connection", keepAlive ? "keep-alive" : "close"}));
        out.write(body);
        out.flush();
    }

    /** Closes with SO_LINGER 0: the peer gets a TCP reset instead of an orderly end. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception ignored) {
            // closing is best effort
        }
    }

    private static InetSocketAddress loopback(URI uri) {
        if (uri == null || !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("the upstream must be an http URI such as http://127.0.0.1:8080, was " + uri);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown upstream host " + uri.getHost(), e);
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the fault proxy only forwards to the loopback interface, not " + uri.getHost());
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        return new InetSocketAddress(address, port);
    }
}
