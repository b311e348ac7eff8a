package dev.cordon.clinic.web;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a {@code Range} header (RFC 9110 §14): {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}.
 * Anything the clinic does not serve as a range (another unit, several ranges, a malformed header) is ignored, as
 * the RFC allows: the whole representation is sent with 200.
 */
record ByteRange(long first, long last) {
    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

    /** What a Range header asks of a representation of {@code total} bytes. */
    sealed interface Request permits Whole, Part, Unsatisfiable {}

    /** No usable Range header: send everything. */
    record Whole() implements Request {}

    record Part(ByteRange range) implements Request {}

    /** A syntactically valid range that lies outside the representation: 416. */
    record Unsatisfiable() implements Request {}

    long length() { return last - first + 1; }

    String contentRange(long total) { return "bytes " + first + "-" + last + "/" + total; }

    static Request of(String header, long total) {
        if (header == null) return new Whole();
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches()) return new Whole();
        String a = m.group(1);
        String b = m.group(2);
        if (a.isEmpty() && b.isEmpty()) return new Whole();
        if (a.isEmpty()) {
            long suffix = Long.parseLong(b);
            if (suffix == 0 || total == 0) return new Unsatisfiable();
            return new Part(new ByteRange(Math.max(0, total - suffix), total - 1));
        }
        long first = Long.parseLong(a);
        Optional<Long> last = b.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(b));
        if (last.isPresent() && last.get() < first) return new Whole();
        if (first >= total) return new Unsatisfiable();
        return new Part(new ByteRange(first, Math.min(last.orElse(total - 1), total - 1)));
    }
}
