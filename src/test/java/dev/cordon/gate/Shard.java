package dev.cordon.gate;

import dev.cordon.config.ConfigException;

import java.util.List;

/** Part i of n of a population: disjoint parts that together cover every patient, for verifying in parallel jobs. */
public record Shard(int index, int count) {
    public static final Shard WHOLE = new Shard(1, 1);

    public static Shard parse(String text) {
        if (text == null) {
            return WHOLE;
        }
        String[] parts = text.split("/");
        try {
            if (parts.length == 2) {
                int i = Integer.parseInt(parts[0].trim());
                int n = Integer.parseInt(parts[1].trim());
                if (n >= 1 && i >= 1 && i <= n) {
                    return new Shard(i, n);
                }
            }
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw new ConfigException("--shard " + text + ": expected i/n with 1 <= i <= n, e.g. 2/4");
    }

    /** This part of {@code all}, as a view: nothing of it is read until asked for (the ledger's lists read lazily). */
    public <T> List<T> of(List<T> all) {
        if (count == 1) {
            return all;
        }
        int size = Math.max(0, (all.size() - index + count) / count);
        return dev.cordon.ledger.ListView.of(size, i -> all.get(i * count + index - 1));
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
