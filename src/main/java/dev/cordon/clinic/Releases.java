package dev.cordon.clinic;

import java.util.List;

/** The releases this clinic can run, oldest first. Each release migrates the schema up to its own version. */
public final class Releases {
    public static final String V1_4_0 = "1.4.0";
    public static final String V2_0_0 = "2.0.0";
    private static final List<String> KNOWN = List.of(V1_4_0, V2_0_0);

    private Releases() {}

    public static List<String> known() { return KNOWN; }

    public static boolean isKnown(String release) { return KNOWN.contains(release); }

    /** True when this release has the 2.0.0 features (audio-to-video switching, call mode, owner column). */
    public static boolean hasVideo(String release) { return V2_0_0.equals(release); }
}
