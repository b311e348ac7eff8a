package dev.cordon.faults;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The few pieces of HTTP/1.1 framing the proxy needs: a message head (start line and headers, kept byte for byte as
 * ISO-8859-1), and bodies framed by Content-Length, chunked transfer coding or the end of the connection.
 */
final class HttpWire {
    static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private HttpWire() {
    }

    /** A start line and the headers in their order, names and values as sent. */
    record Head(String startLine, List<String[]> headers) {
        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        boolean hasToken(String name, String token) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    for (String part : h[1].split(",")) {
                        if (part.trim().equalsIgnoreCase(token)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }
    }

    /** Reads a message head; null if the peer closed the connection before sending a byte of it. */
    static Head readHead(InputStream in) throws IOException {
        String start;
        do {
            start = readLine(in, true);
            if (start == null) {
                return null;
            }
        } while (start.isEmpty()); // RFC 9112 2.2: ignore empty lines before a request line
        List<String[]> headers = new ArrayList<>();
        int total = start.length();
        while (true) {
            String line = readLine(in, false);
            if (line.isEmpty()) {
                return new Head(start, headers);
            }
            total += line.length();
            if (total > MAX_HEAD_BYTES) {
                throw new IOException("message head larger than " + MAX_HEAD_BYTES + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line");
            }
            headers.add(new String[]{line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
    }

    /** A body framed by Transfer-Encoding chunked or Content-Length; none if neither is present. */
    static byte[] readFramedBody(InputStream in, Head head) throws IOException {
        if (head.hasToken("Transfer-Encoding", "chunked")) {
            return readChunked(in);
        }
        String length = head.header("Content-Length");
        if (length == null) {
            return new byte[0];
        }
        long n;
        try {
            n = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw new IOException("bad Content-Length");
        }
        if (n < 0 || n > Integer.MAX_VALUE - 16) {
            throw new IOException("unsupported Content-Length " + n);
        }
        return readExactly(in, (int) n);
    }

    static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new EOFException("body ended after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }

    static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in, false);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size");
            }
            if (size == 0) {
                while (!readLine(in, false).isEmpty()) {
                    // trailer fields: dropped (the body is re-framed with Content-Length)
                }
                return body.toByteArray();
            }
            body.write(readExactly(in, size));
            if (!readLine(in, false).isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    /** A line without its CRLF (a bare LF is accepted); null at EOF before the first byte if allowed. */
    private static String readLine(InputStream in, boolean eofAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (eofAllowed && line.size() == 0) {
                    return null;
                }
                throw new EOFException("connection closed inside a message head");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_HEAD_BYTES) {
                throw new IOException("header line too long");
            }
            line.write(b);
        }
    }

    static void writeHead(OutputStream out, String startLine, List<String[]> headers) throws IOException {
        out.write(startLine.getBytes(StandardCharsets.ISO_8859_1));
        out.write(CRLF);
        for (String[] h : headers) {
            out.write((h[0] + ": " + h[1]).getBytes(StandardCharsets.ISO_8859_1));
            out.write(CRLF);
        }
        out.write(CRLF);
    }

    /** Whether a header is about this one connection (RFC 9110 7.6.1) and so is never passed on as received. */
    static boolean hopByHop(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
                 "content-length", "expect" -> true;
            default -> false;
        };
    }
}
