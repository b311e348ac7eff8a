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
import dev.cordon.target.RestTargetApi;
import dev.cordon.target.TargetApi;
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
    private final FindingLog findings = new FindingLog();
    private final Coverage coverage = new Coverage();
    private final Set<String> seededCohorts = new LinkedHashSet<>();
    private final List<String> notes = new ArrayList<>();
    private final Instant startedAt = Instant.now();
    private Ledger ledger;
    private Passwords passwords;
    private Sessions sessions;
    private TargetApi target;
    private URI baseUri;
    private String runningRelease;
    private boolean updated;
    private final Options options;

    /** Choices of this invocation that are not environment configuration. */
    public record Options(boolean skipUi, Shard shard, Integer olderThanHours) {
        public static Options none() {
            return new Options(false, Shard.WHOLE, null);
        }
    }

    public GateRun(EnvironmentConfig env, Phase phase, String runId, Path workDir, PrintStream console, Options options) {
        this.env = env;
        this.phase = phase;
        this.runId = runId;
        this.workDir = workDir;
        this.console = console;
        this.options = options;
        this.deployment = Deployments.create(env, workDir, console);
    }

    public Options options() {
        return options;
    }

    /** Cleanup talks to the target at the release under test, with the ledger of the run to remove (if any). */
    synchronized TargetApi connectForCleanup() {
        if (options.olderThanHours() == null) {
            ledger = Ledger.load(env.ledger());
        }
        bringUp(env.toRelease());
        return target;
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
        if (phase == Phase.verify) {
            ledger = Ledger.load(env.ledger());
            console.printf("ledger %s: run %s, %d patients, %d recordings seeded at %s%n", env.ledger(), ledger.header().runId(),
                    ledger.patients().size(), ledger.recordings().size(), ledger.header().releaseAtSeed());
            passwords = new Passwords(PasswordKey.load(env.ledger()));
            sessions = new Sessions(passwords, ledger.header().runId());
            seededCohorts.addAll(ledger.patients().stream().map(LedgerPatient::cohort).toList());
            return;
        }
        deployment.discardEarlierRuns();
        bringUp(env.fromRelease());
        passwords = new Passwords(PasswordKey.create(env.ledger()));
        ledger = Ledger.create(env.ledger(), new LedgerHeader(runId, env.name(), baseUri.toString(), runningRelease,
                env.population().seed(), Instant.now().toString()));
        sessions = new Sessions(passwords, runId);
        seed(BEFORE_UPDATE, env.population().patients(), env.population().consultationsPerPatient(), false);
    }

    /** The software update to the release under test: performed here, or (phase verify) already done by the pipeline. */
    public synchronized void ensureUpdated() {
        if (phase == Phase.seed) {
            throw new TestAbortedException("phase seed ends before the update: the population is in the ledger "
                    + env.ledger() + "; run --phase verify after the deploy");
        }
        if (updated) {
            return;
        }
        if (phase == Phase.verify) {
            bringUp(env.toRelease());
        } else {
            console.printf("updating the clinic: %s -> %s%n", runningRelease, env.toRelease());
            baseUri = deployment.update(env.toRelease());
            connect();
        }
        if (!env.toRelease().equals(runningRelease) && deployment.controlsReleases()) {
            throw new IllegalStateException("the target reports release " + runningRelease + " after the update to " + env.toRelease());
        }
        sessions.forgetAll();
        updated = true;
    }

    /** A further cohort created on the running release, once per run. */
    public synchronized void ensureCohort(String cohort, int patients, int consultations, boolean switchToVideo) {
        if (!seededCohorts.contains(cohort)) {
            seed(cohort, patients, consultations, switchToVideo);
        }
    }

    private void bringUp(String release) {
        baseUri = deployment.start(release);
        connect();
    }

    private void connect() {
        target = RestTargetApi.forEnvironment(baseUri, env);
        runningRelease = target.version();
        console.printf("target %s runs release %s%n", baseUri, runningRelease);
    }

    private void seed(String cohort, int patients, int consultations, boolean switchToVideo) {
        PopulationPlanner planner = new PopulationPlanner(runOfLedger(), env.population().emailDomain(), env.population().lookAlikeEvery());
        PopulationPlan plan = planner.plan(cohort, env.population().seed(), patients, consultations, switchToVideo);
        Seeder.Outcome outcome = new Seeder(target, ledger, passwords, env.concurrency(), console).seed(plan);
        coverage.add(Coverage.PATIENTS_SEEDED, outcome.patients());
        coverage.add(Coverage.RECORDINGS_SEEDED, outcome.recordings());
        findings.addAll(outcome.problems());
        seededCohorts.add(cohort);
    }

    private String runOfLedger() {
        return ledger.header().runId();
    }

    // --- what checks use ---

    public IsolationChecks checks() {
        return new IsolationChecks(target, ledger, sessions, coverage, env.concurrency(), env.population().seed());
    }

    /** The patients of a cohort this invocation verifies (all of them, or this shard's part). */
    public List<LedgerPatient> cohort(String cohort) {
        return options.shard().of(ledger.patients(cohort));
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

    public Sessions sessions() {
        return sessions;
    }

    /** The password the run derived for a synthetic patient: the browser check types it into the login page. */
    public String passwordOf(LedgerPatient patient) {
        return passwords.of(runId(), patient.key());
    }

    public String runningRelease() {
        return runningRelease;
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

    @Override
    public synchronized void close() {
        try {
            deployment.close();
        } finally {
            if (ledger != null) {
                ledger.close();
            }
        }
    }
}
