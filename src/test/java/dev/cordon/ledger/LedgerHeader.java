package dev.cordon.ledger;

/**
 * The first line of a ledger: which run, which environment and target, at which release and from which seed the
 * population was made, and a check value of the password key (an HMAC, not the key) so a wrong key is refused before
 * anything is sent.
 */
public record LedgerHeader(String runId, String environment, String target, String releaseAtSeed, long seed,
                           String createdAt, String keyCheck, int plannedPatients) {
}
