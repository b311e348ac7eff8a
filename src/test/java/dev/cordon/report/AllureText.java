package dev.cordon.report;

/**
 * Text for the Allure 2 report, where a value from the target must stay data. The report renders a result's status
 * message and trace as HTML (its "ansi" helper turns them into markup without escaping), and a description as raw
 * HTML; names, parameters and environment values it escapes itself. So: {@link #markup} for what Allure renders as
 * HTML, {@link #plain} for what it escapes.
 */
public final class AllureText {
    private AllureText() {
    }

    /**
     * For text Allure inserts as HTML: {@code & < > " '} become entities, and control and format characters
     * (ANSI escapes, which the report would turn into markup, bidi overrides, ...) are shown escaped. Line breaks
     * and tabs stay: a trace keeps its lines.
     */
    public static String markup(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        Redaction.text(value).codePoints().forEach(cp -> {
            switch (cp) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '\n', '\t' -> out.appendCodePoint(cp);
                default -> out.append(ConsoleText.isUnsafe(cp) ? ConsoleText.safe(new String(Character.toChars(cp))) : new String(Character.toChars(cp)));
            }
        });
        return out.toString();
    }

    /** For text Allure escapes itself (names, parameter values): one line, control and format characters shown escaped. */
    public static String plain(String value) {
        return value == null ? null : ConsoleText.safe(value, 1000);
    }

    /** True when {@code value} is already what {@link #markup} makes of it: rewriting it again would double-escape. */
    static boolean isMarkupSafe(String value) {
        return value == null || value.equals(markup(value));
    }
}
