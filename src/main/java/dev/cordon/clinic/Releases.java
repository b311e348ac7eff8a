package dev.cordon.clinic;

import java.util.List;

/** The releases this clinic can run, oldest first. Each release migrates the schema up to its own version. */
public final class Releases {
    public static final String V1_4_0 = "1.4.0";
    public static final String V2_0_0 = "2.0.0";
    public static final String V2_1_0 = "2.1.0";
    public static final String V2_2_0 = "2.2.0";
    private static final List<String> KNOWN = List.of(V1_4_0, V2_0_0, V2_1_0, V2_2_0);

    private Releases() {}

    public static List<String> known() { return KNOWN; }

    public static boolean isKnown(String release) { return KNOWN.contains(release); }

    /** True when this release has the 2.0.0 features (audio-to-video switching, call mode, owner column); later releases keep them. */
    public static boolean hasVideo(String release) { return atLeast(release, V2_0_0); }

    /**
     * True when this release has the 2.1.0 features: self sign-up with an account id beside the patient id,
     * documents attached to consultations, and their cursor-paged listing.
     */
    public static boolean hasDocuments(String release) { return atLeast(release, V2_1_0); }

    /**
     * True when this release has the 2.2.0 features: one care record per account that every consultation (and with it
     * every recording and document) belongs to, consultation listing/update/delete, deletes and operator read-backs.
     */
    public static boolean hasCareRecords(String release) { return atLeast(release, V2_2_0); }

    /** True when {@code release} is {@code feature}'s release or a later one (both known). */
    public static boolean atLeast(String release, String feature) {
        int index = KNOWN.indexOf(release);
        return index >= 0 && index >= KNOWN.indexOf(feature);
    }
}
