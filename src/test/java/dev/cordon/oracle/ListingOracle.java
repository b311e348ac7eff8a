package dev.cordon.oracle;

import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.ledger.LedgerRecording;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Holds a caller's replay listing against the ledger: exactly the caller's own recordings, nothing foreign, nothing
 * unknown, nothing missing. The same comparison serves the API listing, concurrent probes and the web page.
 */
public final class ListingOracle {
    private final Ledger ledger;

    public ListingOracle(Ledger ledger) {
        this.ledger = ledger;
    }

    /** Compares what the caller was shown with the ledger; {@code requests} says where it was seen (method path status). */
    public List<Finding> compare(LedgerPatient caller, List<String> observedIds, List<String> requests) {
        return compare(caller, observedIds, requests, FindingKind.FOREIGN_IN_LISTING, FindingKind.UNKNOWN_IN_LISTING,
                FindingKind.MISSING_FROM_LISTING, "replay listing");
    }

    /** As above with the kinds to report; a null missingKind ignores own items that are absent. */
    public List<Finding> compare(LedgerPatient caller, List<String> observedIds, List<String> requests,
                                 FindingKind foreignKind, FindingKind unknownKind, FindingKind missingKind, String what) {
        Set<String> expected = new LinkedHashSet<>(ledger.recordingsOf(caller.key()));
        Set<String> observed = new LinkedHashSet<>(observedIds);
        Map<String, String> foreign = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String id : observed) {
            if (expected.contains(id)) {
                continue;
            }
            Optional<LedgerRecording> known = ledger.recording(id);
            if (known.isPresent()) {
                foreign.put(id, known.get().patientKey());
            } else {
                unknown.add(id);
            }
        }
        List<String> missing = expected.stream().filter(id -> !observed.contains(id)).toList();

        List<Finding> findings = new ArrayList<>();
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("patient", caller.key());
        base.put("username", caller.username());
        base.put("expected", List.copyOf(expected));
        base.put("observed", List.copyOf(observedIds));
        base.put("requests", List.copyOf(requests));
        if (!foreign.isEmpty()) {
            Map<String, Object> evidence = new LinkedHashMap<>(base);
            Map<String, String> owners = new LinkedHashMap<>();
            foreign.forEach((id, owner) -> owners.put(id, owner));
            evidence.put("foreign", owners);
            findings.add(new Finding(foreignKind, caller.key(), "%s's %s holds %d recording(s) of other patients: %s"
                    .formatted(caller.key(), what, foreign.size(), describeOwners(foreign)), evidence));
        }
        if (!unknown.isEmpty()) {
            Map<String, Object> evidence = new LinkedHashMap<>(base);
            evidence.put("unknown", unknown);
            findings.add(new Finding(unknownKind, caller.key(), "%s's %s holds %d item(s) the ledger does not know (possibly a real patient's): %s"
                    .formatted(caller.key(), what, unknown.size(), unknown), evidence));
        }
        if (!missing.isEmpty() && missingKind != null) {
            Map<String, Object> evidence = new LinkedHashMap<>(base);
            evidence.put("missing", missing);
            findings.add(new Finding(missingKind, caller.key(), "%s's %s lacks %d of their own recording(s): %s"
                    .formatted(caller.key(), what, missing.size(), missing), evidence));
        }
        return findings;
    }

    private static String describeOwners(Map<String, String> foreign) {
        StringBuilder text = new StringBuilder();
        foreign.forEach((id, owner) -> text.append(text.isEmpty() ? "" : ", ").append(id).append(" (rightful owner ").append(owner).append(")"));
        return text.toString();
    }
}
