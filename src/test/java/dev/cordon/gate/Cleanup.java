package dev.cordon.gate;

import dev.cordon.ledger.LedgerPatient;
import dev.cordon.population.PopulationPlanner;
import dev.cordon.target.TargetApi;

import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Removes synthetic records: every patient of the ledger's run (their consultations and recordings go with them), or
 * every synthetic patient of any run older than a given age. Idempotent: already-removed patients are counted, not errors.
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
                    if (target.deletePatient(patient.targetId())) {
                        removed++;
                    } else {
                        absent++;
                    }
                }
            }
            out.printf("cleanup: removed %d synthetic patients older than %d h (%d were already gone)%n", removed,
                    run.options().olderThanHours(), absent);
        } else {
            for (LedgerPatient patient : run.ledger().patients()) {
                if (target.deletePatient(patient.targetId())) {
                    removed++;
                } else {
                    absent++;
                }
            }
            out.printf("cleanup: removed %d synthetic patients of run %s with their consultations and recordings (%d were already gone)%n",
                    removed, run.ledger().header().runId(), absent);
        }
        run.note("cleanup removed " + removed + " synthetic patients (" + absent + " already gone)");
    }

    private static boolean olderThan(String createdAt, Instant cutoff) {
        try {
            return createdAt != null && Instant.parse(createdAt).isBefore(cutoff);
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
