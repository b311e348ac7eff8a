package dev.cordon.ledger;

/**
 * An owned item the target confirmed (or that reconciliation found after an unconfirmed write): the expected truth of
 * who owns it. {@code via} names the recipe run that made it; {@code reconciled} marks items learnt by reading back.
 * {@code partial} marks an item of a recipe run that did not finish (a later step failed or its answer was lost): it is
 * the patient's, so seeing it anywhere else is a leak, but it may never have become visible, so its absence is no loss.
 */
public record LedgerItem(String resource, String itemId, String patientKey, String cohort, String via, boolean reconciled,
                         boolean partial) {
    public LedgerItem(String resource, String itemId, String patientKey, String cohort, String via, boolean reconciled) {
        this(resource, itemId, patientKey, cohort, via, reconciled, false);
    }
    /** Made by a recipe run whose request body named another patient (see TamperedVia), or empty. */
    public java.util.Optional<TamperedVia> tampering() {
        return TamperedVia.of(via);
    }

    public String ref() {
        return resource + "/" + itemId;
    }
}
