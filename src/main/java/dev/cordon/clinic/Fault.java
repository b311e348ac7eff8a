package dev.cordon.clinic;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The catalogue of known isolation faults. Each is off unless named when the clinic starts. */
public enum Fault {
    SWITCH_OWNER_BY_SLOT(Releases.V2_0_0, "switch-owner-by-slot",
            "2.0.0's switch-to-video attaches the new video recording to the first consultation booked in the same time slot"),
    LISTING_CACHE_WITHOUT_USER(Releases.V1_4_0, "listing-cache-without-user",
            "the replay listing API is cached by path and query only, not by caller"),
    SHARED_REQUEST_CONTEXT(Releases.V1_4_0, "shared-request-context",
            "the listing handler keeps the caller in a shared field; concurrent callers sometimes get another caller's listing"),
    REPLAY_BY_ID_WITHOUT_OWNER(Releases.V1_4_0, "replay-by-id-without-owner",
            "opening a replay's metadata by id skips the owner check"),
    MEDIA_WITHOUT_OWNER(Releases.V1_4_0, "media-without-owner",
            "a replay's metadata is owner-checked, its media endpoint is not"),
    LATER_PAGES_UNFILTERED(Releases.V1_4_0, "later-pages-unfiltered",
            "replay listing pages after the first drop the owner filter"),
    MIGRATION_MISATTRIBUTES(Releases.V2_0_0, "migration-misattributes",
            "the 1.4.0->2.0.0 migration fills the new owner column by a wrong key; data created after the update is fine"),
    PATIENT_PARAM_HONOURED(Releases.V1_4_0, "patient-param-honoured",
            "a patientId (or patient, ownerId) query parameter on the listing is obeyed without checking the caller"),
    BOOKING_OWNER_FROM_BODY(Releases.V1_4_0, "booking-owner-from-body",
            "booking a consultation obeys a patientId (or patient, ownerId) field of the request body (mass assignment): "
                    + "the consultation, and the recordings made of it, belong to the patient named"),
    TOKEN_FOR_WRONG_PATIENT(Releases.V1_4_0, "token-for-wrong-patient",
            "login matches usernames case-insensitively and issues the token of the first match"),
    WEB_PAGE_SHARED_CACHE(Releases.V1_4_0, "web-page-shared-cache",
            "the web replays page is rendered from a cache keyed by page number only; the API is correct"),
    PRIVATE_RESPONSES_CACHEABLE(Releases.V1_4_0, "private-responses-cacheable",
            "private responses are sent Cache-Control: public, max-age=300"),
    RECORDINGS_DROPPED_ON_UPDATE(Releases.V2_0_0, "recordings-dropped-on-update",
            "after the update, recordings of every third older consultation disappear from their owner's listing"),
    DOCUMENT_DOWNLOAD_WITHOUT_OWNER(Releases.V2_1_0, "document-download-without-owner",
            "a document's metadata is owner-checked, its download only checks that the document exists"),
    DOCUMENT_CURSOR_WITHOUT_OWNER(Releases.V2_1_0, "document-cursor-without-owner",
            "the document listing's cursor carries only the last id, and pages fetched with a cursor drop the owner filter"),
    SIGNUP_REUSES_LOOKALIKE_ACCOUNT(Releases.V2_1_0, "signup-reuses-lookalike-account",
            "sign-up with a username that equals an existing one ignoring case answers 201 with the existing account "
                    + "and links the new username and password to it, so logging in with them opens the existing patient's record"),
    DOCUMENT_DELETE_WITHOUT_OWNER(Releases.V2_1_0, "document-delete-without-owner",
            "deleting a document by id skips the owner check: another patient's document is removed (204)"),
    SWITCH_OWNER_BY_TIME_OF_DAY(Releases.V2_0_0, "switch-owner-by-time-of-day",
            "switch-to-video files the new video recording under the consultation booked first at the same time of day "
                    + "(on any date) instead of the switched one: a 09:30 switch goes to whoever first booked any day at 09:30"),
    CONSULTATION_UPDATE_WITHOUT_OWNER(Releases.V2_2_0, "consultation-update-without-owner",
            "PUT /api/consultations/{id} checks the related ids of the body (careRecordId and slot of that consultation) "
                    + "but not the owner: a body with the right ids changes another patient's consultation"),
    CARE_RECORD_FROM_BODY(Releases.V2_2_0, "care-record-from-body",
            "booking obeys the careRecordId of the body without checking it is the caller's (mass assignment): the "
                    + "consultation and its recordings belong to the care record named and appear in its owner's listings"),
    DELETE_KEEPS_DATA(Releases.V2_2_0, "delete-keeps-data",
            "every DELETE (documents, consultations, care records, the operator's patient delete) answers 204 and keeps "
                    + "the data: owner and operator still read it back, the account still logs in"),
    // The FHIR R4 face (--fhir; naming one of these switches the face on). See docs/fhir.md.
    FHIR_INCLUDE_OUTSIDE_COMPARTMENT(Releases.V2_0_0, "fhir-include-outside-compartment",
            "FHIR _include/_revinclude entries are resolved without the patient constraints and not checked by the rules"),
    FHIR_NEXT_LINK_DROPS_NARROWING(Releases.V2_0_0, "fhir-next-link-drops-narrowing",
            "FHIR search pages reached through the Bundle next link are neither narrowed to the patient nor checked"),
    FHIR_BINARY_WITHOUT_OWNER(Releases.V2_0_0, "fhir-binary-without-owner",
            "FHIR Binary read checks only that the bytes exist, not whose Media they belong to"),
    FHIR_EVERYTHING_FOLLOWS_REFERENCE(Releases.V2_0_0, "fhir-everything-follows-reference",
            "FHIR Patient/$everything finds Media through the encounters' time slot and its responses are not checked"),
    FHIR_HISTORY_OUTSIDE_RULES(Releases.V2_0_0, "fhir-history-outside-rules",
            "FHIR Media/{id}/_history is let through by the rules: another patient's Media is served");

    private final String since;
    private final String id;
    private final String description;

    Fault(String since, String id, String description) {
        this.since = since;
        this.id = id;
        this.description = description;
    }

    public String id() { return id; }

    /**
     * The first release on which the fault has an effect: its code path exists from there on (for the migration
     * faults: the update to that release). Named on an older release, the fault is accepted and does nothing.
     */
    public String since() { return since; }

    public String description() { return description; }

    /** True for the faults of the FHIR face; naming one switches the face on. */
    public boolean needsFhir() { return id.startsWith("fhir-"); }

    /** The fault with this id; IllegalArgumentException listing the valid ids otherwise. */
    public static Fault byId(String id) {
        for (Fault f : values()) {
            if (f.id.equals(id)) return f;
        }
        throw new IllegalArgumentException("unknown fault '" + id + "'; valid faults: " + validIds());
    }

    public static String validIds() {
        return Arrays.stream(values()).map(Fault::id).collect(Collectors.joining(", "));
    }
}
