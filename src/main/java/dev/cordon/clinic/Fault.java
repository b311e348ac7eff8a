package dev.cordon.clinic;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The catalogue of known isolation faults. Each is off unless named when the clinic starts. */
public enum Fault {
    SWITCH_OWNER_BY_SLOT("switch-owner-by-slot",
            "2.0.0's switch-to-video attaches the new video recording to the first consultation booked in the same time slot"),
    LISTING_CACHE_WITHOUT_USER("listing-cache-without-user",
            "the replay listing API is cached by path and query only, not by caller"),
    SHARED_REQUEST_CONTEXT("shared-request-context",
            "the listing handler keeps the caller in a shared field; concurrent callers sometimes get another caller's listing"),
    REPLAY_BY_ID_WITHOUT_OWNER("replay-by-id-without-owner",
            "opening a replay's metadata by id skips the owner check"),
    MEDIA_WITHOUT_OWNER("media-without-owner",
            "a replay's metadata is owner-checked, its media endpoint is not"),
    LATER_PAGES_UNFILTERED("later-pages-unfiltered",
            "replay listing pages after the first drop the owner filter"),
    MIGRATION_MISATTRIBUTES("migration-misattributes",
            "the 1.4.0->2.0.0 migration fills the new owner column by a wrong key; data created after the update is fine"),
    PATIENT_PARAM_HONOURED("patient-param-honoured",
            "a patientId (or patient, ownerId) query parameter on the listing is obeyed without checking the caller"),
    TOKEN_FOR_WRONG_PATIENT("token-for-wrong-patient",
            "login matches usernames case-insensitively and issues the token of the first match"),
    WEB_PAGE_SHARED_CACHE("web-page-shared-cache",
            "the web replays page is rendered from a cache keyed by page number only; the API is correct"),
    PRIVATE_RESPONSES_CACHEABLE("private-responses-cacheable",
            "private responses are sent Cache-Control: public, max-age=300"),
    RECORDINGS_DROPPED_ON_UPDATE("recordings-dropped-on-update",
            "after the update, recordings of every third older consultation disappear from their owner's listing"),
    // The FHIR R4 face (--fhir; naming one of these switches the face on). See docs/fhir.md.
    FHIR_INCLUDE_OUTSIDE_COMPARTMENT("fhir-include-outside-compartment",
            "FHIR _include/_revinclude entries are resolved without the patient constraints and not checked by the rules"),
    FHIR_NEXT_LINK_DROPS_NARROWING("fhir-next-link-drops-narrowing",
            "FHIR search pages reached through the Bundle next link are neither narrowed to the patient nor checked"),
    FHIR_BINARY_WITHOUT_OWNER("fhir-binary-without-owner",
            "FHIR Binary read checks only that the bytes exist, not whose Media they belong to"),
    FHIR_EVERYTHING_FOLLOWS_REFERENCE("fhir-everything-follows-reference",
            "FHIR Patient/$everything finds Media through the encounters' time slot and its responses are not checked"),
    FHIR_HISTORY_OUTSIDE_RULES("fhir-history-outside-rules",
            "FHIR Media/{id}/_history is let through by the rules: another patient's Media is served");

    private final String id;
    private final String description;

    Fault(String id, String description) {
        this.id = id;
        this.description = description;
    }

    public String id() { return id; }

    public String description() { return description; }

    /** The fault with this id; IllegalArgumentException listing the valid ids otherwise. */
    public static Fault byId(String id) {
        for (Fault f : values()) {
            if (f.id.equals(id)) return f;
        }
        throw new IllegalArgumentException("unknown fault '" + id + "'; valid faults: " + validIds());
    }

    /** True for the faults of the FHIR face; naming one switches the face on. */
    public boolean needsFhir() { return id.startsWith("fhir-"); }

    public static String validIds() {
        return Arrays.stream(values()).map(Fault::id).collect(Collectors.joining(", "));
    }
}
