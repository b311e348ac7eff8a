package dev.cordon.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cordon.oracle.FindingKind;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Allure side of a run: prepares the results folder (keeping the history of the previous report for the trend),
 * writes environment, categories and executor, and generates the HTML report with the real Allure CLI, without
 * analytics: ALLURE_NO_ANALYTICS=1 and the analytics script stripped from index.html.
 */
public final class AllureReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path results;
    private final Path report;
    private final Path cliHome;

    public AllureReport(Path results, Path report, Path cliHome) {
        this.results = results;
        this.report = report;
        this.cliHome = cliHome;
    }

    /** Empties the results folder (old results would show as retries) and carries the last report's history over. */
    public void prepare() {
        deleteTree(results);
        try {
            Files.createDirectories(results);
            Path history = report.resolve("history");
            if (Files.isDirectory(history)) {
                copyTree(history, results.resolve("history"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + results, e);
        }
    }

    public void writeEnvironment(Map<String, String> environment) {
        StringBuilder text = new StringBuilder();
        environment.forEach((k, v) -> text.append(k.replace(' ', '_')).append('=')
                .append(v == null ? "" : v.replace("\\", "\\\\").replace("\n", " ")).append('\n'));
        write(results.resolve("environment.properties"), text.toString());
    }

    /** Finding kinds are the first word of a failed step's message, so each result lands in its category. */
    public void writeCategories() {
        List<Map<String, Object>> categories = new ArrayList<>();
        for (FindingKind.Category category : FindingKind.Category.values()) {
            List<String> kinds = Arrays.stream(FindingKind.values()).filter(k -> k.category() == category).map(Enum::name).toList();
            if (category == FindingKind.Category.DATA_LOSS) {
                kinds = new ArrayList<>(kinds);
                kinds.add("UI_MISMATCH \\(data loss\\)");
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", category.title());
            entry.put("messageRegex", "(?s).*(" + String.join("|", kinds) + ").*");
            entry.put("matchedStatuses", category == FindingKind.Category.INFRASTRUCTURE ? List.of("broken", "failed") : List.of("failed"));
            categories.add(entry);
        }
        categories.add(Map.of("name", "Not checked (skipped)", "matchedStatuses", List.of("skipped")));
        writeJson(results.resolve("categories.json"), categories);
    }

    public void writeExecutor(Map<String, Object> executor) {
        writeJson(results.resolve("executor.json"), executor);
    }

    /**
     * Adds a result of the run itself (the gate's verdict, the kill matrix) beside the scenarios, with text
     * attachments, so the report shows the whole run's outcome and evidence, not only scenario by scenario.
     */
    public void addRunResult(String historyId, String name, String feature, boolean passed, String message,
                             Map<String, String> attachments, long startMillis) {
        String uuid = java.util.UUID.randomUUID().toString();
        List<Map<String, Object>> attached = new ArrayList<>();
        attachments.forEach((attachmentName, content) -> {
            String extension = attachmentName.substring(attachmentName.lastIndexOf('.') + 1);
            String source = java.util.UUID.randomUUID() + "-attachment." + extension;
            write(results.resolve(source), content);
            attached.add(Map.of("name", attachmentName, "source", source,
                    "type", extension.equals("json") ? "application/json" : extension.equals("md") ? "text/markdown" : "text/plain"));
        });
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("uuid", uuid);
        result.put("historyId", historyId);
        result.put("fullName", "Cordon: " + name);
        result.put("name", name);
        result.put("status", passed ? "passed" : "failed");
        result.put("statusDetails", Map.of("message", message));
        result.put("stage", "finished");
        result.put("start", startMillis);
        result.put("stop", System.currentTimeMillis());
        result.put("labels", List.of(Map.of("name", "feature", "value", feature), Map.of("name", "severity", "value", "blocker")));
        result.put("attachments", attached);
        writeJson(results.resolve(uuid + "-result.json"), result);
    }

    /** Runs the Allure CLI; returns the index.html or throws with what went wrong. */
    public Path generate() {
        Path allure = findCli();
        try {
            ProcessBuilder builder = new ProcessBuilder(allure.toString(), "generate", "--clean", "-o", report.toString(), results.toString())
                    .redirectErrorStream(true);
            builder.environment().put("ALLURE_NO_ANALYTICS", "1");
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("allure generate failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + allure, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating the report", e);
        }
        Path index = report.resolve("index.html");
        stripAnalytics(index);
        return index;
    }

    static void stripAnalytics(Path index) {
        try {
            String html = Files.readString(index);
            String cleaned = html.replaceAll("(?s)<script[^>]*googletagmanager[^>]*>\\s*</script>", "")
                    .replaceAll("(?s)<script>[^<]*(gtag|dataLayer|google-analytics)[^<]*</script>", "");
            Files.writeString(index, cleaned);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + index, e);
        }
    }

    private Path findCli() {
        try (Stream<Path> found = Files.walk(cliHome, 3)) {
            return found.filter(p -> p.getFileName().toString().equals("allure") && p.getParent().getFileName().toString().equals("bin"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no Allure CLI under " + cliHome + "; run ./mvnw -DskipTests package"));
        } catch (IOException e) {
            throw new IllegalStateException("no Allure CLI under " + cliHome + "; run ./mvnw -DskipTests package", e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void writeJson(Path file, Object body) {
        try {
            write(file, JSON.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path dest = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(source, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
