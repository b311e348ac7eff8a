package dev.cordon.gate;

import dev.cordon.config.ConfigException;

import java.util.List;
import java.util.stream.IntStream;

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

    public <T> List<T> of(List<T> all) {
        return IntStream.range(0, all.size()).filter(i -> i % count == index - 1).mapToObj(all::get).toList();
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
