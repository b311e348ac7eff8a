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

    /** The first {@link #SAMPLE_PER_GROUP} of each group, in the order found, at most {@link #SAMPLE_MAX} in all. */
    public static List<Finding> sample(List<Finding> findings) {
        Map<String, Integer> taken = new LinkedHashMap<>();
        List<Finding> sample = new ArrayList<>();
        for (Finding f : findings) {
            if (sample.size() >= SAMPLE_MAX) {
                break;
            }
            String group = f.kind().name() + "\u0000" + resource(f) + "\u0000" + where(f);
            if (taken.merge(group, 1, Integer::sum) <= SAMPLE_PER_GROUP) {
                sample.add(f);
            }
        }
        return sample;
    }
}
