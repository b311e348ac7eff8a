package dev.cordon.report;

import dev.cordon.oracle.Finding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Findings grouped by kind, resource and where they were seen (the listing, opener, probe or channel), with counts
 * and a bounded sample of each group: what summary.json, the verdict page and the Allure report show. Every finding
 * is in findings.jsonl; these are its counts and examples.
 */
public final class FindingGroups {
    /** Examples kept per kind × resource × where in summary.json. */
    public static final int SAMPLE_PER_GROUP = 5;
    /** At most this many examples in summary.json altogether. */
    public static final int SAMPLE_MAX = 500;
    public static final String ANY_RESOURCE = "*";

    private FindingGroups() {
    }

    /** The resource a finding is about (its evidence's "resource" or "related"), or "*". */
    public static String resource(Finding finding) {
        Object resource = finding.evidence().get("resource");
        if (resource == null) {
            resource = finding.evidence().get("related");
        }
        return resource == null ? ANY_RESOURCE : String.valueOf(resource);
    }

    /** Where a finding was seen: the listing, opener, probe or channel its evidence names, or its kind's check. */
    public static String where(Finding finding) {
        for (String key : List.of("where", "channel", "listing", "check")) {
            Object value = finding.evidence().get(key);
            if (value != null) {
                return String.valueOf(value);
            }
        }
        return "(whole check)";
    }

    /** kind → resource → where → count, in the order found. */
    public static Map<String, Map<String, Map<String, Integer>>> counts(List<Finding> findings) {
        Map<String, Map<String, Map<String, Integer>>> counts = new LinkedHashMap<>();
        for (Finding f : findings) {
            counts.computeIfAbsent(f.kind().name(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(resource(f), k -> new LinkedHashMap<>())
                    .merge(where(f), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Up to {@link #SAMPLE_PER_GROUP} of each group, of as many different patients as there are (the first finding of
     * each patient first), in the order found, at most {@link #SAMPLE_MAX} in all.
     */
    public static List<Finding> sample(List<Finding> findings) {
        Map<String, Integer> taken = new LinkedHashMap<>();
        java.util.Set<String> patientsTaken = new java.util.HashSet<>();
        java.util.Set<Integer> chosen = new java.util.TreeSet<>();
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < findings.size() && chosen.size() < SAMPLE_MAX; i++) {
                Finding f = findings.get(i);
                String group = group(f);
                if (chosen.contains(i) || taken.getOrDefault(group, 0) >= SAMPLE_PER_GROUP
                        || (pass == 0 && !patientsTaken.add(group + "\u0000" + f.patient()))) {
                    continue;
                }
                taken.merge(group, 1, Integer::sum);
                chosen.add(i);
            }
        }
        List<Finding> sample = new ArrayList<>(chosen.size());
        chosen.forEach(i -> sample.add(findings.get(i)));
        return sample;
    }

    /** Distinct patients per kind, over every finding. */
    public static Map<String, Integer> patientsByKind(List<Finding> findings) {
        Map<String, java.util.Set<String>> patients = new LinkedHashMap<>();
        findings.forEach(f -> patients.computeIfAbsent(f.kind().name(), k -> new java.util.HashSet<>()).add(f.patient()));
        Map<String, Integer> counts = new LinkedHashMap<>();
        patients.forEach((kind, set) -> counts.put(kind, set.size()));
        return counts;
    }

    private static String group(Finding f) {
        return f.kind().name() + "\u0000" + resource(f) + "\u0000" + where(f);
    }
}
