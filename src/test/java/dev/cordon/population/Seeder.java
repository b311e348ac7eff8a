package dev.cordon.population;

import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.ledger.LedgerRecording;
import dev.cordon.oracle.Finding;
import dev.cordon.oracle.FindingKind;
import dev.cordon.target.Observation;
import dev.cordon.target.PatientSession;
import dev.cordon.target.TargetApi;
import dev.cordon.target.TargetUnavailableException;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates a planned population on the target, on a bounded pool, writing every patient and recording to the ledger
 * the moment the target confirms it. Shows progress on long runs. What could not be seeded is reported as UNVERIFIED,
 * never silently left out.
 */
public final class Seeder {
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(3);

    private final TargetApi target;
    private final Ledger ledger;
    private final Passwords passwords;
    private final int concurrency;
    private final PrintStream progress;

    public Seeder(TargetApi target, Ledger ledger, Passwords passwords, int concurrency, PrintStream progress) {
        this.target = target;
        this.ledger = ledger;
        this.passwords = passwords;
        this.concurrency = concurrency;
        this.progress = progress;
    }

    public record Outcome(int patients, int recordings, List<Finding> problems) {
    }

    public Outcome seed(PopulationPlan plan) {
        if (plan.patients().stream().anyMatch(p -> p.consultations().stream().anyMatch(PlannedConsultation::switchToVideo))
                && !target.supports("switchToVideo")) {
            throw new IllegalStateException("the target profile has no switchToVideo operation");
        }
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "cordon-seed");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger done = new AtomicInteger();
        AtomicInteger recordings = new AtomicInteger();
        List<Finding> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        Instant started = Instant.now();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (SyntheticPatient patient : plan.patients()) {
                futures.add(pool.submit(() -> {
                    try {
                        recordings.addAndGet(seedOne(patient));
                    } catch (TargetUnavailableException e) {
                        problems.add(new Finding(FindingKind.UNVERIFIED, patient.key(), "could not seed " + patient.key() + ": " + e.getMessage(),
                                Map.of("patient", patient.key(), "request", e.request(), "status", e.status())));
                    } finally {
                        done.incrementAndGet();
                    }
                }));
            }
            Instant lastReport = Instant.now();
            for (Future<?> future : futures) {
                while (true) {
                    try {
                        future.get(250, TimeUnit.MILLISECONDS);
                        break;
                    } catch (TimeoutException stillRunning) {
                        if (Duration.between(lastReport, Instant.now()).compareTo(PROGRESS_EVERY) > 0) {
                            lastReport = Instant.now();
                            report(plan, done.get(), recordings.get(), started);
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while seeding " + plan.cohort(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("seeding " + plan.cohort() + " failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        report(plan, done.get(), recordings.get(), started);
        return new Outcome(plan.patients().size() - problems.size(), recordings.get(), List.copyOf(problems));
    }

    private void report(PopulationPlan plan, int done, int recordings, Instant started) {
        progress.printf("seeding %s: %d/%d patients, %d recordings (%.1f s)%n", plan.cohort(), done, plan.patients().size(),
                recordings, Duration.between(started, Instant.now()).toMillis() / 1000.0);
    }

    private int seedOne(SyntheticPatient patient) {
        String password = passwords.of(ledger.header().runId(), patient.key());
        String targetId = target.createPatient(patient, password);
        LedgerPatient confirmed = new LedgerPatient(patient.key(), patient.cohort(), targetId, patient.username(),
                patient.externalRef(), patient.nhsNumber(), Instant.now().toString());
        ledger.recordPatient(confirmed);

        PatientSession session = target.logIn(patient.key(), patient.username(), password);
        Observation me = target.whoAmI(session);
        if (!me.ok() || !targetId.equals(me.value("patientId"))) {
            // Booking with a session that is not this patient's would put someone else's data in the ledger.
            // The identity check reports the mismatch; this patient simply gets no consultations.
            return 0;
        }
        int count = 0;
        for (PlannedConsultation planned : patient.consultations()) {
            String consultationId = target.book(session, planned);
            Set<String> created = new LinkedHashSet<>(target.start(consultationId));
            if (planned.switchToVideo()) {
                created.addAll(target.switchToVideo(consultationId));
            }
            List<String> completed = target.complete(consultationId);
            if (created.isEmpty()) {
                // Targets that create recordings only at completion.
                created.addAll(completed);
            }
            for (String recordingId : created) {
                String mode = planned.switchToVideo() && !recordingId.equals(created.iterator().next()) ? "VIDEO" : "AUDIO";
                ledger.recordRecording(new LedgerRecording(recordingId, patient.key(), consultationId, mode, patient.cohort()));
                count++;
            }
        }
        return count;
    }
}
