package dev.cordon.config;

import java.util.List;

/** Command-line values that win over the environment file; null means "as the file says". */
public record Overrides(String fromRelease, String toRelease, Integer patients, Integer consultationsPerPatient,
                        Long seed, String ledger, List<String> faults, String shard, Integer concurrency) {
    public Overrides(String fromRelease, String toRelease, Integer patients, Integer consultationsPerPatient,
                     Long seed, String ledger, List<String> faults, String shard) {
        this(fromRelease, toRelease, patients, consultationsPerPatient, seed, ledger, faults, shard, null);
    }

    public static Overrides none() {
        return new Overrides(null, null, null, null, null, null, List.of(), null, null);
    }
}
