package dev.cordon.ledger;

import java.util.List;

/**
 * A cohort's seeding as the ledger knows it: planned (how many patients) when seeding starts, closed (how many were
 * confirmed complete, which were not) when it ends. A cohort that was never closed was interrupted.
 */
public record LedgerCohort(String cohort, int plannedPatients, boolean closed, int completePatients,
                           List<String> incompletePatients) {
    public boolean complete() {
        return closed && completePatients >= plannedPatients && incompletePatients.isEmpty();
    }
}
