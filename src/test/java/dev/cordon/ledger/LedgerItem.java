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

    /** The purpose of the sacrificial item a resource's delete proof removes (beside each write probe's name). */
    public static final String DELETE_PROOF = "delete-proof";

    /** The prefix of {@code via} that marks an item made for Cordon's own writes (a sacrificial item). */
    public static final String SACRIFICIAL = "sacrificial:";

    /** Whether an item of this provenance was made for a write probe or delete proof (see {@link #SACRIFICIAL}). */
    public static boolean isSacrificial(String via) {
        return via != null && via.startsWith(SACRIFICIAL);
    }

    public boolean sacrificial() {
        return isSacrificial(via);
    }

    /** The purpose (a write probe's name, or "delete") a sacrificial item was made for, or null. */
    public String sacrificedFor() {
        if (!sacrificial()) {
            return null;
        }
        String rest = via.substring(SACRIFICIAL.length());
        int colon = rest.indexOf(':');
        return colon < 0 ? rest : rest.substring(0, colon);
    }

    public String ref() {
        return resource + "/" + itemId;
    }
}
