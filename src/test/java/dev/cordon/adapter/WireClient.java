package dev.cordon.adapter;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * THE OLD HAND-WRITTEN TRANSPORT, back only for the side-by-side measurement (ci/benchmark.sh --clients); plain HTTP only.
 * Plain-HTTP/1.1 transport for {@link HttpEngine}: the calling thread writes the request and reads the answer on a
 * pooled keep-alive socket itself. The JDK client hands every exchange between the caller, its selector thread and an
 * executor; on two cores those hand-offs cost more than the target takes to answer (docs/benchmarks.md has the profile).
 * <p>
 * A pooled connection idle for longer than {@code keepAliveIdle} is closed rather than reused (servers close idle
 * connections; reusing one that was just closed loses the request). A reused connection that fails before any byte of
 * the answer arrived is retried once on a fresh connection for an idempotent request only; a write is never resent
 * here (the engine reports it as unanswered and the seeder reconciles). Reads block without SO_TIMEOUT; the read
 * timeout (silence from the target for that long during an exchange) is the {@link Watchdog}'s, and is reported as a
 * {@link java.net.SocketTimeoutException}.
 */
final class WireClient implements Transport {
    /** A protocol bound, not a tuning knob: a status line and headers larger than this are not an HTTP answer we accept. */
    private static final int MAX_HEAD_BYTES = 256 * 1024;
    private static final int BUFFER_BYTES = 16 * 1024;

    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final long keepAliveIdleNanos;
    private final Map<String, ConcurrentLinkedDeque<Connection>> idle = new ConcurrentHashMap<>();

    WireClient(Duration connectTimeout, Duration readTimeout, Duration keepAliveIdle) {
        this.connectTimeoutMillis = (int) connectTimeout.toMillis();
        this.readTimeoutMillis = (int) readTimeout.toMillis();
        this.keepAliveIdleNanos = keepAliveIdle.toNanos();
    }

    @Override
    public void close() {
    }

    @Override
    public Answer exchange(Outgoing request, boolean idempotent) throws IOException {
        URI uri = request.origin();
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        String origin = uri.getHost() + ":" + port;
        Connection connection = pooled(origin);
        boolean reused = connection != null;
        if (connection == null) {
            connection = open(uri.getHost(), port);
        }
        try {
            return exchange(connection, origin, request);
        } catch (StaleConnection e) {
            connection.close();
            if (!reused || !idempotent) {
                throw e;
            }
            Connection fresh = open(uri.getHost(), port);
            try {
                return exchange(fresh, origin, request);
            } catch (IOException | RuntimeException again) {
                fresh.close();
                throw again;
            }
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private Answer exchange(Connection connection, String origin, Outgoing request) throws IOException {
        Answer answer;
        boolean reusable;
        Watchdog.watch(connection);
        try {
            try {
                write(connection.out, origin, request);
            } catch (java.net.SocketException e) {
                throw new StaleConnection(); // a broken pipe: the server had closed the connection
            }
            Head head = readHead(connection);
            while (head.status >= 100 && head.status < 200) {
                head = readHead(connection); // an interim answer (100 Continue, 103 Early Hints): the real one follows
            }
            reusable = head.keepAlive;
            byte[] body;
            if ("HEAD".equals(request.method()) || head.status == 204 || head.status == 304) {
                body = new byte[0];
            } else if (head.chunked) {
                body = readChunked(connection);
            } else if (head.contentLength >= 0) {
                body = connection.readBytes((int) head.contentLength);
                if (body.length < head.contentLength) {
                    throw new EOFException("the answer ended after " + body.length + " of " + head.contentLength + " bytes");
                }
            } else {
                body = connection.readToEnd(); // delimited by the end of the connection
                reusable = false;
            }
            answer = new Answer(head.status, head.headers, body);
        } catch (IOException e) {
            if (connection.expired()) {
                // The watchdog closed the socket: what looked like a closed or reset connection was the target's silence.
                throw new java.net.SocketTimeoutException("Read timed out: no byte from the target for " + readTimeoutMillis + " ms");
            }
            throw e;
        } finally {
            Watchdog.unwatch(connection);
        }
        if (reusable && connection.settle()) {
            connection.lastUsed = System.nanoTime();
            idle.computeIfAbsent(origin, k -> new ConcurrentLinkedDeque<>()).offerFirst(connection);
        } else {
            connection.close();
        }
        return answer;
    }

    /** The most recently used idle connection (the others age out), skipping those idle too long to trust. */
    private Connection pooled(String origin) {
        ConcurrentLinkedDeque<Connection> pool = idle.get(origin);
        if (pool == null) {
            return null;
        }
        long now = System.nanoTime();
        Connection c;
        while ((c = pool.pollFirst()) != null) {
            if (now - c.lastUsed < keepAliveIdleNanos) {
                return c;
            }
            c.close();
        }
        return null;
    }

    private Connection open(String host, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true); // a request is one write; waiting for an ACK before sending it only adds latency
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            // No SO_TIMEOUT: with one, every read is a non-blocking attempt, a poll() and a second read (three system
            // calls where one blocking read does); the Watchdog enforces the read timeout instead.
            return new Connection(socket, TimeUnit.MILLISECONDS.toNanos(readTimeoutMillis));
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static void write(OutputStream out, String origin, Outgoing request) throws IOException {
        URI uri = request.origin();
        String target = request.target();
        StringBuilder head = new StringBuilder(256).append(request.method()).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getPort() == -1 ? uri.getHost() : origin).append("\r\n");
        boolean agent = false;
        for (String[] h : request.headers()) {
            head.append(h[0]).append(": ").append(h[1]).append("\r\n");
            agent |= h[0].equalsIgnoreCase("User-Agent");
        }
        if (!agent) {
            head.append("User-Agent: cordon\r\n");
        }
        byte[] body = request.body();
        if (body != null || !("GET".equals(request.method()) || "HEAD".equals(request.method()))) {
            head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    private record Head(int status, Map<String, List<String>> headers, boolean keepAlive, boolean chunked, long contentLength) {
    }

    /**
     * The status line and headers, parsed from the connection's buffer: on two cores a byte-at-a-time read through a
     * synchronized stream and a regex per status line were a measurable share of the gate's CPU per page.
     */
    private static Head readHead(Connection in) throws IOException {
        int[] budget = {MAX_HEAD_BYTES};
        String statusLine = in.line(budget, true);
        int status = statusCode(statusLine);
        if (status < 0) {
            throw new IOException("not an HTTP/1.x answer: " + statusLine.substring(0, Math.min(statusLine.length(), 80)));
        }
        boolean http11 = statusLine.startsWith("HTTP/1.1");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String connection = null;
        String encoding = null;
        String length = null;
        String line;
        while (!(line = in.line(budget, false)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line in the answer");
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            List<String> values = headers.get(name);
            if (values == null) {
                headers.put(name, values = new ArrayList<>(1));
            }
            values.add(value);
            if (connection == null && name.equalsIgnoreCase("Connection")) {
                connection = value.toLowerCase(Locale.ROOT);
            } else if (encoding == null && name.equalsIgnoreCase("Transfer-Encoding")) {
                encoding = value.toLowerCase(Locale.ROOT);
            } else if (length == null && name.equalsIgnoreCase("Content-Length")) {
                length = value;
            }
        }
        boolean keepAlive = connection == null ? http11 : !connection.contains("close") && (http11 || connection.contains("keep-alive"));
        boolean chunked = encoding != null && encoding.contains("chunked");
        long contentLength = -1;
        if (length != null) {
            try {
                contentLength = Long.parseLong(length);
            } catch (NumberFormatException e) {
                throw new IOException("malformed Content-Length in the answer: " + length);
            }
            if (contentLength < 0 || contentLength > Integer.MAX_VALUE) {
                throw new IOException("unusable Content-Length in the answer: " + length);
            }
        }
        return new Head(status, headers, keepAlive, chunked, contentLength);
    }

    /** The three-digit code of an {@code HTTP/1.x NNN [reason]} status line, or -1 when the line is not one. */
    static int statusCode(String line) {
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' ' || (line.length() > 12 && line.charAt(12) != ' ')) {
            return -1;
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }

    private static byte[] readChunked(Connection in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int[] budget = {MAX_HEAD_BYTES};
        while (true) {
            String sizeLine = in.line(budget, false);
            int semicolon = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size in the answer");
            }
            if (size < 0 || body.size() + size > Integer.MAX_VALUE) {
                throw new IOException("unusable chunk size in the answer");
            }
            if (size == 0) {
                while (!in.line(budget, false).isEmpty()) {
                    // trailers: not used
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readBytes((int) size);
            if (chunk.length < size) {
                throw new EOFException("the answer ended inside a chunk");
            }
            body.writeBytes(chunk);
            if (!in.line(budget, false).isEmpty()) {
                throw new IOException("a chunk of the answer is not followed by CRLF");
            }
        }
    }

    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int EXPIRED = 2;

    /**
     * The read timeout of every connection in an exchange: one daemon thread for the JVM looks every
     * {@value #TICK_MILLIS} ms and closes a connection on which the target has sent nothing for longer than its read
     * timeout, which ends the blocked read with an error that {@link #exchange} reports as a timeout.
     */
    private static final class Watchdog {
        private static final long TICK_MILLIS = 20;
        private static final java.util.Set<Connection> WATCHED = ConcurrentHashMap.newKeySet();
        private static volatile Thread thread;

        static void watch(Connection c) {
            c.lastProgress = System.nanoTime();
            c.state.set(BUSY);
            WATCHED.add(c);
            if (thread == null) {
                start();
            }
        }

        static void unwatch(Connection c) {
            WATCHED.remove(c);
        }

        private static synchronized void start() {
            if (thread != null) {
                return;
            }
            Thread t = new Thread(Watchdog::run, "cordon-read-timeouts");
            t.setDaemon(true);
            t.start();
            thread = t;
        }

        private static void run() {
            while (true) {
                try {
                    Thread.sleep(TICK_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                for (Connection c : WATCHED) {
                    if (now - c.lastProgress > c.readTimeoutNanos && c.state.compareAndSet(BUSY, EXPIRED)) {
                        c.close();
                    }
                }
            }
        }
    }

    /** A reused connection the server had closed: nothing of an answer arrived. */
    static final class StaleConnection extends IOException {
        StaleConnection() {
            super("the connection was closed before any answer arrived");
        }
    }

    /** One pooled socket, read through a buffer of its own (not synchronized: one caller holds a connection at a time). */
    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[BUFFER_BYTES];
        private int position;
        private int limit;
        private long lastUsed = System.nanoTime();
        /** How long the target may stay silent during an exchange before the Watchdog closes the connection. */
        private final long readTimeoutNanos;
        /** When the exchange in progress last sent or received a byte (System.nanoTime), read by the Watchdog. */
        private volatile long lastProgress;
        private final AtomicInteger state = new AtomicInteger(IDLE);

        Connection(Socket socket, long readTimeoutNanos) throws IOException {
            this.socket = socket;
            this.readTimeoutNanos = readTimeoutNanos;
            this.in = socket.getInputStream();
            this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES);
        }

        /** Refills an empty buffer; false at the end of the stream. */
        private boolean fill() throws IOException {
            if (position < limit) {
                return true;
            }
            position = 0;
            limit = 0;
            int n = in.read(buffer, 0, buffer.length);
            if (n <= 0) {
                return false;
            }
            lastProgress = System.nanoTime();
            limit = n;
            return true;
        }

        /**
         * One CRLF-terminated line (ISO-8859-1, as HTTP/1.1 heads are), charged to the head's budget; at the very start
         * of an answer, an end of stream or a reset before any byte means a stale connection.
         */
        String line(int[] budget, boolean startOfAnswer) throws IOException {
            ByteArrayOutputStream spill = null; // a line that runs past the buffered bytes
            while (true) {
                boolean more;
                try {
                    more = fill();
                } catch (java.net.SocketException e) {
                    if (startOfAnswer && spill == null) {
                        throw new StaleConnection(); // reset by a server that had closed the connection
                    }
                    throw e;
                }
                if (!more) {
                    if (startOfAnswer && spill == null) {
                        throw new StaleConnection();
                    }
                    throw new EOFException("the answer ended inside its head");
                }
                int end = position;
                while (end < limit && buffer[end] != '\n') {
                    end++;
                }
                int taken = end - position + (end < limit ? 1 : 0);
                budget[0] -= taken;
                if (budget[0] < 0) {
                    throw new IOException("the answer's head exceeds " + MAX_HEAD_BYTES + " bytes");
                }
                if (end < limit) {
                    String line;
                    if (spill == null) {
                        int stop = end > position && buffer[end - 1] == '\r' ? end - 1 : end;
                        line = new String(buffer, position, stop - position, StandardCharsets.ISO_8859_1);
                    } else {
                        spill.write(buffer, position, end - position);
                        byte[] all = spill.toByteArray();
                        int stop = all.length > 0 && all[all.length - 1] == '\r' ? all.length - 1 : all.length;
                        line = new String(all, 0, stop, StandardCharsets.ISO_8859_1);
                    }
                    position = end + 1;
                    return line;
                }
                if (spill == null) {
                    spill = new ByteArrayOutputStream(128);
                }
                spill.write(buffer, position, limit - position);
                position = limit;
            }
        }

        /** Up to {@code n} bytes: fewer only when the stream ended first. */
        byte[] readBytes(int n) throws IOException {
            byte[] bytes = new byte[n];
            int got = Math.min(n, limit - position);
            System.arraycopy(buffer, position, bytes, 0, got);
            position += got;
            while (got < n) {
                int r = in.read(bytes, got, n - got);
                if (r < 0) {
                    return java.util.Arrays.copyOf(bytes, got);
                }
                lastProgress = System.nanoTime();
                got += r;
            }
            return bytes;
        }

        byte[] readToEnd() throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            while (fill()) {
                all.write(buffer, position, limit - position);
                position = limit;
            }
            return all.toByteArray();
        }

        /** Whether the Watchdog closed this connection during its exchange. */
        boolean expired() {
            return state.get() == EXPIRED;
        }

        /** Ends the exchange; false when the Watchdog expired it first (then it is closed and must not be reused). */
        boolean settle() {
            return state.compareAndSet(BUSY, IDLE) || state.get() == IDLE;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a broken connection: nothing left to do
            }
        }
    }
}
