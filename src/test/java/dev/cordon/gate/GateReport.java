package dev.cordon.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cordon.oracle.Finding;
import dev.cordon.oracle.FindingKind;
import dev.cordon.report.AllureReport;
import dev.cordon.report.ConsoleText;
import dev.cordon.report.Evidence;
import dev.cordon.report.EvidenceBundle;
import dev.cordon.report.FindingGroups;
import dev.cordon.report.FindingsFile;
import dev.cordon.report.Executor;
import dev.cordon.report.RunLog;
import dev.cordon.report.VerdictPage;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The end of a gate run: decides the verdict, writes target/cordon/summary.json, completes the Allure results
 * (environment, categories, executor), generates the HTML report opening on the verdict page, bundles the evidence
 * (target/cordon/evidence.zip), then prints one verdict line. Everything printed that may come from the target
 * passes through {@link ConsoleText}.
 */
final class GateReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final Path workDir;
    private final PrintStream out;
    private final Map<String, String> processEnv;
    private final AllureReport allure;

    GateReport(Path root, Path workDir, PrintStream out, Map<String, String> processEnv) {
        this.root = root;
        this.workDir = workDir;
        this.out = out;
        this.processEnv = processEnv;
        this.allure = new AllureReport(root.resolve("target/allure-results"), root.resolve("target/allure-report"),
                root.resolve("target/allure-cli"));
    }

    /** Before anything runs: library logging to target/cordon/cordon.log, and a fresh Allure results folder. */
    void prepare() {
        RunLog.route(workDir);
        allure.prepare();
    }

    int finish(GateRun run, ScenarioTally tally, boolean generateReport) {
        List<Finding> findings = run.findings().all();
        Verdict verdict = decide(run, tally);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("runId", run.runId());
        summary.put("environment", run.environment().name());
        summary.put("phase", run.phase().name());
        summary.put("verdict", verdict.name());
        summary.put("exitCode", verdict.exitCode());
        summary.put("target", run.baseUri() == null ? null : run.baseUri().toString());
        Map<String, Object> releases = new LinkedHashMap<>();
        releases.put("from", run.environment().fromRelease());
        releases.put("to", run.environment().toRelease());
        releases.put("observedAtSeed", run.releaseAtSeed()); // from the ledger: what an external target ran before the deploy
        releases.put("observedAtEnd", run.runningRelease());
        if (run.target() != null && run.runningRelease() == null) {
            releases.put("observed", GateRun.NOT_REPORTED); // a profile without version: never "release null"
        }
        summary.put("releases", releases);
        summary.put("faults", run.environment().faults());
        summary.put("seed", run.environment().population().seed());
        summary.put("population", Map.of("patients", run.environment().population().patients(),
                "consultationsPerPatient", run.environment().population().consultationsPerPatient()));
        summary.put("shard", run.options().shard().toString());
        // What --merge needs to prove the shards of one verify belong together and cover it exactly once.
        summary.put("shardIndex", run.options().shard().index());
        summary.put("shardCount", run.options().shard().count());
        Map<String, Object> ledger = new LinkedHashMap<>();
        ledger.put("run", run.ledgerRun());
        ledger.put("sha256", run.ledgerDigest());
        ledger.put("file", run.environment().ledger().getFileName().toString());
        summary.put("ledger", ledger);
        summary.put("uiChecked", !run.options().skipUi() && run.coverage().get("uiPagesChecked") > 0);
        Map<String, Object> counts = new LinkedHashMap<>(run.coverage().snapshot());
        counts.put("scenarios", tally.counts());
        counts.put("traffic", run.target() == null ? Map.of() : run.target().traffic());
        counts.put("findings", findings.size() + run.customFindings().size());
        counts.put("findingsByKind", findingsByKind(run));
        counts.put("findingsByWhere", FindingGroups.counts(findings));
        counts.put("findingsPatientsByKind", FindingGroups.patientsByKind(findings));
        summary.put("counts", counts);
        summary.put("labels", labels(counts));
        summary.put("scenarios", tally.scenarios.stream().map(ScenarioTally.Scenario::asMap).toList());
        summary.put("coverage", Map.of("profile", run.profileName(), "entries", run.coverageMap().asList(),
                "notApplicableScenarios", List.copyOf(tally.notApplicable)));
        summary.put("finalSweep", finalSweep(run));
        summary.put("timings", run.timings());
        summary.put("stageCounts", run.stageCounts());
        summary.put("durationSeconds", Duration.between(run.startedAt(), Instant.now()).toMillis() / 1000.0);
        summary.put("notes", notes(run, tally));
        List<Finding> sample = FindingGroups.sample(findings);
        summary.put("findings", java.util.stream.Stream.concat(sample.stream().map(Evidence::asMap),
                run.customFindings().stream().map(dev.cordon.extension.CustomFinding::asMap)).toList());
        summary.put("findingsSample", findingsSample(sample.size() + run.customFindings().size(), findings.size() + run.customFindings().size()));
        summary.put("findingsFile", "target/cordon/" + FindingsFile.FILE_NAME);
        summary.put("report", "target/allure-report/index.html");
        summary.put("verdictPage", "target/allure-report/" + VerdictPage.FILE_NAME);
        summary.put("evidenceBundle", "target/cordon/" + EVIDENCE_BUNDLE);
        summary.put("log", "target/cordon/" + RunLog.FILE_NAME);
        String summaryJson = toJson(summary);
        writeJson(workDir.resolve("summary.json"), summary);
        com.fasterxml.jackson.databind.JsonNode summaryNode = JSON.valueToTree(summary);

        // "0 · " sorts the verdict before every scenario; its description is the verdict page's text, escaped.
        allure.addRunResult(VERDICT_HISTORY_ID, "0 · " + VerdictPage.headline(summaryNode) + " — release gate", "Release gate",
                verdict.exitCode() == 0, verdictLine(verdict, counts), VerdictPage.description(summaryNode),
                Map.of("summary.json", summaryJson, FindingsFile.FILE_NAME, readFindingsFile(run)), run.startedAt().toEpochMilli());
        GateRun.Sweep sweep = run.sweep();
        if (sweep != null) {
            boolean clean = sweep.findings().stream().noneMatch(f -> f.kind().failsTheRelease());
            Map<String, String> attachments = new LinkedHashMap<>();
            attachments.put("final sweep.json", toJson(finalSweep(run)));
            if (!sweep.findings().isEmpty()) {
                attachments.put("final sweep findings.json", toJson(Map.of("byWhere", FindingGroups.counts(sweep.findings()),
                        "examples", FindingGroups.sample(sweep.findings()).stream().limit(50).map(Evidence::asMap).toList(),
                        "allIn", "target/cordon/" + FindingsFile.FILE_NAME)));
            }
            allure.addRunResult("cordon-final-sweep", "Final sweep: every patient's every listing after the last write of the run",
                    "Every listing stays with its patient across a software update", clean && sweep.findings().isEmpty(),
                    sweepLine(sweep), attachments, System.currentTimeMillis() - (long) (sweep.seconds() * 1000));
        }
        allure.writeEnvironment(environment(run));
        allure.writeCategories(customKindsByCategory(run));
        allure.alignOutcomes();
        tally.scenarios.stream().filter(sc -> sc.outcome() == dev.cordon.report.Outcome.DESELECTED && sc.why().startsWith("by "))
                .forEach(sc -> allure.addDeselected(sc.name(), sc.where(), sc.why(), run.startedAt().toEpochMilli()));
        allure.writeExecutor(Executor.from(processEnv));
        String reportLine;
        if (generateReport) {
            try {
                Path index = allure.generate(VerdictPage.oneLine(summaryNode));
                allure.addVerdict(summaryNode, summaryJson);
                copyFindingsFile(run, allure.reportDir());
                reportLine = "report: " + root.relativize(index) + " (opens on the verdict: " + VerdictPage.FILE_NAME + ")";
            } catch (RuntimeException e) {
                reportLine = "report: NOT generated (" + e.getMessage() + ")";
            }
        } else {
            reportLine = "report: not generated (--no-report); results in target/allure-results";
        }
        String bundleLine = bundle(run);
        print(out, verdictLine(verdict, counts), notes(run, tally), reportLine + "; summary: target/cordon/summary.json", bundleLine);
        return verdict.exitCode();
    }

    static final String EVIDENCE_BUNDLE = "evidence.zip";
    /** The history id of the verdict's own result in the Allure report (a merge replaces the shards' with its own). */
    static final String VERDICT_HISTORY_ID = "cordon-gate-verdict";

    /** The final sweep in summary.json: what it read, what it found that the earlier checks had not, or why it did not run. */
    private static Map<String, Object> finalSweep(GateRun run) {
        Map<String, Object> map = new LinkedHashMap<>();
        GateRun.Sweep sweep = run.sweep();
        map.put("ran", sweep != null);
        if (sweep == null) {
            map.put("why", run.phase() == Phase.seed || run.phase() == Phase.cleanup ? "phase " + run.phase() + " reads no listings"
                    : "the release under test was not reached, or no population exists");
            return map;
        }
        map.put("cohorts", sweep.cohorts());
        map.put("patients", sweep.patients());
        map.put("listings", sweep.listings());
        map.put("pages", sweep.pages());
        map.put("newFindings", sweep.findings().size());
        map.put("newFindingsByKind", sweep.findings().stream().collect(Collectors.groupingBy(f -> f.kind().name(),
                java.util.TreeMap::new, Collectors.counting())));
        map.put("alreadyReported", sweep.alreadyReported());
        map.put("seconds", sweep.seconds());
        return map;
    }

    private static String sweepLine(GateRun.Sweep sweep) {
        return "after the last write of the run, %d patients of cohorts %s: %d listings over %d pages read again; %d new finding(s)%s"
                .formatted(sweep.patients(), sweep.cohorts(), sweep.listings(), sweep.pages(), sweep.findings().size(),
                        sweep.alreadyReported() > 0 ? ", " + sweep.alreadyReported() + " seen again as already reported" : "");
    }

    /** How many findings summary.json shows of how many, and where every one of them is. */
    static Map<String, Object> findingsSample(int shown, int total) {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("shown", shown);
        sample.put("total", total);
        sample.put("perGroup", FindingGroups.SAMPLE_PER_GROUP);
        sample.put("max", FindingGroups.SAMPLE_MAX);
        sample.put("allIn", "target/cordon/" + FindingsFile.FILE_NAME + " (one JSON object per line; also in the report folder"
                + " and evidence.zip)");
        return sample;
    }

    private static String readFindingsFile(GateRun run) {
        try {
            return Files.exists(run.findingsFile()) ? Files.readString(run.findingsFile()) : "";
        } catch (IOException e) {
            return "findings.jsonl could not be read: " + e.getMessage();
        }
    }

    /** The full findings file beside the report's verdict page (which links it), so the report carries every finding. */
    private static void copyFindingsFile(GateRun run, Path reportDir) {
        try {
            if (Files.exists(run.findingsFile()) && Files.isDirectory(reportDir)) {
                Files.copy(run.findingsFile(), reportDir.resolve(FindingsFile.FILE_NAME), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + run.findingsFile() + " into the report", e);
        }
    }

    /** summary.json, the report and the ledger's public part (never its key), with their SHA-256 digests. */
    private String bundle(GateRun run) {
        Path zip = workDir.resolve(EVIDENCE_BUNDLE);
        try {
            EvidenceBundle bundle = new EvidenceBundle()
                    .file("summary.json", workDir.resolve("summary.json"))
                    .file(FindingsFile.FILE_NAME, run.findingsFile())
                    .file("ledger/" + run.environment().ledger().getFileName(), run.environment().ledger())
                    .tree("report", allure.reportDir());
            bundle.write(zip);
            return "evidence: " + root.relativize(zip) + " (" + bundle.names().size() + " files, SHA-256 manifest " + EvidenceBundle.MANIFEST + ")";
        } catch (RuntimeException e) {
            return "evidence: NOT bundled (" + e.getMessage() + ")";
        }
    }

    /**
     * The gate's last lines. The verdict line is made of counts and kind names; notes and the report line may quote
     * what the target said (a failing scenario's message, an id), so each is escaped and capped to stay one line.
     */
    static void print(PrintStream out, String verdictLine, List<String> notes, String reportLine, String bundleLine) {
        out.println(ConsoleText.safe(verdictLine, 2000));
        notes.forEach(n -> out.println("  note: " + ConsoleText.safe(n)));
        out.println(ConsoleText.safe(reportLine, 1000));
        out.println(ConsoleText.safe(bundleLine, 1000));
    }

    /** Built-in kinds, then the kinds of users' own steps (dev.cordon.extension.CustomFinding), by name. */
    private static Map<String, Integer> findingsByKind(GateRun run) {
        Map<String, Integer> byKind = run.findings().countsByKind().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().name(), Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        run.customFindings().forEach(f -> byKind.merge(f.kind(), 1, Integer::sum));
        return byKind;
    }

    private static Map<String, java.util.Set<String>> customKindsByCategory(GateRun run) {
        Map<String, java.util.Set<String>> byCategory = new LinkedHashMap<>();
        run.customFindings().forEach(f -> byCategory.computeIfAbsent(f.category(), c -> new java.util.TreeSet<>()).add(f.kind()));
        return byCategory;
    }

    private static Verdict decide(GateRun run, ScenarioTally tally) {
        if (run.findings().anyFailingTheRelease() || !run.customFindings().isEmpty()) {
            return Verdict.BREACH;
        }
        if (run.phase() == Phase.seed) {
            return tally.failed.get() == 0 && !run.findings().anyUnverified() && run.coverage().get("patientsSeeded") > 0
                    ? Verdict.SEEDED : Verdict.UNVERIFIED;
        }
        if (run.phase() == Phase.cleanup) {
            // PASS only when cleanup ran and read back that nothing of the run remains (anything else is a finding).
            return run.notes().isEmpty() || run.findings().anyUnverified() ? Verdict.UNVERIFIED : Verdict.PASS;
        }
        // A scenario that did not run is counted as failed (ScenarioTally): nothing unchecked can pass.
        boolean everythingRan = tally.passed.get() > 0 && tally.failed.get() == 0;
        if (run.findings().anyUnverified() || !everythingRan) {
            return Verdict.UNVERIFIED;
        }
        return Verdict.PASS;
    }

    private static List<String> notes(GateRun run, ScenarioTally tally) {
        List<String> notes = new java.util.ArrayList<>(run.notes());
        if (run.options().skipUi()) {
            notes.add("the web " + pageWords(run) + " was NOT checked (" + pageCheckOffBy(run) + ")");
        }
        tally.failures.entrySet().stream().limit(10).forEach(e -> notes.add(e.getValue().size() == 1
                ? "scenario did not pass: " + e.getValue().get(0) + ": " + e.getKey()
                : e.getValue().size() + " scenarios did not pass: " + e.getKey()));
        tally.notApplicable.forEach(n -> notes.add("not applicable to this target's profile: " + n));
        synchronized (tally.deselectedReasons) {
            tally.deselectedReasons.stream().collect(Collectors.groupingBy(r -> r, java.util.TreeMap::new, Collectors.counting()))
                    .forEach((why, n) -> notes.add(n + " scenario(s) deselected " + (why.startsWith("by ") ? why : "(" + why + ")")
                            + ": not run, and not counted as checked"));
        }
        if (tally.ran() == 0 && run.phase() != Phase.cleanup && run.phase() != Phase.seed) {
            notes.add("no scenario ran: nothing was checked");
        }
        return notes;
    }

    /** The verdict line, from the counts as summary.json holds them: one run's, or the merge of its shards'. */
    @SuppressWarnings("unchecked")
    static String verdictLine(Verdict verdict, Map<String, Object> counts) {
        Map<String, Object> byKind = counts.get("findingsByKind") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        String kinds = byKind.isEmpty() ? "no findings" : byKind.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        java.util.function.ToLongFunction<String> c = key -> counts.get(key) instanceof Number n ? n.longValue() : 0;
        Map<String, ? extends Number> scenarios = counts.get("scenarios") instanceof Map<?, ?> m ? (Map<String, Number>) m : Map.of();
        return "VERDICT %s (exit %d): %d patients and %d items checked, %d listings over %d pages, %d own opens, %d foreign probes, %d sessions; scenarios %s; %s"
                .formatted(verdict, verdict.exitCode(), c.applyAsLong("patientsChecked"), c.applyAsLong("recordingsExpected"),
                        c.applyAsLong("listingsChecked"), c.applyAsLong("pagesFetched"), c.applyAsLong("ownRecordingsOpened"),
                        c.applyAsLong("foreignProbes"), c.applyAsLong("sessionsChecked"), ScenarioTally.line(scenarios), kinds);
    }

    /** Plain words for every counter in {@code counts} (nested ones as "traffic.requests"), under summary.json's keys. */
    static Map<String, String> labels(Map<String, Object> counts) {
        Map<String, String> labels = new LinkedHashMap<>();
        counts.forEach((key, value) -> {
            if (value instanceof Number) {
                labels.put(key, dev.cordon.report.CounterWords.of(key));
            } else if (value instanceof Map<?, ?> nested && !key.equals("findingsByKind")) {
                nested.forEach((k, v) -> labels.put(key + "." + k, dev.cordon.report.CounterWords.of(key + "." + k)));
            }
        });
        return labels;
    }

    private static Map<String, String> environment(GateRun run) {
        Map<String, String> env = new LinkedHashMap<>();
        var config = run.environment();
        env.put("Environment", config.name() + " (" + config.file() + ")");
        env.put("Target", run.baseUri() == null ? "not reached" : run.baseUri().toString());
        env.put("Target_profile", config.target().profileName());
        env.put("Release_before_update", config.fromRelease());
        env.put("Release_under_test", config.toRelease());
        if (!config.cordonStartsTheTarget()) {
            env.put("Release_observed_at_seed", GateRun.shownRelease(run.releaseAtSeed()));
            env.put("Release_observed_at_verify", GateRun.shownRelease(run.runningRelease()));
        }
        env.put("Phase", run.phase().name());
        env.put("Population", config.population().patients() + " patients x " + config.population().consultationsPerPatient() + " consultations");
        env.put("Seed", String.valueOf(config.population().seed()));
        env.put("Run_id", run.runId());
        env.put("Faults", config.faults().isEmpty() ? "none" : String.join(",", config.faults()));
        env.put("Web_page_checked", run.options().skipUi() ? "NO (" + pageCheckOffBy(run) + ")" : "yes");
        run.deploymentDescription().forEach((k, v) -> env.put("Deployment_" + k, v));
        return env;
    }

    /** The web page in the profile's words: "page of recordings (listing replay)" on the reference clinic. */
    static String pageWords(GateRun run) {
        var profile = run.environment().target().profile();
        var pages = profile.pages();
        if (pages == null) {
            return "page";
        }
        String many = profile.resources().containsKey(pages.resource()) ? profile.resource(pages.resource()).many() : pages.resource();
        return "page of " + many + " (listing " + pages.listing() + ")";
    }

    private static String pageCheckOffBy(GateRun run) {
        return run.environment().browser().enabled() ? "--skip-ui" : "browser.enabled is false in " + run.environment().file();
    }

    static void writeConfigError(Path workDir, String env, Phase phase, String message) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("environment", env);
        summary.put("phase", phase == null ? null : phase.name());
        summary.put("verdict", Verdict.ERROR.name());
        summary.put("exitCode", Verdict.ERROR.exitCode());
        summary.put("error", message);
        summary.put("findings", List.of());
        summary.put("counts", Map.of("findings", 0));
        writeJson(workDir.resolve("summary.json"), summary);
        new FindingsFile(workDir.resolve(FindingsFile.FILE_NAME)).close(); // empty: a previous run's findings are not this run's
    }

    static String toJson(Object body) {
        try {
            return dev.cordon.report.Redaction.text(JSON.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void writeJson(Path file, Object body) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, dev.cordon.report.Redaction.text(JSON.writeValueAsString(body)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
