package dev.cordon.profile;

/** Compares dotted release numbers ("2.1.0" >= "2.0.10"), for parts of a profile that exist only from a release on. */
public final class Releases {
    private Releases() {
    }

    /** True when {@code since} is absent, or when {@code release} is known and not older than it. */
    public static boolean atLeast(String release, String since) {
        if (since == null) {
            return true;
        }
        if (release == null) {
            return false;
        }
        return compare(release, since) >= 0;
    }

    static int compare(String a, String b) {
        String[] x = a.split("[.\\-+]");
        String[] y = b.split("[.\\-+]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String p = i < x.length ? x[i] : "0";
            String q = i < y.length ? y[i] : "0";
            int c;
            if (p.matches("\\d+") && q.matches("\\d+")) {
                c = Long.compare(Long.parseLong(p), Long.parseLong(q));
            } else {
                c = p.compareTo(q);
            }
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
