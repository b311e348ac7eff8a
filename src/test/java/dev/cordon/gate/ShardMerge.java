package dev.cordon.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.report.AllureMerge;
import dev.cordon.report.AllureReport;
import dev.cordon.report.ConsoleText;
import dev.cordon.report.EvidenceBundle;
import dev.cordon.report.Outcome;
import dev.cordon.report.VerdictPage;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code --merge DIR...}: the outputs of the shards of one verify (each DIR holds a shard's target/cordon and
 * target/allure-results) made into one verdict: one summary.json whose counts are what one runner would report, one
 * verdict page, one Allure report and one evidence bundle, in target/ of the project. Before anything is written it
 * proves the shards belong together (the same ledger run and ledger file, the same environment, releases and number
 * of shards: otherwise exit 2) and cover every shard exactly once (a missing or duplicate shard is UNVERIFIED, exit 3,
 * named in the verdict). Nothing is sent to any target.
 */
final class ShardMerge {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final PrintStream out;
    private final Map<String, String> processEnv;

    ShardMerge(Path root, PrintStream out, Map<String, String> processEnv) {
        this.root = root;
        this.out = out;
        this.processEnv = processEnv;
    }

    /** A shard's outputs as read from its DIR: {@code base} holds its cordon/ and allure-results/ (DIR/target, or DIR). */
    record Shard(Path dir, Path base, JsonNode summary, int index, int count) {
        String name() {
            return index + "/" + count;
        }

        Path cordon() {
            return base.resolve("cordon");
        }

        Path allureResults() {
            return base.resolve("allure-results");
        }
    }

    /** Bad input: names the DIR, what is wrong and how to fix it; exit 2, nothing written but the error summary. */
    static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message);
        }
    }

    int run(List<Path> dirs) {
        List<Shard> shards;
        try {
            shards = read(dirs);
            agree(shards);
        } catch (Refusal e) {
            out.println("cordon: --merge: " + ConsoleText.safe(e.getMessage(), 4000));
            out.println("VERDICT ERROR: nothing was merged (exit 2)");
            GateReport.writeConfigError(root.resolve("target/cordon"), null, Phase.verify, "--merge: " + e.getMessage());
            return Verdict.ERROR.exitCode();
        }
        return merge(shards);
    }

    /** Folders given that hold no summary.json: named in the verdict's notes. */
    private final List<String> unreadable = new ArrayList<>();

    private List<Shard> read(List<Path> dirs) {
        List<Shard> shards = new ArrayList<>();
        for (Path given : dirs) {
            Path dir = given.toAbsolutePath().normalize();
            if (dir.equals(root)) {
                throw new Refusal(given + " is the project directory, where the merge writes its own target/cordon: copy each"
                        + " shard's target/cordon and target/allure-results into a folder of its own (shard-1/target/...)");
            }
            if (!Files.isDirectory(dir)) {
                throw new Refusal(given + " does not exist: pass the folders that hold each shard's target/cordon and"
                        + " target/allure-results (the verify jobs' artifacts)");
            }
            // As laid out by hand (DIR/target/cordon) or as a CI artifact of target/cordon + target/allure-results (DIR/cordon).
            Path base = Files.isDirectory(dir.resolve("target/cordon")) || !Files.isDirectory(dir.resolve("cordon")) ? dir.resolve("target") : dir;
            Path file = base.resolve("cordon/summary.json");
            if (!Files.isRegularFile(file)) {
                // A shard that ended before writing its summary verified nothing provable: its part is missing (exit 3).
                unreadable.add(given + " holds no target/cordon/summary.json (a shard that ended before writing it?)");
                continue;
            }
            JsonNode summary;
            try {
                summary = JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new Refusal(file + " is not valid JSON (" + firstLine(e.getMessage()) + "): the shard's output is damaged; run the shard again");
            }
            String verdict = summary.path("verdict").asText("");
            if (verdict.equals("ERROR")) {
                throw new Refusal(file + " is the summary of a run that was refused (exit 2: " + summary.path("error").asText("?")
                        + "); it verified nothing: fix that and run the shard again");
            }
            String phase = summary.path("phase").asText("");
            if (!phase.equals("verify") && !phase.equals("rehearse")) {
                throw new Refusal(file + " is of phase " + (phase.isEmpty() ? "(none)" : phase) + "; only the shards of phase verify"
                        + " (or one whole rehearsal) are merged");
            }
            if (!summary.path("shardIndex").isInt() || !summary.path("shardCount").isInt() || !summary.path("ledger").path("run").isTextual()
                    || !summary.path("ledger").path("sha256").isTextual()) {
                throw new Refusal(file + " does not say which shard, run and ledger it is (shardIndex, shardCount, ledger.run,"
                        + " ledger.sha256): it was written by an older gate or before the ledger was read; run the shard again");
            }
            shards.add(new Shard(dir, base, summary, summary.path("shardIndex").asInt(), summary.path("shardCount").asInt()));
        }
        if (shards.isEmpty()) {
            throw new Refusal("none of the folders holds a shard's summary.json (" + String.join("; ", unreadable) + ")");
        }
        return shards;
    }

    /** The shards of one run agree on what they verified; any difference is a mix-up, exit 2, naming who differs. */
    private static void agree(List<Shard> shards) {
        same(shards, "number of shards", s -> String.valueOf(s.count()));
        same(shards, "ledger run", s -> s.summary().path("ledger").path("run").asText());
        same(shards, "ledger file (SHA-256 as the verify found it)", s -> s.summary().path("ledger").path("sha256").asText());
        same(shards, "environment", s -> s.summary().path("environment").asText());
        same(shards, "phase", s -> s.summary().path("phase").asText());
        same(shards, "release under test", s -> s.summary().path("releases").path("to").asText());
        same(shards, "release before the update", s -> s.summary().path("releases").path("from").asText());
        for (Shard s : shards) {
            if (s.index() < 1 || s.index() > s.count()) {
                throw new Refusal(s.dir() + ": shard " + s.name() + " is not a part of " + s.count());
            }
        }
    }

    private static void same(List<Shard> shards, String what, java.util.function.Function<Shard, String> value) {
        Map<String, List<String>> seen = new LinkedHashMap<>();
        shards.forEach(s -> seen.computeIfAbsent(value.apply(s), k -> new ArrayList<>()).add(s.dir().toString()));
        if (seen.size() > 1) {
            throw new Refusal("the folders are not the shards of one run: they differ in " + what + ": " + seen.entrySet().stream()
                    .map(e -> e.getKey() + " (" + String.join(", ", e.getValue()) + ")").collect(Collectors.joining(" vs "))
                    + "; pass the shards of one verify of one ledger");
        }
    }

    private int merge(List<Shard> given) {
        int count = given.get(0).count();
        Map<Integer, List<Shard>> byIndex = new TreeMap<>();
        given.forEach(s -> byIndex.computeIfAbsent(s.index(), k -> new ArrayList<>()).add(s));
        List<String> missing = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            List<Shard> found = byIndex.getOrDefault(i, List.of());
            if (found.isEmpty()) {
                missing.add(i + "/" + count);
            } else if (found.size() > 1) {
                duplicated.add(i + "/" + count + " (" + found.stream().map(s -> s.dir().toString()).collect(Collectors.joining(", ")) + ")");
            }
        }
        // Each shard counted once: of a duplicate, the first folder given (the others are named in the verdict).
        List<Shard> shards = byIndex.values().stream().map(l -> l.get(0)).toList();

        Map<String, Object> summary = new LinkedHashMap<>();
        JsonNode first = shards.get(0).summary();
        List<String> notes = new ArrayList<>();
        missing.forEach(m -> notes.add("shard " + m + " is MISSING: its patients were not verified"));
        notes.addAll(unreadable);
        duplicated.forEach(d -> notes.add("shard " + d + " was given more than once: counted once (the first folder), the verdict is UNVERIFIED"));

        Map<String, Object> counts = mergeCounts(shards);
        List<Map<String, Object>> scenarios = mergeScenarios(shards, notes);
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            outcomes.put(o.key(), (int) scenarios.stream().filter(s -> o.key().equals(s.get("outcome"))).count());
        }
        outcomes.put("skipped", (int) scenarios.stream().filter(s -> String.valueOf(s.get("why")).startsWith("did not run")).count());
        counts.put("scenarios", outcomes);

        Verdict verdict = decide(shards, missing, duplicated, outcomes);
        String ledgerRun = first.path("ledger").path("run").asText();
        summary.put("runId", ledgerRun);
        summary.put("environment", first.path("environment").asText());
        summary.put("phase", first.path("phase").asText());
        summary.put("verdict", verdict.name());
        summary.put("exitCode", verdict.exitCode());
        summary.put("target", first.path("target").isNull() ? null : first.path("target").asText(null));
        summary.put("releases", JSON.convertValue(first.path("releases"), Map.class));
        summary.put("faults", JSON.convertValue(first.path("faults"), List.class));
        summary.put("seed", first.path("seed").isNumber() ? first.path("seed").asLong() : null);
        summary.put("population", JSON.convertValue(first.path("population"), Map.class));
        summary.put("shard", "merged: " + shards.size() + " of " + count);
        summary.put("shardIndex", null);
        summary.put("shardCount", count);
        summary.put("shardsMerged", shards.stream().map(Shard::name).toList());
        summary.put("shardsMissing", missing);
        summary.put("shardsDuplicated", duplicated);
        summary.put("ledger", JSON.convertValue(first.path("ledger"), Map.class));
        summary.put("uiChecked", shards.stream().allMatch(s -> s.summary().path("uiChecked").asBoolean(false)));
        summary.put("counts", counts);
        summary.put("labels", GateReport.labels(counts));
        summary.put("scenarios", scenarios);
        summary.put("coverage", Map.of("profile", first.path("coverage").path("profile").asText(""), "entries", mergeCoverage(shards),
                "notApplicableScenarios", scenarios.stream().filter(s -> Outcome.NOT_APPLICABLE.key().equals(s.get("outcome")))
                        .map(s -> s.get("name") + ": " + s.get("why")).toList()));
        summary.put("durationSeconds", shards.stream().mapToDouble(s -> s.summary().path("durationSeconds").asDouble(0)).max().orElse(0));
        summary.put("shards", shards.stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("shard", s.name());
            m.put("folder", s.dir().toString());
            m.put("runId", s.summary().path("runId").asText());
            m.put("verdict", s.summary().path("verdict").asText());
            m.put("exitCode", s.summary().path("exitCode").asInt());
            m.put("durationSeconds", s.summary().path("durationSeconds").asDouble(0));
            return m;
        }).toList());
        notes.addAll(mergeNotes(shards));
        summary.put("notes", notes);
        List<Map<String, Object>> findings = new ArrayList<>();
        int totalFindings = 0;
        for (Shard s : shards) {
            totalFindings += s.summary().at("/counts/findings").asInt(0);
            for (JsonNode f : s.summary().path("findings")) {
                @SuppressWarnings("unchecked") Map<String, Object> finding = JSON.convertValue(f, LinkedHashMap.class);
                finding.put("shard", s.name());
                findings.add(finding);
            }
        }
        // Each shard's summary holds a bounded sample; every finding is in the merged findings.jsonl.
        List<Map<String, Object>> sample = findings.stream().limit(dev.cordon.report.FindingGroups.SAMPLE_MAX).toList();
        summary.put("findings", sample);
        summary.put("findingsSample", GateReport.findingsSample(sample.size(), totalFindings));
        summary.put("findingsFile", "target/cordon/" + FINDINGS_LINES);
        summary.put("report", "target/allure-report/index.html");
        summary.put("verdictPage", "target/allure-report/" + VerdictPage.FILE_NAME);
        summary.put("evidenceBundle", "target/cordon/" + GateReport.EVIDENCE_BUNDLE);

        Path workDir = root.resolve("target/cordon");
        AllureReport allure = new AllureReport(root.resolve("target/allure-results"), root.resolve("target/allure-report"),
                root.resolve("target/allure-cli"));
        try {
            // The merge's own outputs replace any earlier run's in target/cordon (never a shard's folder: refused above).
            Files.createDirectories(workDir);
            for (String old : List.of("summary.json", GateReport.EVIDENCE_BUNDLE, FINDINGS_LINES)) {
                Files.deleteIfExists(workDir.resolve(old));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + workDir, e);
        }
        concatFindingLines(shards, workDir);
        String summaryJson = GateReport.toJson(summary);
        GateReport.writeJson(workDir.resolve("summary.json"), summary);
        JsonNode summaryNode = JSON.valueToTree(summary);
        String verdictLine = GateReport.verdictLine(verdict, counts);

        allure.prepare();
        Map<String, String> environment = AllureMerge.merge(shards.stream()
                .map(s -> new AllureMerge.ShardResults(s.name(), s.allureResults())).toList(), root.resolve("target/allure-results"),
                GateReport.VERDICT_HISTORY_ID);
        environment.put("Run_id", ledgerRun);
        environment.put("Shards", shards.stream().map(Shard::name).collect(Collectors.joining(", "))
                + (missing.isEmpty() ? "" : "; MISSING " + String.join(", ", missing)));
        environment.remove("Deployment_port");
        allure.addRunResult(GateReport.VERDICT_HISTORY_ID, "0 · " + VerdictPage.headline(summaryNode) + " — release gate, "
                        + shards.size() + " of " + count + " shards merged", "Release gate", verdict.exitCode() == 0, verdictLine,
                VerdictPage.description(summaryNode), Map.of("summary.json", summaryJson), System.currentTimeMillis());
        allure.writeEnvironment(environment);
        allure.writeCategories();
        if (!Files.exists(root.resolve("target/allure-results/executor.json"))) {
            allure.writeExecutor(dev.cordon.report.Executor.from(processEnv));
        }
        String reportLine;
        try {
            Path index = allure.generate(VerdictPage.oneLine(summaryNode));
            allure.addVerdict(summaryNode, summaryJson);
            reportLine = "report: " + root.relativize(index) + " (opens on the verdict: " + VerdictPage.FILE_NAME + ")";
        } catch (RuntimeException e) {
            reportLine = "report: NOT generated (" + e.getMessage() + ")";
        }
        String bundleLine = bundle(shards, workDir, allure.reportDir());
        shards.forEach(s -> out.println("shard " + s.name() + " (" + ConsoleText.safe(s.dir().toString(), 300) + "): VERDICT "
                + ConsoleText.safe(s.summary().path("verdict").asText(), 40) + " (exit " + s.summary().path("exitCode").asInt() + ")"));
        GateReport.print(out, verdictLine, notes, reportLine + "; summary: target/cordon/summary.json", bundleLine);
        return verdict.exitCode();
    }

    /** One runner's verdict rule over the shards: a breach anywhere fails the release; anything unproven is UNVERIFIED. */
    private static Verdict decide(List<Shard> shards, List<String> missing, List<String> duplicated, Map<String, Integer> outcomes) {
        if (shards.stream().anyMatch(s -> s.summary().path("verdict").asText().equals(Verdict.BREACH.name()))) {
            return Verdict.BREACH;
        }
        boolean allPass = shards.stream().allMatch(s -> s.summary().path("verdict").asText().equals(Verdict.PASS.name()));
        if (!missing.isEmpty() || !duplicated.isEmpty() || !allPass || outcomes.get(Outcome.FAILED.key()) > 0
                || outcomes.get(Outcome.PASSED.key()) == 0) {
            return Verdict.UNVERIFIED;
        }
        return Verdict.PASS;
    }

    /** Every number of every shard's counts added up (nested ones such as traffic too); findings by kind per kind. */
    private static Map<String, Object> mergeCounts(List<Shard> shards) {
        Map<String, Object> counts = new LinkedHashMap<>();
        for (Shard s : shards) {
            s.summary().path("counts").fields().forEachRemaining(e -> {
                if (e.getKey().equals("scenarios")) {
                    return; // recounted per scenario
                }
                if (e.getValue().isNumber()) {
                    counts.merge(e.getKey(), e.getValue().asLong(), (a, b) -> (Long) a + (Long) b);
                } else if (e.getValue().isObject()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> nested = (Map<String, Object>) counts.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<String, Object>());
                    e.getValue().fields().forEachRemaining(n -> {
                        if (n.getValue().isNumber()) {
                            nested.merge(n.getKey(), n.getValue().asLong(), (a, b) -> (Long) a + (Long) b);
                        }
                    });
                }
            });
        }
        return counts;
    }

    /**
     * Each scenario once, as one runner reports it: failed if it failed in any shard, or was missing from a shard that
     * ran the others; passed if it passed in any; not applicable if so in every shard; otherwise deselected.
     */
    private static List<Map<String, Object>> mergeScenarios(List<Shard> shards, List<String> notes) {
        Map<String, Map<String, JsonNode>> byScenario = new LinkedHashMap<>(); // scenario -> shard -> its entry
        for (Shard s : shards) {
            for (JsonNode sc : s.summary().path("scenarios")) {
                byScenario.computeIfAbsent(sc.path("name").asText() + " (" + sc.path("where").asText() + ")", k -> new LinkedHashMap<>())
                        .put(s.name(), sc);
            }
        }
        List<Map<String, Object>> merged = new ArrayList<>();
        byScenario.forEach((key, perShard) -> {
            JsonNode any = perShard.values().iterator().next();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", any.path("name").asText());
            m.put("where", any.path("where").asText());
            List<String> absent = shards.stream().map(Shard::name).filter(n -> !perShard.containsKey(n)).toList();
            Map<String, String> failedWhy = new LinkedHashMap<>();
            perShard.forEach((shard, sc) -> {
                if (Outcome.FAILED.key().equals(sc.path("outcome").asText())) {
                    failedWhy.put(shard, sc.path("why").asText("failed"));
                }
            });
            Set<String> outcomes = new LinkedHashSet<>();
            perShard.values().forEach(sc -> outcomes.add(sc.path("outcome").asText()));
            if (!absent.isEmpty()) {
                m.put("outcome", Outcome.FAILED.key());
                m.put("why", "not reported by shard(s) " + String.join(", ", absent) + " (run with other --tags or features?)");
                notes.add("scenario " + key + " was not reported by shard(s) " + String.join(", ", absent) + ": counted as failed");
            } else if (!failedWhy.isEmpty()) {
                m.put("outcome", Outcome.FAILED.key());
                m.put("why", failedWhy.entrySet().stream().map(e -> "shard " + e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; ")));
            } else if (outcomes.contains(Outcome.PASSED.key())) {
                m.put("outcome", Outcome.PASSED.key());
            } else if (outcomes.equals(Set.of(Outcome.NOT_APPLICABLE.key()))) {
                m.put("outcome", Outcome.NOT_APPLICABLE.key());
                m.put("why", any.path("why").asText(""));
            } else {
                m.put("outcome", Outcome.DESELECTED.key());
                m.put("why", any.path("why").asText(""));
            }
            merged.add(m);
        });
        return merged;
    }

    /**
     * Coverage entries merged by what they name: patients and items added up; unverified if any shard could not check
     * it, checked if any shard did, not applicable if every shard says so (with its why), otherwise not checked.
     */
    private static List<Map<String, Object>> mergeCoverage(List<Shard> shards) {
        Map<String, List<JsonNode>> byWhat = new LinkedHashMap<>();
        for (Shard s : shards) {
            for (JsonNode e : s.summary().path("coverage").path("entries")) {
                byWhat.computeIfAbsent(e.path("what").asText(), k -> new ArrayList<>()).add(e);
            }
        }
        List<Map<String, Object>> merged = new ArrayList<>();
        byWhat.forEach((what, list) -> {
            JsonNode any = list.get(0);
            long patients = list.stream().mapToLong(e -> e.path("patients").asLong(0)).sum();
            long items = list.stream().mapToLong(e -> e.path("items").asLong(0)).sum();
            long requests = list.stream().mapToLong(e -> e.path("requests").asLong(0)).sum();
            long unverified = list.stream().mapToLong(e -> e.path("unverifiedPatients").asLong(0)).sum();
            Set<String> statuses = list.stream().map(e -> e.path("status").asText()).collect(Collectors.toSet());
            String status = statuses.contains("unverified") ? "unverified" : statuses.contains("checked") ? "checked"
                    : statuses.equals(Set.of("not-applicable")) && list.size() == shards.size() ? "not-applicable" : "not-checked";
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("what", what);
            m.put("kind", any.path("kind").asText());
            m.put("resource", any.path("resource").asText());
            m.put("name", any.path("name").asText());
            m.put("status", status);
            m.put("checked", status.equals("checked"));
            m.put("patients", patients);
            m.put("items", items);
            m.put("requests", requests);
            if (unverified > 0) {
                m.put("unverifiedPatients", unverified);
            }
            m.put("why", switch (status) {
                case "checked" -> "checked for " + patients + " patient(s), " + items + " item(s), over " + list.size() + " shard(s)";
                case "unverified" -> unverified + " patient(s) could not be checked (see the UNVERIFIED findings)";
                case "not-applicable" -> any.path("why").asText("");
                default -> "no shard checked it: " + any.path("why").asText("");
            });
            merged.add(m);
        });
        return merged;
    }

    /** The shards' notes, each once, saying which shards gave it. */
    private static List<String> mergeNotes(List<Shard> shards) {
        Map<String, List<String>> byNote = new LinkedHashMap<>();
        for (Shard s : shards) {
            for (JsonNode n : s.summary().path("notes")) {
                String note = n.asText();
                if (note.startsWith("not applicable to this target's profile") || note.contains("scenario(s) deselected")) {
                    continue; // said once by the merged scenarios
                }
                byNote.computeIfAbsent(note, k -> new ArrayList<>()).add(s.name());
            }
        }
        List<String> notes = new ArrayList<>();
        byNote.forEach((note, from) -> notes.add((from.size() == shards.size() ? "every shard" : "shard " + String.join(", ", from))
                + ": " + note));
        return notes;
    }

    static final String FINDINGS_LINES = "findings.jsonl";

    /** Where shards write one finding per line, the lines of all of them, each shard's in turn. */
    private static void concatFindingLines(List<Shard> shards, Path workDir) {
        List<Path> files = shards.stream().map(s -> s.cordon().resolve(FINDINGS_LINES)).filter(Files::isRegularFile).toList();
        if (files.isEmpty()) {
            return;
        }
        try (var writer = Files.newBufferedWriter(workDir.resolve(FINDINGS_LINES))) {
            for (Path f : files) {
                for (String line : Files.readAllLines(f)) {
                    writer.write(line);
                    writer.newLine();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + workDir.resolve(FINDINGS_LINES), e);
        }
    }

    /** summary.json, the report, each shard's summary and ledger (never a key file), with the SHA-256 manifest. */
    private String bundle(List<Shard> shards, Path workDir, Path report) {
        Path zip = workDir.resolve(GateReport.EVIDENCE_BUNDLE);
        try {
            EvidenceBundle bundle = new EvidenceBundle().file("summary.json", workDir.resolve("summary.json"));
            if (Files.isRegularFile(workDir.resolve(FINDINGS_LINES))) {
                bundle.file(FINDINGS_LINES, workDir.resolve(FINDINGS_LINES));
            }
            for (Shard s : shards) {
                String folder = "shards/" + s.index() + "-of-" + s.count() + "/";
                bundle.file(folder + "summary.json", s.cordon().resolve("summary.json"));
                Path ledger = s.cordon().resolve(s.summary().path("ledger").path("file").asText("ledger.jsonl"));
                if (Files.isRegularFile(ledger) && !ledger.getFileName().toString().endsWith(".key")) {
                    bundle.file(folder + "ledger/" + ledger.getFileName(), ledger);
                }
            }
            bundle.tree("report", report);
            bundle.write(zip);
            return "evidence: " + root.relativize(zip) + " (" + bundle.names().size() + " files, SHA-256 manifest " + EvidenceBundle.MANIFEST + ")";
        } catch (RuntimeException e) {
            return "evidence: NOT bundled (" + e.getMessage() + ")";
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
