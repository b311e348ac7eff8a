package dev.cordon.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Secrets are redacted by their shape, wherever a value came from: a URL a user mistyped ({@code http:/user:SECRET@…}
 * is no URL to a parser, yet a secret to a reader), a token in a query string ({@code ?access_token=…}), an
 * Authorization or Cookie header value, a bearer token, a JSON field named like a secret. One function for every
 * output: the console (a stream that redacts each line), summary.json, the ledger's header, the Allure results and
 * report, the evidence. Redacting what is no secret costs a reader a value; missing one costs a credential.
 */
public final class Redaction {
    public static final String MARK = "[redacted]";

    /**
     * User info after a scheme: any number of slashes or backslashes (none, one: malformed URLs too), then up to '@'
     * without whitespace, quotes or a path, query or fragment delimiter. Web schemes always; any other scheme only when
     * a slash follows its colon (so "note:alice@example.test" stays).
     */
    private static final Pattern USERINFO = Pattern.compile(
            "(?i)\\b((?:https?|wss?|ftps?|[a-z][a-z0-9+.-]*(?=:[/\\\\])):[/\\\\]*)([^\\s/\\\\?#@\"'<>]+)@");
    /** A query or fragment parameter named like a credential: its value up to the next delimiter. */
    private static final Pattern QUERY = Pattern.compile(
            "(?i)([?&;#]\\s*(?:[a-z0-9_.\\-\\[\\]]*(?:token|secret|passw|pwd|api[_-]?key|apikey|auth|session|signature|credential)"
                    + "[a-z0-9_.\\-\\[\\]]*|key|sig|sid|code)\\s*=)([^&#;\\s\"'<>]+)");
    /**
     * A header line or field carrying a credential: "Authorization: Bearer x", "Cookie=a=b", "\"Cookie\": \"a=b\"". The
     * value ends at a quote, a backslash, '<' or '&' too: in JSON or HTML text (an Allure result holding a page) those
     * begin the markup around it, which must stay whole.
     */
    private static final Pattern HEADER = Pattern.compile(
            "(?i)\\b((?:proxy-)?authori[sz]ation|set-cookie|cookie|x-api-key|api-key|x-auth-token|x-access-token)(\"?\\s*[:=]\\s*\"?)([^\"\\\\\\r\\n<&]+)");
    /** A JSON field named like a secret, with a string value (in serialized JSON or text quoting it). */
    private static final Pattern JSON_FIELD = Pattern.compile(
            "(?i)(\"[a-z0-9_.-]*(?:token|secret|password|passwd|api[_-]?key|session[_-]?id)\"\\s*:\\s*\")([^\"\\\\]*)(\")");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{8,}");
    /** A JSON key whose value is a secret whatever it looks like. */
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(token|password|passwd|secret|cookie|authori[sz]ation|api[-_]?key|session[-_]?id).*");

    private Redaction() {
    }

    /** {@code text} with every secret-shaped part replaced by {@link #MARK}; null stays null. */
    public static String text(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = USERINFO.matcher(text).replaceAll("$1" + MARK + "@");
        out = QUERY.matcher(out).replaceAll("$1" + MARK);
        out = HEADER.matcher(out).replaceAll("$1$2" + MARK);
        out = JSON_FIELD.matcher(out).replaceAll("$1" + MARK + "$3");
        out = BEARER.matcher(out).replaceAll("$1 " + MARK);
        return out;
    }

    /** A copy of a JSON tree: fields named like a secret lose their value, every text is {@link #text redacted}. */
    public static JsonNode json(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                boolean secret = SECRET_KEY.matcher(e.getKey()).matches() && e.getValue().isValueNode() && !e.getValue().isNumber()
                        && !e.getValue().isBoolean() && !e.getValue().isNull();
                copy.set(e.getKey(), secret ? TextNode.valueOf(MARK) : json(e.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            var copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> copy.add(json(n)));
            return copy;
        }
        return node.isTextual() ? TextNode.valueOf(text(node.asText())) : node;
    }

    /** Whether a URL-like value carries user info (also when malformed: one slash, backslashes, no slash). */
    public static boolean carriesUserInfo(String url) {
        return url != null && USERINFO.matcher(url).find();
    }

    /** A console whose every line is redacted before it is written (a line ends at '\n' or '\r', or at a flush). */
    public static PrintStream console(PrintStream out) {
        if (out instanceof RedactingConsole) {
            return out;
        }
        return new RedactingConsole(out);
    }

    private static final class RedactingConsole extends PrintStream {
        RedactingConsole(PrintStream target) {
            super(new LineRedactor(target), true, StandardCharsets.UTF_8);
        }
    }

    private static final class LineRedactor extends FilterOutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

        LineRedactor(OutputStream out) {
            super(out);
        }

        @Override
        public synchronized void write(int b) throws IOException {
            line.write(b);
            if (b == '\n' || b == '\r') {
                emit();
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            emit();
            out.flush();
        }

        private void emit() throws IOException {
            if (line.size() == 0) {
                return;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            out.write(text(text).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
