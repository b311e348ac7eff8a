package dev.cordon.gate;

import dev.cordon.config.EnvironmentConfig;
import dev.cordon.config.Secret;
import dev.cordon.deploy.Deployment;
import dev.cordon.deploy.Deployments;
import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerHeader;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.oracle.Coverage;
import dev.cordon.oracle.Finding;
import dev.cordon.oracle.FindingLog;
import dev.cordon.oracle.IsolationChecks;
import dev.cordon.oracle.Sessions;
import dev.cordon.population.Passwords;
import dev.cordon.population.PopulationPlan;
import dev.cordon.population.PopulationPlanner;
import dev.cordon.population.Seeder;
import dev.cordon.config.ConfigException;
import dev.cordon.ledger.LedgerCohort;
import dev.cordon.oracle.CoverageMap;
import dev.cordon.oracle.FindingKind;
import dev.cordon.profile.Profile;
import dev.cordon.report.ConsoleText;
import dev.cordon.progress.Progress;
import dev.cordon.adapter.HttpTargetApi;
import java.util.Optional;
import dev.cordon.adapter.TargetApi;
import org.opentest4j.TestAbortedException;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one process-wide holder of a gate run: the environment, the deployment, the ledger and everything found.
 * Scenarios share it because a population is seeded and the clinic updated once per run, not once per scenario;
 * each step asks for what it needs ("the population before the update", "the update done") and gets it idempotently.
 */
public final class GateRun implements AutoCloseable {
    public static final String BEFORE_UPDATE = "before-update";
    public static final String AFTER_UPDATE = "after-update";
    public static final String VIDEO_SWITCH = "video-switch";

    private static GateRun current;

    private final EnvironmentConfig env;
    private final Phase phase;
    private final String runId;
    private final Path workDir;
    private final PrintStream console;
    private final Deployment deployment;
    private final dev.cordon.report.FindingsFile findingsFile;
    private final FindingLog findings;
    private final Coverage coverage = new Coverage();
    private final CoverageMap coverageMap;
    private final Progress progress;
    private Map<String, String> fixtureValues;
    private final Set<String> seededCohorts = new LinkedHashSet<>();
    /** Cohorts that came with the seed phase's ledger: the only ones --shard divides (see {@link #cohort}). */
    private final Set<String> ledgerCohorts = new LinkedHashSet<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Double> timings = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    /** Per stage, what its work added to the counters and how many requests it sent: rates per stage for benchmarks. */
    private final Map<String, Map<String, Long>> stageCounts = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final Instant startedAt = Instant.now();
    private Ledger ledger;
    private Passwords passwords;
    private Sessions sessions;
    private TargetApi target;
    private URI baseUri;
    private String runningRelease;
    private boolean updated;
    /** Phase verify: why the deployed target could not be taken as the release under test (every scenario gets it). */
    private RuntimeException updateFailure;
    private RuntimeException populationFailure;
    private final Options options;

    /** Choices of this invocation that are not environment configuration. */
    public record Options(boolean skipUi, Shard shard, Integer olderThanHours, boolean acceptPartial) {
        public Options(boolean skipUi, Shard shard, Integer olderThanHours) {
            this(skipUi, shard, olderThanHours, false);
        }

        public static Options none() {
            return new Options(false, Shard.WHOLE, null, false);
        }
    }

    public GateRun(EnvironmentConfig env, Phase phase, String runId, Path workDir, PrintStream console, Options options) {
        this.env = env;
        this.phase = phase;
        this.runId = runId;
        this.workDir = workDir;
        this.console = console;
        this.options = options;
        this.findingsFile = new dev.cordon.report.FindingsFile(workDir.resolve(dev.cordon.report.FindingsFile.FILE_NAME));
        this.findings = new FindingLog(findingsFile);
        this.deployment = Deployments.create(env, workDir, console);
        this.coverageMap = CoverageMap.of(env.target().profile());
        this.progress = Progress.forConsole(console);
    }

    public Options options() {
        return options;
    }

    /** Cleanup talks to the target at the release under test, with the ledger of the run to remove (if any). */
    synchronized TargetApi connectForCleanup() {
        if (target != null && ledger != null) {
            return target; // the end of a run with cleanup policy remove-after-run: still connected
        }
        if (options.olderThanHours() == null && ledger == null) {
            openLedger();
            ledger = openedLedger;
            passwords = openedPasswords;
        }
        bringUp(env.toRelease());
        return target;
    }

    /** The seed phase's ledger and key, opened and bound by {@link #openLedger()} before the scenarios run. */
    private Ledger openedLedger;
    private Passwords openedPasswords;

    /**
     * Phases verify and cleanup (of a run): loads the ledger and its password key and binds them to this environment,
     * sending nothing. A damaged ledger, a missing or wrong key, another environment's or target's ledger is refused
     * here, before any request: a {@link ConfigException} or {@link dev.cordon.ledger.LedgerException} (exit 2).
     */
    public synchronized void openLedger() {
        boolean needsLedger = phase == Phase.verify || (phase == Phase.cleanup && options.olderThanHours() == null);
        if (!needsLedger || openedLedger != null) {
            return;
        }
        Ledger loaded = Ledger.load(env.ledger());
        try {
            Passwords keyed;
            try {
                keyed = new Passwords(PasswordKey.load(env.ledger()));
            } catch (IllegalStateException e) {
                throw new ConfigException(env.ledger() + ": " + e.getMessage());
            }
            bindLedger(env, loaded, keyed);
            openedPasswords = keyed;
            openedLedger = loaded;
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    public static synchronized void install(GateRun run) {
        current = run;
    }

    /** The run of this process; an IDE run of the suite without the gate gets the local environment's run. */
    public static synchronized GateRun current() {
        if (current == null) {
            current = GateMain.standaloneRun();
        }
        return current;
    }

    public static synchronized void uninstall() {
        current = null;
    }

    // --- what scenarios ask for ---

    /** The synthetic population on the release before the update: seeded now, or loaded from the seed phase's ledger. */
    public synchronized void ensurePopulationBeforeUpdate() {
        if (ledger != null) {
            return;
        }
        if (populationFailure != null) {
            throw populationFailure;
        }
        try {
            populationBeforeUpdate();
        } catch (RuntimeException e) {
            // Every scenario starts here: one failure (say, a target that never became healthy) is reported by each,
            // but waited for once.
            populationFailure = e;
            throw e;
        }
    }

    private void populationBeforeUpdate() {
        if (phase == Phase.verify) {
            ledgerDigest = digestOf(env.ledger()); // before loading: the seed phase's file, as every shard received it
            openLedger();
            ledger = openedLedger;
            passwords = openedPasswords;
            console.printf("ledger %s: run %s, %d patients, %d items seeded on %s%n", env.ledger(), ledger.header().runId(),
                    ledger.patientCount(), ledger.itemTotal(), releaseWords(ledger.header().releaseAtSeed()));
            sessions = new Sessions(passwords, ledger.header().runId());
            ledgerCohorts.addAll(ledger.patientCohorts());
            seededCohorts.addAll(ledgerCohorts);
            judgeCompleteness();
            return;
        }
        deployment.discardEarlierRuns();
        bringUp(env.fromRelease());
        passwords = new Passwords(PasswordKey.create(env.ledger()));
        ledger = Ledger.create(env.ledger(), new LedgerHeader(runId, env.name(), targetIdentity(env), runningRelease,
                env.population().seed(), Instant.now().toString(), passwords.checkValue(runId), env.population().patients()));
        sessions = new Sessions(passwords, runId);
        seed(BEFORE_UPDATE, env.population().patients(), env.population().consultationsPerPatient(), null);
    }

    /** What a ledger is bound to: the configured URL of an external target, or the kind of deployment Cordon starts. */
    static String targetIdentity(EnvironmentConfig env) {
        // Redacted by shape: the ledger outlives the run and travels as an artifact (a token in the URL must not).
        return env.cordonStartsTheTarget() ? "started by Cordon (" + env.deployment().kind() + ")"
                : dev.cordon.report.Redaction.text(env.deployment().baseUrl());
    }

    /**
     * A ledger belongs to one environment, target and password key: verify or cleanup with another one's ledger would
     * log in as nobody (or somebody else) and write new patients before failing. Refused before any request (exit 2).
     */
    public static void bindLedger(EnvironmentConfig env, Ledger ledger, Passwords passwords) {
        LedgerHeader header = ledger.header();
        String file = ledger.path().toString();
        if (!env.name().equals(header.environment())) {
            throw new ConfigException(file + ": this ledger belongs to environment '" + header.environment() + "' (run "
                    + header.runId() + "), not '" + env.name() + "': pass --ledger with this environment's ledger");
        }
        // Loopback is no exception (a staging reached through a port-forward is on loopback too). Where the operator can
        // list the patients, the target itself says whether it holds this run (TargetBinding, before any write), and a
        // new address of the same target is only noted; elsewhere the address is all there is to go by.
        if (header.target() != null && !header.target().equals(targetIdentity(env)) && !TargetBinding.canIdentify(env)) {
            throw new ConfigException(file + ": this ledger was seeded on target " + header.target() + ", not "
                    + targetIdentity(env) + " (" + env.file() + "): pass the ledger of this target's seed phase");
        }
        if (header.keyCheck() != null && !header.keyCheck().equals(passwords.checkValue(header.runId()))) {
            throw new ConfigException(file + ": the password key does not open this ledger (run " + header.runId() + "): set "
                    + PasswordKey.VARIABLE + " to the value the seed phase used, or keep " + PasswordKey.keyFile(ledger.path())
                    + " beside the ledger");
        }
    }

    /** An interrupted or partial seeding is reported, never silently verified (unless accepted explicitly). */
    private void judgeCompleteness() {
        if (ledger.skippedTornLines() > 0) {
            note("the ledger's last line was torn (an interrupted write) and was skipped: " + ledger.skippedTornLines() + " line");
        }
        Map<String, LedgerCohort> cohorts = ledger.cohorts();
        for (String cohort : ledgerCohorts) {
            LedgerCohort state = cohorts.get(cohort);
            String problem = null;
            if (state == null || !state.closed()) {
                int planned = state == null ? ledger.header().plannedPatients() : state.plannedPatients();
                problem = "the seeding of cohort " + cohort + " was interrupted: " + ledger.patients(cohort).size() + " of "
                        + planned + " planned patients are in the ledger and the cohort was never closed";
            } else if (!state.complete()) {
                problem = "cohort " + cohort + " is incomplete: " + state.completePatients() + " of " + state.plannedPatients()
                        + " patients were seeded completely (incomplete: " + state.incompletePatients() + ")";
            }
            if (problem == null) {
                continue;
            }
            if (options.acceptPartial()) {
                note("partial population accepted (--accept-partial): " + problem);
            } else {
                findings.addAll(List.of(new Finding(FindingKind.UNVERIFIED, "-", problem + "; verify cannot pass on it (use"
                        + " --accept-partial to verify what is there, or seed again)", Map.of("cohort", cohort))));
            }
        }
    }

    /** The software update to the release under test: performed here, or (phase verify) already done by the pipeline. */
    public synchronized void ensureUpdated() {
        if (phase == Phase.seed) {
            throw new TestAbortedException(dev.cordon.report.Outcome.PHASE_SEED_ENDS + ": the population is in the ledger "
                    + env.ledger() + "; run --phase verify after the deploy");
        }
        if (updated) {
            return;
        }
        if (updateFailure != null) {
            throw updateFailure;
        }
        if (phase == Phase.verify) {
            // The pipeline deployed between the phases: wait for the target, then make sure it is the release to verify.
            try {
                baseUri = deployment.update(env.toRelease());
                connect();
                // Before anything is written: is this the target the ledger was seeded on? (exit 2 if not)
                String moved = TargetBinding.check(target, ledger, targetIdentity(env));
                if (moved != null) {
                    note(moved);
                }
                runningRelease = new DeployedRelease(env, ledger.header().releaseAtSeed()).await(target, console);
                console.printf("verifying %s (the population was seeded on %s)%n", releaseWords(runningRelease),
                        releaseWords(ledger.header().releaseAtSeed()));
            } catch (RuntimeException e) {
                updateFailure = e;
                throw e;
            }
        } else {
            console.printf("updating the clinic: %s -> %s%n", runningRelease == null ? NOT_REPORTED : ConsoleText.safe(runningRelease),
                    env.toRelease());
            Instant started = Instant.now();
            baseUri = deployment.update(env.toRelease());
            connect();
            time("update", started);
        }
        if (!env.toRelease().equals(runningRelease) && deployment.controlsReleases()) {
            throw new IllegalStateException("the target reports " + releaseWords(runningRelease) + " after the update to " + env.toRelease());
        }
        if (sessions != null) {
            sessions.forgetAll();
        }
        updated = true;
        if (phase == Phase.verify) {
            // What the seed phase left open (an intent whose answer never came: a killed or failed write) is settled by
            // reading back what the target made, before any check counts an item nobody recorded as UNKNOWN.
            OpenIntents.Settled settled = OpenIntents.settle(ledger, target, sessions, runningRelease);
            if (settled.patients() > 0) {
                console.printf("open intents: %s%n", settled.describe());
                note("open intents in the ledger were reconciled before any check: " + settled.describe());
            }
        }
    }

    /**
     * A further cohort created on the running release, once per run. Of the shards of one verify, shard 1 seeds and
     * checks it whole and the others leave it to shard 1 (they check their part of the ledger's cohorts): together the
     * shards seed and check exactly what one runner would, sample for sample.
     */
    public synchronized void ensureCohort(String cohort, int patients, int consultations, String variant) {
        if (seededCohorts.contains(cohort)) {
            return;
        }
        Shard shard = options.shard();
        if (phase == Phase.verify && shard.index() > 1) {
            seededCohorts.add(cohort);
            console.printf("cohort %s: seeded and checked by shard 1/%d (this shard checks its part of the ledger's patients)%n",
                    cohort, shard.count());
            return;
        }
        seed(cohort, patients, consultations, variant);
    }

    // --- what a merge of shards needs to know they verified the same ledger ---

    private String ledgerDigest;

    /**
     * SHA-256 of the ledger file as phase verify found it (before this invocation appended anything), or of the ledger a
     * rehearsal wrote; null if there is none.
     */
    public synchronized String ledgerDigest() {
        boolean unread = phase == Phase.verify && ledger == null; // every scenario deselected: nothing appended either
        if (ledgerDigest == null && (unread || phase == Phase.rehearse) && java.nio.file.Files.isRegularFile(env.ledger())) {
            ledgerDigest = digestOf(env.ledger());
        }
        return ledgerDigest;
    }

    /** The run the verified population belongs to: the ledger's (phase verify) or this invocation's. */
    public synchronized String ledgerRun() {
        return ledger != null ? ledger.header().runId() : phase == Phase.verify ? null : runId;
    }

    static String digestOf(Path file) {
        try (var in = java.nio.file.Files.newInputStream(file)) {
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return "sha256:" + java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.io.IOException e) {
            return null; // the load that follows reports an unreadable ledger in its own words
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void bringUp(String release) {
        baseUri = deployment.start(release);
        connect();
    }

    private void connect() {
        target = HttpTargetApi.forEnvironment(baseUri, env);
        runningRelease = target.version();
        console.printf("target %s runs %s%n", baseUri, runningRelease == null
                ? NOT_REPORTED + " (the profile declares no version, or the target did not say)" : "release " + ConsoleText.safe(runningRelease));
    }

    private void seed(String cohort, int patients, int consultations, String variant) {
        PopulationPlanner planner = new PopulationPlanner(planningRun(), env.population().emailDomain(), env.population().lookAlikeEvery());
        PopulationPlan plan = planner.plan(cohort, env.population().seed(), patients, consultations, variant != null,
                VIDEO_SWITCH.equals(cohort) ? timesOfDayOfFirstCohort(planner) : List.of());
        plans.put(cohort, plan);
        Instant started = Instant.now();
        Map<String, Long> before = countersNow();
        Seeder.Outcome outcome = new Seeder(target, ledger, passwords, env.concurrency(), progress, runningRelease, fixtures())
                .withRecipeAttempts(env.target().recipeAttempts())
                .withBodyTampering(new Seeder.BodyTampering(env.target().profile().tampering().body(), env.checks().tamperingSample()))
                // Sacrificial items for every write probe and delete proof: their callers are the first tamperingSample
                // patients, each acting on another one's item, so one more patient than callers has them.
                .withSacrificialPatients(env.checks().tamperingSample() + 1)
                .seed(plan, variant);
        coverage.add(Coverage.PATIENTS_SEEDED, outcome.patients());
        coverage.add(Coverage.RECORDINGS_SEEDED, outcome.items());
        time("seed " + cohort, started, before);
        coverage.add("itemsReconciled", outcome.reconciled());
        if (outcome.accountBatches() > 0) {
            coverage.add("accountBatchRequests", outcome.accountBatches());
            coverage.add("accountsReconciled", outcome.accountsReconciled());
            console.printf("accounts of cohort %s: %d batch create request(s) (patients.createBatch)%s%n", cohort,
                    outcome.accountBatches(), outcome.accountsReconciled() > 0 ? ", " + outcome.accountsReconciled()
                    + " account(s) learnt by logging in after a batch whose answer was lost" : "");
        }
        if (outcome.reconciled() > 0) {
            note(outcome.reconciled() + " item(s) of cohort " + cohort + " were learnt by reading back after a write whose"
                    + " answer was lost (reconciled; marked so in the ledger)");
        }
        findings.addAll(outcome.problems());
        seededCohorts.add(cohort);
    }

    /**
     * The times of day the first cohort booked (planned again from the ledger's seed and size: the plan is
     * deterministic), which the mid-call switch cohort reuses on days of its own, as clinics reuse their daily slots.
     */
    private List<java.time.LocalTime> timesOfDayOfFirstCohort(PopulationPlanner planner) {
        LedgerHeader header = ledger.header();
        int planned = header.plannedPatients() > 0 ? header.plannedPatients() : env.population().patients();
        return planner.plan(BEFORE_UPDATE, header.seed(), planned, env.population().consultationsPerPatient(), false).timesOfDay();
    }

    /**
     * Run-level fixtures, made once per run by the operator and recorded in the ledger: a later phase, a retried verify
     * or a shard of the same run reuses what the ledger holds (a fixture with a unique name cannot be made twice).
     * What they extract is known to every recipe and set-up step; the run tag is always this invocation's own.
     */
    private Map<String, String> fixtures() {
        if (fixtureValues != null) {
            return fixtureValues;
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<Profile.Step> declared = env.target().profile().fixtures();
        Map<String, String> recorded = ledger.fixtures();
        if (!declared.isEmpty() && recorded.isEmpty()) {
            Map<String, String> made = new LinkedHashMap<>();
            made.put("runTag", PopulationPlanner.TAG_PREFIX + runOfLedger());
            for (Profile.Step fixture : declared) {
                var answer = target.perform("fixture " + fixture.key(), fixture.request(), fixture.as(), null, made);
                if (!answer.ok()) {
                    throw new dev.cordon.adapter.TargetUnavailableException(answer.observation().request(), answer.observation().status(),
                            "the fixture " + fixture.key() + " could not be created (" + answer.observation().status() + ")", null);
                }
                for (var e : fixture.extract().entrySet()) {
                    made.put(e.getKey(), e.getValue().text(answer.json()).orElseThrow(() -> new dev.cordon.adapter.TargetUnavailableException(
                            answer.observation().request(), answer.observation().status(), "the fixture answer holds no " + e.getKey()
                            + " at " + e.getValue(), null)));
                }
            }
            made.remove("runTag");
            ledger.recordFixtures(made);
            recorded = made;
        }
        values.putAll(recorded);
        values.put("runTag", PopulationPlanner.TAG_PREFIX + planningRun());
        fixtureValues = Map.copyOf(values);
        return fixtureValues;
    }

    private String runOfLedger() {
        return ledger.header().runId();
    }

    /**
     * The run id new patients are planned under. Parallel shards of one verify each seed their own post-update
     * cohorts on the same target, so their usernames must differ: each shard plans under "RUN-sIofN", an externalRef
     * that cleanup of RUN still finds ({@link #belongsToRun}).
     */
    private String planningRun() {
        Shard shard = options.shard();
        return phase == Phase.verify && shard.count() > 1
                ? runOfLedger() + SHARD_RUN_SEPARATOR + shard.index() + "of" + shard.count() : runOfLedger();
    }

    private static final String SHARD_RUN_SEPARATOR = "-s";

    /** Whether a synthetic patient's externalRef marks it as created by this run (by its seed phase or any shard's verify). */
    static boolean belongsToRun(String externalRef, String runId) {
        String run = PopulationPlanner.runOf(externalRef);
        return run != null && (run.equals(runId) || run.matches(java.util.regex.Pattern.quote(runId + SHARD_RUN_SEPARATOR) + "\\d+of\\d+"));
    }

    /** What the final sweep did, for the console, the summary and the report (null: it did not run). */
    public record Sweep(int patients, List<String> cohorts, long listings, long pages, List<Finding> findings, int alreadyReported,
                        double seconds) {
    }

    private Sweep sweep;

    public synchronized Sweep sweep() {
        return sweep;
    }

    /**
     * The last stage before the report: after the last write of the run (every cohort, every recipe, every probe),
     * every patient's every listing is read once more, all cohorts together, with the same listing oracle. A misfiled
     * item seen only now (say, a switched recording filed under an earlier patient booked at the same time of day) is
     * reported where it was seen; one the earlier checks already reported in the same words is not reported twice.
     * Runs only once the release under test was reached and a population exists (not in phase seed or cleanup).
     */
    public synchronized void finalSweep() {
        if (sweep != null || !updated || ledger == null || target == null || phase == Phase.seed || phase == Phase.cleanup) {
            return;
        }
        List<String> cohorts = new ArrayList<>(seededCohorts);
        List<List<LedgerPatient>> parts = cohorts.stream().map(this::cohort).toList();
        List<LedgerPatient> patients = concat(parts);
        if (patients.isEmpty()) {
            return;
        }
        logIn(patients);
        Instant started = Instant.now();
        Map<String, Long> before = countersNow();
        List<Finding> found = checks().finalSweep(patients);
        time("check " + IsolationChecks.SWEEP_STAGE, started, before);
        Set<String> earlier = new java.util.HashSet<>();
        findings.all().forEach(f -> earlier.add(sameness(f)));
        List<Finding> fresh = found.stream().filter(f -> !earlier.contains(sameness(f))).toList();
        findings.addAll(fresh);
        sweep = new Sweep(patients.size(), cohorts, coverage.get(IsolationChecks.SWEEP_LISTINGS),
                coverage.get(IsolationChecks.SWEEP_PAGES), fresh, found.size() - fresh.size(),
                java.time.Duration.between(started, Instant.now()).toMillis() / 1000.0);
        String kinds = fresh.isEmpty() ? "no new findings" : fresh.stream().collect(java.util.stream.Collectors.groupingBy(
                        f -> f.kind().name(), java.util.TreeMap::new, java.util.stream.Collectors.counting()))
                .entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(" "));
        console.printf("final sweep: %d patients of cohorts %s, %d listings over %d pages after the last write: %s%s%n",
                sweep.patients(), cohorts, sweep.listings(), sweep.pages(), kinds,
                sweep.alreadyReported() > 0 ? " (" + sweep.alreadyReported() + " seen again as already reported)" : "");
    }

    /** A finding in terms that do not depend on when it was seen: kind, patient, where, and the ids it names. */
    private static String sameness(Finding f) {
        Map<String, Object> e = f.evidence();
        Object foreign = e.get("foreign") instanceof Map<?, ?> m ? new java.util.TreeSet<>(m.keySet().stream().map(String::valueOf).toList()) : e.get("foreign");
        return String.join("\u0000", f.kind().name(), f.patient(), String.valueOf(e.get("where")), String.valueOf(e.get("related")),
                String.valueOf(foreign), String.valueOf(e.get("unknown")), String.valueOf(e.get("missing")),
                String.valueOf(e.get("assignedThroughBody") instanceof Map<?, ?> a ? new java.util.TreeSet<>(a.keySet().stream().map(String::valueOf).toList()) : null));
    }

    private static List<LedgerPatient> concat(List<List<LedgerPatient>> parts) {
        return dev.cordon.ledger.ListView.concat(parts);
    }

    // --- what checks use ---

    public IsolationChecks checks() {
        return new IsolationChecks(target, ledger, sessions, coverage, coverageMap, env.concurrency(), env.population().seed(),
                runningRelease, progress);
    }

    public CoverageMap coverageMap() {
        long uiPatients = coverage.get("uiPatientsChecked");
        Profile.Pages pages = env.target().profile().pages();
        if (pages != null && uiPatients > 0) {
            var entry = coverageMap.entry("web-page", pages.resource(), pages.listing());
            if (entry.status() == CoverageMap.Status.NOT_CHECKED) {
                entry.checked(uiPatients, 0, coverage.get("uiPagesChecked"));
            }
        }
        return coverageMap;
    }

    public String profileName() {
        return env.target().profileName();
    }

    /** A listing of the profile named in a feature, with its resource's plural (or singular) word. */
    public Optional<Profile.Listing> profileListing(String listing, String resourceWord) {
        return env.target().profile().resourceByWord(resourceWord)
                .filter(r -> r.appliesTo(runningRelease))
                .map(r -> r.listings().get(listing));
    }

    /** Why a listing named in a feature does not apply here: no such resource, not on this release, or no such listing. */
    public String missingListingReason(String listing, String resourceWord) {
        Profile profile = env.target().profile();
        return profile.resourceByWord(resourceWord).map(r -> r.appliesTo(runningRelease)
                        ? "the profile " + profileName() + " has no listing '" + listing + "' of " + resourceWord
                        : "the profile " + profileName() + " has " + r.many() + " from release " + r.since() + "; the release under test is " + shownRelease(runningRelease))
                .orElse("the profile " + profileName() + " has no resource called '" + resourceWord + "'");
    }

    /** Why no write probe applies: none declared, or only on resources of later releases. */
    public String missingWriteProbesReason() {
        boolean declared = env.target().profile().resources().values().stream().anyMatch(r -> !r.writeProbes().isEmpty());
        return declared ? "the profile " + profileName() + " declares write probes only for resources of later releases than " + shownRelease(runningRelease)
                : "the profile " + profileName() + " declares no write probes (resources.*.writeProbes)";
    }

    /** Whether any resource on the running release has recipe steps for this variant. */
    public boolean hasVariant(String variant) {
        return env.target().profile().resources().values().stream().anyMatch(r -> r.appliesTo(runningRelease) && r.hasVariant(variant));
    }

    /** The owner-selecting query parameters: the profile's tampering.query, or the environment's checks.ownerParameters. */
    public List<String> tamperingQuery() {
        List<String> declared = env.target().profile().tampering().query();
        return declared.isEmpty() ? env.checks().ownerParameters() : declared;
    }

    /**
     * The patients of a cohort this invocation verifies: all of them or this shard's part; in phase verify a cohort
     * this shard seeded itself after the update is its own already, so it is checked whole.
     */
    public List<LedgerPatient> cohort(String cohort) {
        List<LedgerPatient> patients = ledger.patients(cohort);
        return phase != Phase.verify || ledgerCohorts.contains(cohort) ? options.shard().of(patients) : patients;
    }

    public void record(List<Finding> found) {
        findings.addAll(found);
    }

    public void note(String note) {
        synchronized (notes) {
            notes.add(note);
        }
    }

    public List<String> notes() {
        synchronized (notes) {
            return List.copyOf(notes);
        }
    }

    /** Wall-clock seconds of a stage of the run (seeding a cohort, the update, a check), for the summary and benchmarks. */
    public void time(String stage, Instant started) {
        timings.merge(stage, java.time.Duration.between(started, Instant.now()).toMillis() / 1000.0, Double::sum);
    }

    /** The counters and the requests sent so far, to be handed back to {@link #time(String, Instant, Map)}. */
    public Map<String, Long> countersNow() {
        Map<String, Long> now = new LinkedHashMap<>(coverage.snapshot());
        now.put(REQUESTS, target == null ? 0L : target.traffic().getOrDefault(REQUESTS, 0L));
        now.put(CPU_MICROS, processCpuMicros());
        return now;
    }

    private static final String REQUESTS = "requests";
    /**
     * The CPU time (every thread, user and system) the gate's JVM spent in a stage: the benchmark's CPU per request. With
     * the embedded default the reference clinic runs in this JVM too, so there it counts the target's CPU as well.
     */
    private static final String CPU_MICROS = "gateCpuMicros";

    private static long processCpuMicros() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            return nanos < 0 ? 0L : nanos / 1000;
        }
        return 0L;
    }

    /** As {@link #time(String, Instant)}, also recording what the stage added to each counter since {@code before}. */
    public void time(String stage, Instant started, Map<String, Long> before) {
        time(stage, started);
        Map<String, Long> after = countersNow();
        synchronized (stageCounts) {
            Map<String, Long> counts = stageCounts.computeIfAbsent(stage, k -> new LinkedHashMap<>());
            after.forEach((counter, value) -> {
                long added = value - before.getOrDefault(counter, 0L);
                if (added > 0) {
                    counts.merge(counter, added, Long::sum);
                }
            });
        }
    }

    public Map<String, Map<String, Long>> stageCounts() {
        synchronized (stageCounts) {
            Map<String, Map<String, Long>> copy = new LinkedHashMap<>();
            stageCounts.forEach((k, v) -> copy.put(k, new LinkedHashMap<>(v)));
            return copy;
        }
    }

    /**
     * Logs in every one of these patients who has no session on the running release yet, timed as a stage of its own
     * ("log in patients"), so that the first check's figure is not the target's password hashing.
     */
    public void logIn(List<LedgerPatient> patients) {
        if (sessions == null || target == null) {
            return;
        }
        Instant started = Instant.now();
        Map<String, Long> before = countersNow();
        sessions.logInAll(target, patients, env.concurrency(), progress);
        time("log in patients", started, before);
    }

    public Map<String, Double> timings() {
        synchronized (timings) {
            return new LinkedHashMap<>(timings);
        }
    }

    public EnvironmentConfig environment() {
        return env;
    }

    public Phase phase() {
        return phase;
    }

    public String runId() {
        return ledger != null ? ledger.header().runId() : runId;
    }

    public Path workDir() {
        return workDir;
    }

    public FindingLog findings() {
        return findings;
    }

    /** target/cordon/findings.jsonl: every finding of the run, one per line. */
    public Path findingsFile() {
        return findingsFile.path();
    }

    public Coverage coverage() {
        return coverage;
    }

    public TargetApi target() {
        return target;
    }

    public URI baseUri() {
        return baseUri;
    }

    public Ledger ledger() {
        return ledger;
    }

    /** The sessions cleanup logs patients in with: the run's own, or (phase cleanup) new ones from the ledger's key. */
    synchronized Sessions sessionsForCleanup() {
        if (sessions == null) {
            passwords = new Passwords(PasswordKey.load(env.ledger()));
            sessions = new Sessions(passwords, ledger.header().runId());
        }
        return sessions;
    }

    public Sessions sessions() {
        return sessions;
    }

    /** The password the run derived for a synthetic patient: the browser check types it into the login page. */
    public String passwordOf(LedgerPatient patient) {
        return passwords.of(runId(), patient.key());
    }

    /** What the console and notes say for a release the target did not report (its profile has no version). */
    public static final String NOT_REPORTED = "release not reported by the target";

    /** A release for people: the release (escaped), or "release not reported by the target". */
    public static String shownRelease(String release) {
        return release == null ? NOT_REPORTED : ConsoleText.safe(release);
    }

    /** "release 2.0.0", or "release not reported by the target". */
    public static String releaseWords(String release) {
        return release == null ? NOT_REPORTED : "release " + ConsoleText.safe(release);
    }

    public String runningRelease() {
        return runningRelease;
    }

    /** The release the population was seeded on, as the ledger records it (null before a ledger exists). */
    public String releaseAtSeed() {
        return ledger == null ? null : ledger.header().releaseAtSeed();
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Map<String, String> deploymentDescription() {
        return new LinkedHashMap<>(deployment.describe());
    }

    public Secret operatorSecret() {
        return env.target().operatorSecret();
    }

    // --- the extension API (dev.cordon.extension): kept together, apart from the rest ---

    private final List<dev.cordon.extension.CustomFinding> customFindings = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, PopulationPlan> plans = new java.util.concurrent.ConcurrentHashMap<>();

    /** Findings of kinds of the users' own steps: they fail the release like a breach (GateReport counts them). */
    public void recordCustom(List<dev.cordon.extension.CustomFinding> found) {
        customFindings.addAll(found);
        found.forEach(f -> findingsFile.accept(f.asMap())); // every finding is in findings.jsonl, these too
    }

    public List<dev.cordon.extension.CustomFinding> customFindings() {
        synchronized (customFindings) {
            return List.copyOf(customFindings);
        }
    }

    /**
     * The time slots a patient booked, as its cohort was planned: the plan this invocation seeded, or (a cohort from the
     * seed phase's ledger) the same deterministic plan made again from the seed and the cohort's planned size.
     */
    public List<Instant> plannedSlots(LedgerPatient patient) {
        PopulationPlan plan = plans.computeIfAbsent(patient.cohort(), cohort -> {
            LedgerCohort state = ledger.cohorts().get(cohort);
            int planned = state == null ? ledger.header().plannedPatients() : state.plannedPatients();
            boolean switching = VIDEO_SWITCH.equals(cohort);
            return new PopulationPlanner(runOfLedger(), env.population().emailDomain(), env.population().lookAlikeEvery())
                    .plan(cohort, env.population().seed(), planned, switching ? 2 : env.population().consultationsPerPatient(), switching);
        });
        return plan.patients().stream().filter(p -> p.key().equals(patient.key())).findFirst()
                .map(p -> p.consultations().stream().map(dev.cordon.population.PlannedConsultation::slot).toList())
                .orElse(List.of());
    }

    /** A REST Assured specification authenticated as this patient on the running target (docs/extending.md). */
    public io.restassured.specification.RequestSpecification restAssured(LedgerPatient patient) {
        if (target == null || sessions == null) {
            throw new IllegalStateException("no target is connected yet: put the population step (and, in phase verify, 'the"
                    + " clinic has been updated to the release under test') before a step that sends requests");
        }
        return dev.cordon.adapter.RestAssuredSessions.forPatient(baseUri, env.target().profile().patients().session(),
                sessions.of(target, patient), env.target().connectTimeout(), env.target().readTimeout());
    }

    @Override
    public synchronized void close() {
        try {
            deployment.close();
        } finally {
            if (ledger != null) {
                ledger.close();
            }
            findingsFile.close();
        }
    }
}
