package dev.cordon.clinic.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The opaque cursor of the document listing: base64url of the owner and the last id served. A cursor names its
 * owner so that one patient's cursor is refused for another. The fault document-cursor-without-owner mints
 * cursors that carry only the last id.
 */
final class DocumentCursor {
    private static final String PREFIX = "documents:v1:";
    private static final Pattern OWNED = Pattern.compile("owner=(\\d{1,18}):after=(\\d{1,18})");
    private static final Pattern ID_ONLY = Pattern.compile("after=(\\d{1,18})");

    /** What a cursor says: the owner (null in the fault's format) and the id the next page starts after. */
    record Position(Long owner, long afterId) {}

    private DocumentCursor() {}

    static String of(long owner, long lastId) {
        return encode(PREFIX + "owner=" + owner + ":after=" + lastId);
    }

    /** The fault's format: nothing but the last id. */
    static String withoutOwner(long lastId) {
        return encode(PREFIX + "after=" + lastId);
    }

    /** Decodes a cursor of either format; 400 for anything else. */
    static Position read(String cursor) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (!text.startsWith(PREFIX)) throw invalid();
        String rest = text.substring(PREFIX.length());
        Matcher owned = OWNED.matcher(rest);
        if (owned.matches()) return new Position(Long.parseLong(owned.group(1)), Long.parseLong(owned.group(2)));
        Matcher idOnly = ID_ONLY.matcher(rest);
        if (idOnly.matches()) return new Position(null, Long.parseLong(idOnly.group(1)));
        throw invalid();
    }

    static ApiError invalid() {
        return ApiError.badRequest("invalid cursor: pass the nextCursor of your previous page unchanged");
    }

    private static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
