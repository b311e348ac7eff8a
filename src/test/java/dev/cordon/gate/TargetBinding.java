package dev.cordon.gate;

import dev.cordon.adapter.TargetApi;
import dev.cordon.config.ConfigException;
import dev.cordon.config.EnvironmentConfig;
import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerPatient;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A ledger is bound to its target by what the target says about itself, not only by the address it was reached at: a
 * staging behind a port-forward and a laptop's clinic are both "http://127.0.0.1:…", and once a verify wrote 818
 * requests to the wrong clinic and called it a BREACH. Where the profile lets the operator list patients, the target
 * must hold the ledger's patients under their ids, tagged with the ledger's run; otherwise it is another target and the
 * run is refused (exit 2) before anything is written. Only reads are sent (the operator's patient listing).
 */
final class TargetBinding {
    /** Ledger patients compared with the operator's listing: enough to tell, few enough to read back at any size. */
    static final int SAMPLE = 200;

    private TargetBinding() {
    }

    /** Whether the target can say which patients it holds (the profile declares patients.list). */
    static boolean canIdentify(EnvironmentConfig env) {
        return env.target().profile().patients().list() != null;
    }

    /**
     * Refuses (ConfigException) a target that holds none of the ledger's sampled patients as this run's; answers a note
     * when the ledger was seeded through another address of the same target, or some patients are gone; else null.
     */
    static String check(TargetApi target, Ledger ledger, String configuredTarget) {
        if (target.profile().patients().list() == null) {
            return null; // bound by address only (GateRun.bindLedger, before any request)
        }
        List<LedgerPatient> patients = ledger.patients();
        int sample = Math.min(SAMPLE, patients.size());
        if (sample == 0) {
            return null;
        }
        String runId = ledger.header().runId();
        Map<String, String> refById = new HashMap<>();
        for (TargetApi.TargetPatient listed : target.listPatients()) {
            refById.put(listed.targetId(), listed.externalRef());
        }
        int ours = 0;
        int absent = 0;
        int otherRun = 0;
        for (int i = 0; i < sample; i++) {
            String ref = refById.get(patients.get(i).targetId());
            if (ref == null) {
                absent++;
            } else if (GateRun.belongsToRun(ref, runId)) {
                ours++;
            } else {
                otherRun++;
            }
        }
        String seededOn = ledger.header().target();
        if (ours == 0) {
            throw new ConfigException(ledger.path() + ": the target at " + configuredTarget + " does not hold this ledger's run "
                    + runId + " (seeded on " + seededOn + "): of " + sample + " ledger patients its operator lists none as"
                    + " this run's (" + absent + " absent, " + otherRun + " tagged otherwise); pass the ledger of this target's"
                    + " seed phase, or seed this target first");
        }
        StringBuilder note = new StringBuilder();
        if (seededOn != null && !seededOn.equals(configuredTarget)) {
            note.append("the ledger was seeded through ").append(seededOn).append("; the target at ").append(configuredTarget)
                    .append(" holds its run ").append(runId).append(" (").append(ours).append(" of ").append(sample)
                    .append(" sampled patients), so it is the same target");
        }
        if (ours < sample) {
            note.append(note.isEmpty() ? "" : "; ").append(sample - ours).append(" of ").append(sample)
                    .append(" sampled ledger patients are not listed as this run's by the target (")
                    .append(absent).append(" absent, ").append(otherRun).append(" tagged otherwise)");
        }
        return note.isEmpty() ? null : note.toString();
    }
}
