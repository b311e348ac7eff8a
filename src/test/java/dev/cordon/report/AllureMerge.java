package dev.cordon.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Allure results of the shards of one verify, made into the results of one run. Every shard runs every scenario
 * (each on its part of the patients), so a scenario has one result per shard under the same history id. Allure shows
 * one result per history id and keeps the others as its earlier attempts ("retries", not counted): the result that
 * stays in front is the shard's worst outcome (failed before passed before not applicable or deselected), so the
 * report counts each scenario once, as the merged summary.json does. Each result says its shard as a parameter.
 * The shards' own verdict results are left out: the merge writes one verdict of its own.
 */
public final class AllureMerge {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Files of a results folder that describe the run, not a result: written once by the merge. */
    private static final Set<String> RUN_FILES = Set.of("environment.properties", "categories.json", "executor.json");

    private AllureMerge() {
    }

    /** One shard's results folder and its name ("2/3"). */
    public record ShardResults(String shard, Path dir) {
    }

    /**
     * Copies every shard's attachments and results into {@code results} (already prepared), leaving out results whose
     * history id is {@code skipHistoryId}; returns the first shard's environment.properties entries and executor.json,
     * for the merged run to start from.
     */
    public static Map<String, String> merge(List<ShardResults> shards, Path results, String skipHistoryId) {
        Map<String, List<ObjectNode>> byHistory = new LinkedHashMap<>();
        Map<String, String> environment = new LinkedHashMap<>();
        try {
            Files.createDirectories(results);
            for (ShardResults shard : shards) {
                if (!Files.isDirectory(shard.dir())) {
                    continue;
                }
                try (Stream<Path> files = Files.list(shard.dir())) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        String name = file.getFileName().toString();
                        if (name.equals("environment.properties") && environment.isEmpty()) {
                            environment.putAll(properties(file));
                        }
                        if (name.equals("executor.json") && !Files.exists(results.resolve(name))) {
                            Files.copy(file, results.resolve(name));
                        }
                        if (RUN_FILES.contains(name)) {
                            continue;
                        }
                        if (!name.endsWith("-result.json")) {
                            // Attachments and containers are named by uuid: shards never collide, but never overwrite either.
                            Path dest = results.resolve(name);
                            if (!Files.exists(dest)) {
                                Files.copy(file, dest, StandardCopyOption.COPY_ATTRIBUTES);
                            }
                            continue;
                        }
                        ObjectNode result = (ObjectNode) JSON.readTree(file.toFile());
                        String historyId = result.path("historyId").asText(name);
                        if (historyId.equals(skipHistoryId)) {
                            continue;
                        }
                        var parameters = result.withArray("parameters");
                        parameters.addObject().put("name", "shard").put("value", shard.shard());
                        result.put("uuid", java.util.UUID.randomUUID().toString());
                        byHistory.computeIfAbsent(historyId, k -> new ArrayList<>()).add(result);
                    }
                }
            }
            for (List<ObjectNode> attempts : byHistory.values()) {
                ObjectNode front = attempts.stream().min(Comparator.comparingInt(AllureMerge::rank)).orElseThrow();
                long latestStart = attempts.stream().mapToLong(r -> r.path("start").asLong(0)).max().orElse(0);
                long duration = Math.max(0, front.path("stop").asLong(0) - front.path("start").asLong(0));
                if (attempts.size() > 1) {
                    // Allure keeps the latest attempt in front: the worst outcome is made the latest.
                    front.put("start", latestStart + 1).put("stop", latestStart + 1 + duration);
                }
                for (ObjectNode result : attempts) {
                    Files.writeString(results.resolve(result.path("uuid").asText() + "-result.json"), JSON.writeValueAsString(result));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot merge the shards' Allure results into " + results, e);
        }
        return environment;
    }

    /** Lower is worse: what stays in front of a scenario's results. */
    private static int rank(JsonNode result) {
        return switch (result.path("status").asText("")) {
            case "failed" -> 0;
            case "broken" -> 1;
            case "unknown" -> 2;
            case "passed" -> 3;
            default -> 4; // skipped: not applicable or deselected
        };
    }

    private static Map<String, String> properties(Path file) throws IOException {
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        Map<String, String> map = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> map.put(k, p.getProperty(k)));
        return map;
    }
}
