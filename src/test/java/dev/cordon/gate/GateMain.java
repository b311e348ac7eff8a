package dev.cordon.gate;

import dev.cordon.report.ConsoleText;
import dev.cordon.report.RunLog;
import dev.cordon.CordonSuite;
import dev.cordon.config.ConfigException;
import dev.cordon.config.EnvironmentConfig;
import dev.cordon.config.EnvironmentLoader;
import dev.cordon.config.Overrides;
import dev.cordon.ledger.LedgerException;
import dev.cordon.ledger.LedgerLock;
import org.junit.platform.engine.DiscoveryIssue;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.DiscoveryIssueException;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.suite.api.SelectDirectories;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The release gate: validates the environment (exit 2 before any request), runs the Cucumber scenarios against the
 * target, then writes the run summary and the Allure report and exits 0 pass, 1 breach or data loss, 2 usage or
 * configuration error, 3 the target could not be verified.
 */
@Command(name = "release-gate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Cordon: checks that no patient sees another patient's data after a software update.")
public final class GateMain implements Callable<Integer> {
    @Option(names = "--env", description = "environment file environments/NAME.yaml (default: ${DEFAULT-VALUE})", defaultValue = "local")
    String env;
    @Option(names = "--phase", description = "rehearse | seed | verify | cleanup (default: ${DEFAULT-VALUE})", defaultValue = "rehearse")
    Phase phase;
    @Option(names = "--from", description = "release before the update (default: from the environment)")
    String from;
    @Option(names = "--to", description = "release under test (default: from the environment)")
    String to;
    @Option(names = "--fault", description = "reference clinic fault to switch on (repeatable; see --list-faults of the clinic)")
    List<String> faults = new ArrayList<>();
    @Option(names = "--patients", description = "synthetic patients before the update")
    Integer patients;
    @Option(names = "--concurrency", description = "parallel callers while seeding and checking (default: the environment's concurrency)")
    Integer concurrency;
    @Option(names = "--consultations", description = "recorded consultations per patient")
    Integer consultations;
    @Option(names = "--seed", description = "random seed of the population")
    Long seed;
    @Option(names = "--tags", description = "Cucumber tag expression selecting scenarios, e.g. \"not @ui\"")
    String tags;
    @Option(names = "--ledger", description = "ledger file (default: from the environment)")
    String ledger;
    @Option(names = "--skip-ui", description = "do not check the web replays page (the verdict says so)")
    boolean skipUi;
    @Option(names = "--shard", description = "verify only part i of n of the ledger's patients, e.g. 1/4")
    String shard;
    @Option(names = "--older-than-hours", description = "cleanup: remove every synthetic patient older than this, of any run")
    Integer olderThanHours;
    @Option(names = "--project-dir", description = "project root (default: current directory)", defaultValue = ".")
    Path projectDir;
    @Option(names = "--no-report", description = "skip generating the HTML report (results and summary are still written)")
    boolean noReport;
    @Option(names = "--no-install", description = "never install a missing browser (as root on Debian/Ubuntu the gate otherwise runs apt-get install chromium chromium-driver)")
    boolean noInstall;
    @Option(names = "--accept-partial", description = "phase verify: check the patients a partial seeding left (an interrupted or incomplete cohort) instead of refusing to pass; the verdict notes it")
    boolean acceptPartial;
    @Option(names = "--merge", arity = "1..*", paramLabel = "DIR", description = "merge the outputs of the shards of one verify"
            + " (each DIR holds a shard's target/cordon and target/allure-results) into one summary, verdict page, report and"
            + " evidence bundle in target/; a missing or duplicate shard is UNVERIFIED (exit 3); sends nothing")
    List<Path> merge;
    @Option(names = "--check-profile", description = "validate the environment and its target profile and print the plan; sends nothing")
    boolean checkProfile;
    @Option(names = "--list-steps", description = "print every step the features may use (pattern, what it checks, an example) and exit; sends nothing")
    boolean listSteps;
    @Option(names = "--markdown", description = "with --list-steps: print docs/steps.md")
    boolean markdown;

    /** Apache HttpClient (under REST Assured) logs every retried connection at INFO; held here so the level sticks. */
    private static final java.util.logging.Logger HTTP_CLIENT_LOG = java.util.logging.Logger.getLogger("org.apache.http");

    private final PrintStream out;
    private final Map<String, String> processEnv;

    GateMain(PrintStream out, Map<String, String> processEnv) {
        this.out = out;
        this.processEnv = processEnv;
    }

    public static void main(String[] args) {
        HTTP_CLIENT_LOG.setLevel(java.util.logging.Level.WARNING);
        System.exit(run(args, System.out, System.getenv()));
    }

    public static int run(String[] args, PrintStream console, Map<String, String> env) {
        // Every line the gate prints is redacted by shape (user info in URLs, credential query parameters, headers).
        PrintStream out = dev.cordon.report.Redaction.console(console);
        CommandLine cli = new CommandLine(new GateMain(out, env)).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            out.println("cordon: " + ConsoleText.safe(e.getMessage(), 4000));
            return Verdict.UNVERIFIED.exitCode();
        });
        cli.setParameterExceptionHandler((e, parsed) -> {
            out.println("cordon: " + ConsoleText.safe(e.getMessage(), 4000));
            e.getCommandLine().usage(out);
            return Verdict.ERROR.exitCode();
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        Path root = projectDir.toAbsolutePath().normalize();
        Path workDir = root.resolve("target/cordon");
        if (listSteps) {
            var catalogue = new dev.cordon.gherkin.StepCatalogue(dev.cordon.gherkin.Glue.ofThisProject());
            out.print(markdown ? catalogue.markdown() : catalogue.text());
            return 0;
        }
        // First of all: the preflight and the discovery of scenarios already start libraries that log (SLF4J reads
        // where to log once, when first used); their lines belong in target/cordon/cordon.log, not on the console.
        RunLog.route(workDir);
        if (merge != null) {
            // Relative folders are the caller's: ci/release-gate.sh changes to the project directory before it starts.
            Path caller = Path.of(processEnv.getOrDefault("CORDON_CALLER_DIR", ".")).toAbsolutePath();
            return new ShardMerge(root, out, processEnv).run(merge.stream().map(caller::resolve).toList());
        }
        EnvironmentConfig config;
        boolean pageCheckOff;
        try {
            config = load(root);
            Safety.check(config, phase);
            // The page check is off only when asked: --skip-ui, or an environment that declares browser.enabled: false.
            pageCheckOff = skipUi || !config.browser().enabled();
        } catch (ConfigException e) {
            return refuse(workDir, "configuration error: " + e.getMessage());
        }
        if (checkProfile) {
            out.printf("environment %s (%s): %s, %s -> %s, %d patients x %d consultations%n", config.name(), config.file(),
                    config.deployment().kind(), config.fromRelease(), config.toRelease(), config.population().patients(),
                    config.population().consultationsPerPatient());
            dev.cordon.profile.ProfilePlan.lines(config.target().profile(), config.fromRelease(), config.toRelease())
                    .forEach(out::println);
            out.println("profile OK: nothing was sent to the target");
            return 0;
        }
        // One gate at a time on a ledger, taken before anything is sent; the OS releases it when this process ends.
        LedgerLock lock;
        try {
            lock = LedgerLock.acquire(config.ledger(), phase.name());
        } catch (LedgerException e) {
            return refuse(workDir, e.getMessage());
        }
        try {
            return runLocked(root, workDir, config, pageCheckOff);
        } finally {
            lock.close();
        }
    }

    private int runLocked(Path root, Path workDir, EnvironmentConfig config, boolean pageCheckOff) {
        Launcher launcher = phase == Phase.cleanup ? null : LauncherFactory.create();
        TestPlan plan = null;
        try {
            new Preflight(config, phase, out, workDir, !noInstall).run(featuresDir(), tags, pageCheckOff);
            if (phase != Phase.cleanup) {
                plan = discover(launcher, Preflight.tagFilter(tags, pageCheckOff),
                        new dev.cordon.gherkin.ProfileScope(config.target().profileName()));
            }
        } catch (Preflight.Refusal e) {
            return refuse(workDir, "preflight: " + e.getMessage());
        }
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + UUID.randomUUID().toString().substring(0, 6);
        GateReport report = new GateReport(root, workDir, out, processEnv);
        report.prepare();
        String population = phase == Phase.verify || phase == Phase.cleanup
                ? "population from the ledger " + config.ledger()
                : "%d patients x %d consultations, seed %d".formatted(config.population().patients(),
                        config.population().consultationsPerPatient(), config.population().seed());
        out.printf("cordon %s: env %s (%s), %s -> %s, %s%s%n", phase, config.name(), config.deployment().kind(),
                config.fromRelease(), config.toRelease(), population,
                config.faults().isEmpty() ? "" : ", faults " + String.join(",", config.faults()));
        GateRun run = new GateRun(config, phase, runId, workDir, out, new GateRun.Options(pageCheckOff, Shard.parse(shard),
                olderThanHours, acceptPartial));
        GateRun.install(run);
        dev.cordon.adapter.Network network = config.target().network();
        if (network.insecureTls()) {
            // Said in the verdict's notes (console, summary.json, report), not only here: a run that trusted any
            // certificate proved nothing about who answered.
            run.note("insecureTls: true in " + config.file() + ": TLS certificates and host names were NOT verified (test environment only)");
        }
        if (network.insecureTls() || network.proxy() != null || config.deployment().baseUrl() != null
                && config.deployment().baseUrl().regionMatches(true, 0, "https:", 0, 6)) {
            out.println("cordon: network: " + network.describe());
        }
        // A ledger that is not this run's to use (damaged, another environment, target or key) is refused before any
        // request, exit 2; then verify binds it to what the target says about itself and settles what the seed left open.
        try {
            run.openLedger();
        } catch (ConfigException | LedgerException e) {
            run.close();
            GateRun.uninstall();
            return refuse(workDir, e.getMessage());
        }
        if (phase == Phase.verify) {
            try {
                run.ensurePopulationBeforeUpdate();
                run.ensureUpdated();
            } catch (ConfigException e) {
                run.close();
                GateRun.uninstall();
                return refuse(workDir, e.getMessage(), "no synthetic data was written (only reads to identify the target)");
            } catch (RuntimeException e) {
                // kept by the run: every scenario reports it (a target that never came up is UNVERIFIED, exit 3)
            }
        }
        ScenarioTally tally = new ScenarioTally();
        try {
            if (phase == Phase.cleanup) {
                new Cleanup(run, out).run();
            } else {
                launcher.execute(plan, tally);
                sweep(run);
                if ("remove-after-run".equals(config.cleanup().policy()) && phase != Phase.seed && run.ledger() != null) {
                    new Cleanup(run, out).run();
                }
            }
        } finally {
            run.close();
            GateRun.uninstall();
        }
        return report.finish(run, tally, !noReport);
    }

    /**
     * The final sweep, the last stage before cleanup and the report: every patient's every listing once more, after the
     * last write of the run. An error of its own is UNVERIFIED (never a pass), and the report still gets written.
     */
    private void sweep(GateRun run) {
        try {
            run.finalSweep();
        } catch (RuntimeException e) {
            run.record(List.of(new dev.cordon.oracle.Finding(dev.cordon.oracle.FindingKind.UNVERIFIED, "-",
                    "the final sweep could not be completed: " + e.getMessage(), Map.of("where", "final sweep"))));
        }
    }

    /** Exit 2 before anything was started or sent: one line saying why, the verdict line, and the summary. */
    private int refuse(Path workDir, String why) {
        return refuse(workDir, why, "nothing was sent to the target");
    }

    private int refuse(Path workDir, String why, String sent) {
        out.println("cordon: " + ConsoleText.safe(why, 4000));
        out.println("VERDICT ERROR: " + sent + " (exit 2)");
        GateReport.writeConfigError(workDir, env, phase, why);
        return Verdict.ERROR.exitCode();
    }

    /** The directory the suite runs (CordonSuite's @SelectDirectories, relative to the working directory, as JUnit reads it). */
    static Path featuresDir() {
        return Path.of(CordonSuite.class.getAnnotation(SelectDirectories.class).value()[0]).toAbsolutePath();
    }

    private EnvironmentConfig load(Path root) {
        Overrides overrides = new Overrides(from, to, patients, consultations, seed, ledger, faults, shard, concurrency);
        EnvironmentConfig config = new EnvironmentLoader(root.resolve("environments"), processEnv).load(env, overrides);
        if (!faults.isEmpty()) {
            if (!config.cordonStartsTheTarget()) {
                throw new ConfigException("--fault needs a deployment Cordon starts (embedded or containers); "
                        + config.file() + " declares " + config.deployment().kind());
            }
            for (String fault : faults) {
                try {
                    dev.cordon.clinic.Fault.byId(fault);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("--fault " + fault + ": " + e.getMessage());
                }
            }
        }
        if (shard != null) {
            Shard.parse(shard);
        }
        return config;
    }

    /**
     * Discovers the suite before anything starts, so a problem Cucumber reports as a discovery issue (a feature file
     * that does not parse, say) refuses the run with exit 2 instead of failing the engine and reading as "no scenario ran".
     */
    private static TestPlan discover(Launcher launcher, String tagFilter, dev.cordon.gherkin.ProfileScope scope) {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(CordonSuite.class));
        // Features written for another profile's API (@profile:NAME): pruned from the plan, so neither run nor noted.
        request.filters((org.junit.platform.launcher.PostDiscoveryFilter) descriptor -> scope.includes(descriptor.getTags().stream()
                .map(t -> "@" + t.getName()).toList()) ? org.junit.platform.engine.FilterResult.included("in the profile's scope")
                : org.junit.platform.engine.FilterResult.excluded("written for another target profile"));
        if (tagFilter != null) {
            request.configurationParameter("cucumber.filter.tags", tagFilter);
        }
        List<String> issues = java.util.Collections.synchronizedList(new ArrayList<>());
        request.listeners(new LauncherDiscoveryListener() {
            @Override
            public void issueEncountered(UniqueId engineId, DiscoveryIssue issue) {
                if (issue.severity().compareTo(DiscoveryIssue.Severity.ERROR) >= 0) {
                    issues.add(issue.message().lines().collect(java.util.stream.Collectors.joining(" "))
                            + issue.source().map(s -> " [" + s + "]").orElse(""));
                }
            }
        });
        TestPlan plan;
        try {
            plan = launcher.discover(request.build());
        } catch (DiscoveryIssueException e) {
            throw new Preflight.Refusal(issues.isEmpty() ? e.getMessage().lines().findFirst().orElse("discovery failed")
                    : "the scenarios cannot be discovered: " + String.join("; ", issues));
        }
        if (!issues.isEmpty()) {
            throw new Preflight.Refusal("the scenarios cannot be discovered: " + String.join("; ", issues));
        }
        return plan;
    }

    /** For an IDE run of the suite without the gate: the local environment, defaults, nothing else. */
    static GateRun standaloneRun() {
        Path root = Path.of(System.getProperty("cordon.project.dir", ".")).toAbsolutePath().normalize();
        EnvironmentConfig config = new EnvironmentLoader(root.resolve("environments"), System.getenv())
                .load(System.getProperty("cordon.env", "local"), Overrides.none());
        return new GateRun(config, Phase.rehearse, "ide-" + UUID.randomUUID().toString().substring(0, 6),
                root.resolve("target/cordon"), System.out, GateRun.Options.none());
    }
}
