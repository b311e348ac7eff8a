package dev.cordon.gate;

import dev.cordon.ledger.LedgerPatient;
import dev.cordon.population.PopulationPlanner;
import dev.cordon.adapter.TargetApi;

import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Removes synthetic records: every patient of the ledger's run (their consultations and recordings go with them), or
 * every synthetic patient of any run older than a given age. Where the target lists patients, the run is found by its
 * externalRef tag, so patients added after the ledger was copied go too, and a ledger id the target now gives to a
 * record without the run's tag is never deleted. Idempotent: already-removed patients are counted, not errors.
 */
final class Cleanup {
    private final GateRun run;
    private final PrintStream out;

    Cleanup(GateRun run, PrintStream out) {
        this.run = run;
        this.out = out;
    }

    void run() {
        TargetApi target = run.connectForCleanup();
        int removed = 0;
        int absent = 0;
        if (run.options().olderThanHours() != null) {
            Instant cutoff = Instant.now().minusSeconds(run.options().olderThanHours() * 3600L);
            for (TargetApi.TargetPatient patient : target.listPatients()) {
                if (PopulationPlanner.isSyntheticRef(patient.externalRef()) && olderThan(patient.createdAt(), cutoff)) {
                    if (target.deletePatient(accountOf(target, patient.targetId()))) {
                        removed++;
                    } else {
                        absent++;
                    }
                }
            }
            out.printf("cleanup: removed %d synthetic patients older than %d h (%d were already gone)%n", removed,
                    run.options().olderThanHours(), absent);
        } else {
            String runId = run.ledger().header().runId();
            int notOurs = 0;
            if (target.profile().patients().list() != null) {
                // The target's own listing decides: every patient tagged with this run (also those a verify job or a
                // shard added after the ledger was copied), and never an id the ledger knows that now holds someone else.
                Map<String, String> refById = new LinkedHashMap<>();
                target.listPatients().forEach(p -> refById.put(p.targetId(), p.externalRef()));
                Set<String> toRemove = new LinkedHashSet<>();
                for (LedgerPatient patient : run.ledger().patients()) {
                    String ref = refById.get(patient.targetId());
                    if (ref == null) {
                        absent++;
                    } else if (GateRun.belongsToRun(ref, runId)) {
                        toRemove.add(patient.targetId());
                    } else {
                        notOurs++;
                    }
                }
                refById.forEach((id, ref) -> {
                    if (GateRun.belongsToRun(ref, runId)) {
                        toRemove.add(id);
                    }
                });
                for (String id : toRemove) {
                    if (target.deletePatient(accountOf(target, id))) {
                        removed++;
                    } else {
                        absent++;
                    }
                }
            } else {
                for (LedgerPatient patient : run.ledger().patients()) {
                    if (target.deletePatient(accountOf(target, patient.targetId()))) {
                        removed++;
                    } else {
                        absent++;
                    }
                }
            }
            out.printf("cleanup: removed %d synthetic patients of run %s with everything they own (%d were already gone)%n",
                    removed, runId, absent);
            readBack(target, runId);
            if (notOurs > 0) {
                out.printf("cleanup: left %d ledger ids alone: the target gives them to records not tagged with run %s%n", notOurs, runId);
                run.note("cleanup left " + notOurs + " ledger ids alone that the target no longer tags with run " + runId);
            }
        }
        run.note("cleanup removed " + removed + " synthetic patients (" + absent + " already gone)");
    }

    /** Cleanup is confirmed by reading back: whatever of the run the target still lists is reported, not claimed gone. */
    private void readBack(TargetApi target, String runId) {
        if (target.profile().patients().list() == null) {
            run.note("cleanup could not be confirmed: the profile declares no patients.list to read back");
            return;
        }
        long remaining = target.listPatients().stream().filter(p -> GateRun.belongsToRun(p.externalRef(), runId)).count();
        if (remaining > 0) {
            out.printf("cleanup: %d synthetic patients of run %s are STILL listed by the target%n", remaining, runId);
            run.note("cleanup incomplete: the target still lists " + remaining + " synthetic patients of run " + runId);
        } else {
            out.printf("cleanup: confirmed, the target lists no synthetic patient of run %s%n", runId);
        }
    }

    private static java.util.Map<String, String> accountOf(TargetApi target, String ownerId) {
        return java.util.Map.of(target.profile().patients().ownerKey(), ownerId);
    }

    private static boolean olderThan(String createdAt, Instant cutoff) {
        try {
            return createdAt != null && Instant.parse(createdAt).isBefore(cutoff);
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
