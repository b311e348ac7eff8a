package dev.cordon.adapter;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * One request as the adapter composes it, independent of the transport that sends it (see {@link HttpEngine}): method,
 * URI, headers in order (set by name, case-insensitively) and the body bytes, or null for none. Header names and values
 * are checked as the JDK client checks them, so every transport refuses the same requests.
 */
public final class Outgoing {
    /** Headers the transport owns (framing and connection management): a profile may not set them. */
    private static final List<String> RESTRICTED = List.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer");

    /** The origin (scheme, host, port) the request goes to. */
    private final URI origin;
    /** The request target, path and query as sent: "/a/b?c=d". */
    private final String target;
    private URI uri;
    private final List<String[]> headers = new ArrayList<>();
    private String method = "GET";
    private byte[] body;

    public Outgoing(URI uri) {
        this.uri = uri;
        this.origin = uri;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        this.target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /**
     * To {@code target} (an absolute path and query, already encoded) on the origin of {@code base}, without parsing
     * a URI per request; a target that is not a plain absolute path is resolved against {@code base} as a URI would be.
     */
    public Outgoing(URI base, String target) {
        if (!plainTarget(target)) {
            Outgoing resolved = new Outgoing(base.resolve(target)); // throws on what a URI may not hold
            this.uri = resolved.uri;
            this.origin = resolved.origin;
            this.target = resolved.target;
        } else {
            this.origin = base;
            this.target = target;
        }
    }

    /** "/..." of visible ASCII that a URI may hold unescaped, without a fragment: sent as it is. */
    private static boolean plainTarget(String target) {
        if (target.isEmpty() || target.charAt(0) != '/' || target.startsWith("//")) {
            return false;
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c >= 127 || "\"<>\\^`{|}#".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Sets a header, replacing any earlier value of the same name. */
    public Outgoing setHeader(String name, String value) {
        check(name, value);
        for (int i = headers.size() - 1; i >= 0; i--) {
            if (headers.get(i)[0].equalsIgnoreCase(name)) {
                headers.remove(i);
            }
        }
        headers.add(new String[] {name, value});
        return this;
    }

    public Outgoing method(String method, byte[] body) {
        this.method = method;
        this.body = body;
        return this;
    }

    /** The whole URI (built on first use: the plain-HTTP transport needs only the origin and the target). */
    public URI uri() {
        if (uri == null) {
            uri = origin.resolve(target);
        }
        return uri;
    }

    /** Scheme, host and port of the request; its path is not the request's (see {@link #target()}). */
    public URI origin() {
        return origin;
    }

    /** The request target: path and query, as they go on the request line. */
    public String target() {
        return target;
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
        for (String restricted : RESTRICTED) {
            if (restricted.equalsIgnoreCase(name)) {
                throw new IllegalArgumentException("restricted header name: \"" + name + "\"");
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("invalid header value for " + name + ": it holds a line break");
            }
        }
    }
}
