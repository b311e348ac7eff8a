package dev.cordon.adapter;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One request as the adapter composes it, independent of the transport that sends it (see {@link HttpEngine}): method,
 * URI, headers in order (set by name, case-insensitively) and the body bytes, or null for none. Header names and values
 * are checked as the JDK client checks them, so every transport refuses the same requests.
 */
public final class Outgoing {
    /** Headers the transport owns (framing and connection management): a profile may not set them. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer");

    private final URI uri;
    private final List<String[]> headers = new ArrayList<>();
    private String method = "GET";
    private byte[] body;

    public Outgoing(URI uri) {
        this.uri = uri;
    }

    /** Sets a header, replacing any earlier value of the same name. */
    public Outgoing setHeader(String name, String value) {
        check(name, value);
        headers.removeIf(h -> h[0].equalsIgnoreCase(name));
        headers.add(new String[] {name, value});
        return this;
    }

    public Outgoing method(String method, byte[] body) {
        this.method = method;
        this.body = body;
        return this;
    }

    public URI uri() {
        return uri;
    }

    public String method() {
        return method;
    }

    /** The body, or null when the request has none. */
    public byte[] body() {
        return body;
    }

    public List<String[]> headers() {
        return headers;
    }

    private static void check(String name, String value) {
        boolean token = !name.isEmpty();
        for (int i = 0; i < name.length() && token; i++) {
            char c = name.charAt(i);
            token = c > ' ' && c < 127 && c != ':';
        }
        if (!token) {
            throw new IllegalArgumentException("invalid header name: " + name);
        }
        if (RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("restricted header name: \"" + name + "\"");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("invalid header value for " + name + ": it holds a line break");
            }
        }
    }
}
