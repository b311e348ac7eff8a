package dev.cordon.oracle;

import java.util.Map;

/**
 * One thing the oracle saw go wrong, with evidence an auditor can read: the synthetic patient, expected vs observed
 * ids, foreign ids with their rightful owners, method, path and status. Never a token, password or cookie.
 */
public record Finding(FindingKind kind, String patient, String summary, Map<String, Object> evidence) {
    public Finding {
        evidence = Map.copyOf(evidence);
    }

    /** A UI_MISMATCH that only lost own items is data loss; one that shows foreign items is a breach. */
    public String category() {
        if (kind == FindingKind.UI_MISMATCH && !evidence.containsKey("foreign") && evidence.containsKey("missing")) {
            return FindingKind.Category.DATA_LOSS.title();
        }
        return kind.category().title();
    }
}
