package dev.cordon.report;

/**
 * Makes a value that may come from the target safe to print on one console line. Whatever a target returns is data:
 * an id holding a line feed, a carriage return, an ANSI escape or a bidi override could otherwise forge a line of
 * the gate's output (a fake "VERDICT PASS (exit 0)") or hide one. Every control and format character is shown
 * escaped ({@code \n}, {@code \x1b}, {@code \u202e}), a backslash is doubled so an escape cannot be forged either,
 * and the value is capped in length.
 */
public final class ConsoleText {
    /** Long enough for a finding summary; short enough that no single value floods the console. */
    public static final int DEFAULT_MAX = 400;

    private ConsoleText() {
    }

    /** {@code value} escaped and capped at {@link #DEFAULT_MAX} characters; "null" for null. */
    public static String safe(Object value) {
        return safe(value, DEFAULT_MAX);
    }

    /** {@code value} escaped, and cut after {@code max} characters of the original with a note of how many were left out. */
    public static String safe(Object value, int max) {
        String text = Redaction.text(String.valueOf(value));
        int end = Math.min(text.length(), Math.max(0, max));
        if (end < text.length() && end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a surrogate pair: the cut half would print as an escape of its own
        }
        StringBuilder out = new StringBuilder(end + 16);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, text.charAt(i + 1));
                if (isUnsafe(codePoint)) {
                    out.append(String.format("\\U%08x", codePoint));
                } else {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            }
            appendEscaped(out, c);
        }
        if (end < text.length()) {
            out.append("…(+").append(text.length() - end).append(" chars)");
        }
        return out.toString();
    }

    /** Whether a value would be printed differently by {@link #safe(Object, int)} (ignoring the cap). */
    public static boolean needsEscaping(String value) {
        return value != null && value.codePoints().anyMatch(cp -> cp == '\\' || isUnsafe(cp));
    }

    private static void appendEscaped(StringBuilder out, char c) {
        switch (c) {
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> {
                if (Character.isSurrogate(c)) {
                    out.append(String.format("\\u%04x", (int) c)); // a lone half of a pair
                } else if (c < 0x20 || c == 0x7f) {
                    out.append(String.format("\\x%02x", (int) c));
                } else if (isUnsafe(c)) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
    }

    /**
     * C0 and C1 controls, DEL, line and paragraph separators, and every format character (Unicode category Cf: bidi
     * embeddings, overrides and isolates, zero-width joiners and spaces, the byte order mark, soft hyphen...).
     */
    static boolean isUnsafe(int codePoint) {
        if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) {
            return true;
        }
        int type = Character.getType(codePoint);
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.CONTROL || type == Character.PRIVATE_USE || type == Character.UNASSIGNED
                || type == Character.SURROGATE;
    }
}
