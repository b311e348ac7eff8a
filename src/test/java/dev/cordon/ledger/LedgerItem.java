package dev.cordon.ledger;

/**
 * An owned item the target confirmed (or that reconciliation found after an unconfirmed write): the expected truth of
 * who owns it. {@code via} names the recipe run that made it; {@code reconciled} marks items learnt by reading back.
 */
public record LedgerItem(String resource, String itemId, String patientKey, String cohort, String via, boolean reconciled) {
    public String ref() {
        return resource + "/" + itemId;
    }
}
