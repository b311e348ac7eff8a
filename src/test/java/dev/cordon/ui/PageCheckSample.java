package dev.cordon.ui;

import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.oracle.Finding;
import dev.cordon.oracle.FindingKind;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Whom the browser checks: a sample of the population, the same for the same seed (a failing run can be replayed),
 * plus every patient an earlier check has flagged, since a fault seen over the API is the likeliest to show on the
 * page as well — and an auditor will ask what the page showed them.
 */
public record PageCheckSample(List<LedgerPatient> patients, int sampled, int flagged) {

    public static PageCheckSample choose(List<LedgerPatient> population, int sampleSize, long seed, List<Finding> findingsSoFar,
                                         Ledger ledger) {
        List<LedgerPatient> shuffled = new ArrayList<>(population);
        shuffled.sort(Comparator.comparing(LedgerPatient::key));
        Collections.shuffle(shuffled, new Random(seed));
        Map<String, LedgerPatient> chosen = new LinkedHashMap<>();
        shuffled.stream().limit(sampleSize).forEach(p -> chosen.put(p.key(), p));
        int sampled = chosen.size();
        for (Finding finding : findingsSoFar) {
            if (finding.kind() != FindingKind.UI_MISMATCH && finding.patient() != null && !chosen.containsKey(finding.patient())) {
                ledger.patient(finding.patient()).ifPresent(p -> chosen.put(p.key(), p));
            }
        }
        return new PageCheckSample(List.copyOf(chosen.values()), sampled, chosen.size() - sampled);
    }
}
