package dev.cordon.clinic.web;

/** HTML escaping and the shared page frame. */
final class Html {
    private Html() {}

    static String esc(Object value) {
        if (value == null) return "";
        String s = value.toString();
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }

    static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + esc(title) + " - Reference Clinic</title>"
                + "<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}"
                + "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd}"
                + "th{background:#f4f6f8}.error{color:#a00;font-weight:600}form.inline{display:inline}"
                + "label{display:block;margin:.5rem 0}input{padding:.3rem;width:16rem}button{padding:.4rem 1rem}"
                + "header{display:flex;justify-content:space-between;align-items:center;border-bottom:2px solid #2a6;margin-bottom:1rem}"
                + "</style></head><body>\n" + body + "\n</body></html>\n";
    }
}
