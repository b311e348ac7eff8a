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
        // Values may come from the target (the release it reports): one line, control characters shown escaped,
        // then escaped for the properties format. The report escapes them as HTML itself.
        environment.forEach((k, v) -> text.append(properties(ConsoleText.safe(k, 100).replace(' ', '_'), true)).append('=')
                .append(properties(v == null ? "" : ConsoleText.safe(v, 500), false)).append('\n'));
        write(results.resolve("environment.properties"), text.toString());
    }

    private static String properties(String text, boolean key) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '=', ':' -> out.append(key ? "\\" + c : String.valueOf(c));
                case '#', '!' -> out.append(i == 0 ? "\\" + c : String.valueOf(c));
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Finding kinds are the first word of a failed step's message, so each result lands in its category. */
    public void writeCategories() {
        writeCategories(Map.of());
    }

    /**
     * As above, with the kinds of users' own steps (dev.cordon.extension.CustomFinding) by category title: filed under a
     * built-in category of that title, or under a category of their own after the built-in ones.
     */
    public void writeCategories(Map<String, ? extends java.util.Collection<String>> customKinds) {
        Map<String, java.util.Collection<String>> custom = new LinkedHashMap<>(customKinds);
        List<Map<String, Object>> categories = new ArrayList<>();
        for (FindingKind.Category category : FindingKind.Category.values()) {
            List<String> kinds = new ArrayList<>(Arrays.stream(FindingKind.values()).filter(k -> k.category() == category).map(Enum::name).toList());
            java.util.Collection<String> own = custom.remove(category.title());
            if (own != null) {
                kinds.addAll(own);
            }
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
        custom.forEach((title, kinds) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", title);
            entry.put("messageRegex", "(?s).*(" + kinds.stream().map(java.util.regex.Pattern::quote).collect(java.util.stream.Collectors.joining("|")) + ").*");
            entry.put("matchedStatuses", List.of("failed"));
            categories.add(entry);
        });
        // Allure has no status for "not applicable" or "deselected": both are results with status skipped, told apart by
        // their message, so the categories show the gate's four outcomes with the gate's counts.
        categories.add(Map.of("name", "Not applicable to this target's profile", "matchedStatuses", List.of("skipped"),
                "messageRegex", "(?s)" + java.util.regex.Pattern.quote(dev.cordon.steps.NotApplicable.PREFIX) + ".*"));
        categories.add(Map.of("name", "Deselected (not run on purpose: --tags, --skip-ui, the end of phase seed)",
                "matchedStatuses", List.of("skipped"), "messageRegex", "(?s)(" + java.util.regex.Pattern.quote(Outcome.DESELECTED_PREFIX)
                        + "|" + java.util.regex.Pattern.quote(Outcome.PHASE_SEED_ENDS) + ").*"));
        writeJson(results.resolve("categories.json"), categories);
    }

    /**
     * A scenario result Allure shows as skipped that is neither not applicable nor deselected did not run for no
     * declared reason: the gate counts it as failed, so the report shows it as broken ("did not run: ..."), not as a
     * harmless skip.
     */
    public void alignOutcomes() {
        if (!Files.isDirectory(results)) {
            return;
        }
        try (Stream<Path> files = Files.list(results)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith("-result.json")).toList()) {
                var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(file.toFile());
                if (!"skipped".equals(node.path("status").asText())) {
                    continue;
                }
                String message = node.path("statusDetails").path("message").asText("");
                if (Outcome.ofAbort(message) != Outcome.FAILED || message.startsWith(Outcome.DESELECTED_PREFIX)) {
                    continue;
                }
                node.put("status", "broken");
                node.withObject("/statusDetails").put("message", "did not run: " + (message.isEmpty() ? "skipped without a reason" : message));
                JSON.writeValue(file.toFile(), node);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + results, e);
        }
    }

    /** A result for a scenario --tags or --skip-ui left out: Allure never hears of those, and the counts must agree. */
    public void addDeselected(String name, String where, String why, long startMillis) {
        String uuid = java.util.UUID.randomUUID().toString();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("uuid", uuid);
        result.put("historyId", "deselected:" + where + ":" + name);
        result.put("fullName", name + " (" + where + ")");
        result.put("name", AllureText.plain(name));
        result.put("status", "skipped");
        result.put("statusDetails", Map.of("message", AllureText.markup(Outcome.DESELECTED_PREFIX + why)));
        result.put("stage", "finished");
        result.put("start", startMillis);
        result.put("stop", startMillis);
        int dash = name.indexOf(" - ");
        result.put("labels", List.of(Map.of("name", "feature", "value", AllureText.plain(dash > 0 ? name.substring(0, dash) : "Deselected")),
                Map.of("name", "tag", "value", "deselected")));
        writeJson(results.resolve(uuid + "-result.json"), result);
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
        addRunResult(historyId, name, feature, passed, message, null, attachments, startMillis);
    }

    /**
     * As above, with a description the report shows as HTML: the caller builds it escaped (see {@link VerdictPage}).
     * The message is escaped here, as {@link AllureSanitizer} does for the scenarios' results.
     */
    public void addRunResult(String historyId, String name, String feature, boolean passed, String message,
                             String descriptionHtml, Map<String, String> attachments, long startMillis) {
        String uuid = java.util.UUID.randomUUID().toString();
        List<Map<String, Object>> attached = new ArrayList<>();
        new java.util.TreeMap<>(attachments).forEach((attachmentName, content) -> {
            String extension = attachmentName.substring(attachmentName.lastIndexOf('.') + 1);
            String source = java.util.UUID.randomUUID() + "-attachment." + extension;
            write(results.resolve(source), content);
            attached.add(Map.of("name", AllureText.plain(attachmentName), "source", source,
                    "type", extension.equals("json") ? "application/json" : "text/plain"));
        });
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("uuid", uuid);
        result.put("historyId", historyId);
        result.put("fullName", "Cordon: " + name);
        result.put("name", AllureText.plain(name));
        result.put("status", passed ? "passed" : "failed");
        result.put("statusDetails", Map.of("message", AllureText.markup(message)));
        if (descriptionHtml != null) {
            result.put("descriptionHtml", descriptionHtml);
        }
        result.put("stage", "finished");
        result.put("start", startMillis);
        result.put("stop", System.currentTimeMillis());
        result.put("labels", List.of(Map.of("name", "feature", "value", feature), Map.of("name", "severity", "value", "blocker")));
        result.put("attachments", attached);
        writeJson(results.resolve(uuid + "-result.json"), result);
    }

    /** Runs the Allure CLI; returns the index.html or throws with what went wrong. */
    public Path generate() {
        return generate(null);
    }

    /**
     * Runs the Allure CLI with {@code reportName} (shown first on the overview; null: Allure's default), then hardens
     * index.html ({@link #harden}); returns the index.html or throws with what went wrong.
     */
    public Path generate(String reportName) {
        Path allure = findCli();
        neutraliseMarkupAttachments(results);
        try {
            List<String> command = new ArrayList<>(List.of(allure.toString(), "generate", "--clean", "-o", report.toString()));
            if (reportName != null) {
                command.addAll(List.of("--name", ConsoleText.safe(reportName, 300)));
            }
            command.add(results.toString());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
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
        harden(index, "");
        return index;
    }

    private static final java.util.regex.Pattern MARKUP_FILE = java.util.regex.Pattern.compile("(?i).*\\.(html?|xhtml|svg|xml|xsl)$");

    /**
     * An attachment stored as a page (.html, .svg, ...) would run as one when opened from the report, whatever its
     * declared type; Cordon attaches none, so any found is turned into escaped text before the report is generated.
     */
    static void neutraliseMarkupAttachments(Path results) {
        if (!Files.isDirectory(results)) {
            return;
        }
        try (Stream<Path> files = Files.list(results)) {
            for (Path file : files.filter(f -> MARKUP_FILE.matcher(f.getFileName().toString()).matches()).toList()) {
                Files.writeString(file, "<!DOCTYPE html><meta charset=\"utf-8\"><pre>"
                        + AllureText.markup(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8)) + "</pre>");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + results, e);
        }
    }

    public Path reportDir() {
        return report;
    }

    /**
     * What works offline and nothing else: a Content-Security-Policy that lets the report load only its own scripts,
     * styles, data and images from where it is served (no inline script, no other host, no eval), and no analytics.
     * Allure's own pages need inline style attributes, which the policy allows; scripts it does not.
     */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; media-src 'self'; frame-src 'none'; "
            + "object-src 'none'; base-uri 'none'; form-action 'none'";

    /**
     * Strips the analytics, sets {@link #CSP} as the first thing in the head, and puts {@code bannerHtml} (built
     * escaped by the caller; empty for none) first in the body. Idempotent: a second call replaces the first's banner.
     */
    public static void harden(Path index, String bannerHtml) {
        try {
            String html = stripAnalytics(Files.readString(index));
            html = html.replaceAll("(?s)<meta http-equiv=\"Content-Security-Policy\"[^>]*>\\s*", "")
                    .replaceAll("(?s)<!-- cordon-banner -->.*?<!-- /cordon-banner -->\\s*", "")
                    .replaceAll("(?s)<link rel=\"stylesheet\" type=\"text/css\" href=\"cordon-banner.css\">\\s*", "");
            html = html.replaceFirst("<head>", java.util.regex.Matcher.quoteReplacement(
                    "<head>\n    <meta http-equiv=\"Content-Security-Policy\" content=\"" + CSP + "\">\n    <meta name=\"referrer\" content=\"no-referrer\">"));
            if (!bannerHtml.isEmpty()) {
                html = html.replaceFirst("</head>", java.util.regex.Matcher.quoteReplacement(
                        "    <link rel=\"stylesheet\" type=\"text/css\" href=\"cordon-banner.css\">\n</head>"));
                html = html.replaceFirst("<body>", java.util.regex.Matcher.quoteReplacement(
                        "<body>\n    <!-- cordon-banner -->" + bannerHtml + "<!-- /cordon-banner -->"));
            }
            Files.writeString(index, html);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot harden " + index, e);
        }
    }

    /**
     * Writes the verdict page, the banner's styles and summary.json next to the report and opens the report on the
     * verdict: the banner on every page of the report links to the verdict page.
     */
    public void addVerdict(com.fasterxml.jackson.databind.JsonNode summary, String summaryJson) {
        write(report.resolve(VerdictPage.FILE_NAME), VerdictPage.html(summary, "index.html"));
        write(report.resolve("cordon-banner.css"), VerdictPage.BANNER_CSS);
        write(report.resolve("summary.json"), summaryJson);
        harden(report.resolve("index.html"), VerdictPage.banner(summary, VerdictPage.FILE_NAME));
    }

    static String stripAnalytics(String html) {
        return html.replaceAll("(?s)<script[^>]*googletagmanager[^>]*>\\s*</script>", "")
                .replaceAll("(?s)<script>[^<]*(gtag|dataLayer|google-analytics)[^<]*</script>", "");
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
            Files.writeString(file, Redaction.text(text));
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
