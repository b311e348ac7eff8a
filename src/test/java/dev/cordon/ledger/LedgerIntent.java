package dev.cordon.ledger;

/**
 * Written before a write whose answer creates something (an account, a recipe run): if the answer is lost, the intent
 * says what may exist on the target, so reconciliation and cleanup can find it.
 */
public record LedgerIntent(String patientKey, String cohort, String what, String externalRef, String username) {
}
