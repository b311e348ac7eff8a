package dev.cordon.adapter;

import java.io.BufferedInputStream;
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

/**
 * Plain-HTTP/1.1 transport for {@link HttpEngine}: the calling thread writes the request and reads the answer on a
 * pooled keep-alive socket itself. The JDK client hands every exchange between the caller, its selector thread and an
 * executor; on two cores those hand-offs cost more than the target takes to answer (docs/benchmarks.md has the profile).
 * <p>
 * A pooled connection idle for longer than {@code keepAliveIdle} is closed rather than reused (servers close idle
 * connections; reusing one that was just closed loses the request). A reused connection that fails before any byte of
 * the answer arrived is retried once on a fresh connection for an idempotent request only; a write is never resent
 * here (the engine reports it as unanswered and the seeder reconciles).
 */
final class WireClient {
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

    record Answer(int status, Map<String, List<String>> headers, byte[] body) {
    }

    Answer exchange(Outgoing request, boolean idempotent) throws IOException {
        URI uri = request.uri();
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
        try {
            write(connection.out, origin, request);
        } catch (java.net.SocketException e) {
            throw new StaleConnection(); // a broken pipe: the server had closed the connection
        }
        Head head = readHead(connection.in);
        while (head.status >= 100 && head.status < 200) {
            head = readHead(connection.in); // an interim answer (100 Continue, 103 Early Hints): the real one follows
        }
        boolean reusable = head.keepAlive;
        byte[] body;
        if ("HEAD".equals(request.method()) || head.status == 204 || head.status == 304) {
            body = new byte[0];
        } else if (head.chunked) {
            body = readChunked(connection.in);
        } else if (head.contentLength >= 0) {
            body = connection.in.readNBytes((int) head.contentLength);
            if (body.length < head.contentLength) {
                throw new EOFException("the answer ended after " + body.length + " of " + head.contentLength + " bytes");
            }
        } else {
            body = connection.in.readAllBytes(); // delimited by the end of the connection
            reusable = false;
        }
        if (reusable) {
            connection.lastUsed = System.nanoTime();
            idle.computeIfAbsent(origin, k -> new ConcurrentLinkedDeque<>()).offerFirst(connection);
        } else {
            connection.close();
        }
        return new Answer(head.status, head.headers, body);
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
            socket.setSoTimeout(readTimeoutMillis);
            return new Connection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static void write(OutputStream out, String origin, Outgoing request) throws IOException {
        URI uri = request.uri();
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
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

    private static Head readHead(InputStream in) throws IOException {
        int[] budget = {MAX_HEAD_BYTES};
        String statusLine = line(in, budget, true);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
            throw new IOException("not an HTTP/1.x answer: " + statusLine.substring(0, Math.min(statusLine.length(), 80)));
        }
        boolean http11 = parts[0].equals("HTTP/1.1");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String line;
        while (!(line = line(in, budget, false)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line in the answer");
            }
            headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>(1)).add(line.substring(colon + 1).trim());
        }
        String connection = first(headers, "Connection");
        boolean keepAlive = connection == null ? http11 : !connection.toLowerCase(Locale.ROOT).contains("close")
                && (http11 || connection.toLowerCase(Locale.ROOT).contains("keep-alive"));
        String encoding = first(headers, "Transfer-Encoding");
        boolean chunked = encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
        String length = first(headers, "Content-Length");
        long contentLength = -1;
        if (length != null) {
            try {
                contentLength = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new IOException("malformed Content-Length in the answer: " + length);
            }
            if (contentLength < 0 || contentLength > Integer.MAX_VALUE) {
                throw new IOException("unusable Content-Length in the answer: " + length);
            }
        }
        return new Head(Integer.parseInt(parts[1]), headers, keepAlive, chunked, contentLength);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    /** One CRLF-terminated line; at the very start of an answer, an immediate end of stream means a stale connection. */
    private static String line(InputStream in, int[] budget, boolean startOfAnswer) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int b;
            try {
                b = in.read();
            } catch (java.net.SocketException e) {
                if (startOfAnswer && line.isEmpty()) {
                    throw new StaleConnection(); // reset by a server that had closed the connection
                }
                throw e;
            }
            if (b == -1) {
                if (startOfAnswer && line.isEmpty()) {
                    throw new StaleConnection();
                }
                throw new EOFException("the answer ended inside its head");
            }
            if (--budget[0] < 0) {
                throw new IOException("the answer's head exceeds " + MAX_HEAD_BYTES + " bytes");
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            line.append((char) b); // ISO-8859-1, as HTTP/1.1 heads are
        }
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int[] budget = {MAX_HEAD_BYTES};
        while (true) {
            String sizeLine = line(in, budget, false);
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
                while (!line(in, budget, false).isEmpty()) {
                    // trailers: not used
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new EOFException("the answer ended inside a chunk");
            }
            body.writeBytes(chunk);
            if (!line(in, budget, false).isEmpty()) {
                throw new IOException("a chunk of the answer is not followed by CRLF");
            }
        }
    }

    /** A reused connection the server had closed: nothing of an answer arrived. */
    static final class StaleConnection extends IOException {
        StaleConnection() {
            super("the connection was closed before any answer arrived");
        }
    }

    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private long lastUsed = System.nanoTime();

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), BUFFER_BYTES);
            this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES);
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
