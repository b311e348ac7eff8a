package dev.cordon.ledger;

/** The first line of a ledger: which run, where, at which release and from which seed the population was made. */
public record LedgerHeader(String runId, String environment, String target, String releaseAtSeed, long seed, String createdAt) {
}
