package dev.cordon.oracle;

import dev.cordon.ledger.LedgerPatient;
import dev.cordon.target.Observation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Judges opening a recording by its id: a patient must open each of their own recordings and must be refused every
 * other patient's (any 2xx is a breach; 401, 403 and 404 are refusals; 5xx or no answer is unverified).
 */
public final class AccessOracle {

    public Optional<Finding> foreign(LedgerPatient caller, String recordingId, String owner, Observation answer, FindingKind kind) {
        if (answer.ok()) {
            return Optional.of(new Finding(kind, caller.key(), "%s opened %s of recording %s, which belongs to %s (%s answered %d)"
                    .formatted(caller.key(), answer.operation().equals("openMedia") ? "the media" : "the metadata",
                            recordingId, owner, answer.request(), answer.status()),
                    evidence(caller, recordingId, owner, answer)));
        }
        if (answer.serverError()) {
            return Optional.of(unverified(caller, recordingId, answer));
        }
        return Optional.empty();
    }

    public Optional<Finding> own(LedgerPatient caller, String recordingId, Observation answer) {
        if (answer.ok()) {
            return Optional.empty();
        }
        if (answer.status() == 404 || answer.status() == 403) {
            return Optional.of(new Finding(FindingKind.MISSING_FROM_LISTING, caller.key(),
                    "%s cannot open their own recording %s (%s answered %d)".formatted(caller.key(), recordingId,
                            answer.request(), answer.status()), evidence(caller, recordingId, caller.key(), answer)));
        }
        return Optional.of(unverified(caller, recordingId, answer));
    }

    private static Finding unverified(LedgerPatient caller, String recordingId, Observation answer) {
        return new Finding(FindingKind.UNVERIFIED, caller.key(), "could not check recording %s for %s: %s answered %d"
                .formatted(recordingId, caller.key(), answer.request(), answer.status()),
                evidence(caller, recordingId, null, answer));
    }

    private static Map<String, Object> evidence(LedgerPatient caller, String recordingId, String owner, Observation answer) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("patient", caller.key());
        evidence.put("recording", recordingId);
        if (owner != null) {
            evidence.put("rightfulOwner", owner);
        }
        evidence.put("request", answer.request());
        evidence.put("status", answer.status());
        if (!answer.extracted().isEmpty()) {
            evidence.put("answered", answer.extracted());
        }
        return evidence;
    }

    public static List<String> requests(List<Observation> observations) {
        return observations.stream().map(o -> o.request() + " -> " + o.status()).toList();
    }
}
