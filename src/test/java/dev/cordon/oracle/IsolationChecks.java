package dev.cordon.oracle;

import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.ledger.LedgerRecording;
import dev.cordon.target.Observation;
import dev.cordon.target.ReplayListing;
import dev.cordon.target.TargetApi;
import dev.cordon.target.TargetUnavailableException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs the checks for every patient of a cohort, each with that patient's own session, on a bounded pool, and turns
 * what was observed into findings through the oracles. A check that could not run for a patient is UNVERIFIED.
 */
public final class IsolationChecks {
    private final TargetApi target;
    private final Ledger ledger;
    private final Sessions sessions;
    private final Coverage coverage;
    private final int concurrency;
    private final long seed;
    private final ListingOracle listings;
    private final AccessOracle access = new AccessOracle();
    private final IdentityOracle identity;

    public IsolationChecks(TargetApi target, Ledger ledger, Sessions sessions, Coverage coverage, int concurrency, long seed) {
        this.target = target;
        this.ledger = ledger;
        this.sessions = sessions;
        this.coverage = coverage;
        this.concurrency = concurrency;
        this.seed = seed;
        this.listings = new ListingOracle(ledger);
        this.identity = new IdentityOracle(ledger);
    }

    /** Every page of each patient's replay listing holds exactly their own recordings. */
    public List<Finding> listings(List<LedgerPatient> patients) {
        return forEach(patients, patient -> {
            ReplayListing listing = target.listReplays(sessions.of(target, patient), Map.of());
            coverage.add(Coverage.LISTINGS_CHECKED, 1);
            coverage.add(Coverage.PAGES_FETCHED, listing.pages().size());
            coverage.add(Coverage.RECORDINGS_EXPECTED, ledger.recordingsOf(patient.key()).size());
            coverage.add(Coverage.PATIENTS_CHECKED, 1);
            return listings.compare(patient, listing.recordingIds(), AccessOracle.requests(listing.pages()));
        });
    }

    /** Each patient's session resolves to that patient. */
    public List<Finding> identities(List<LedgerPatient> patients) {
        return forEach(patients, patient -> {
            Observation me = target.whoAmI(sessions.of(target, patient));
            coverage.add(Coverage.SESSIONS_CHECKED, 1);
            return identity.judge(patient, me).stream().toList();
        });
    }

    /** Each patient opens each own recording, metadata and media. */
    public List<Finding> ownRecordings(List<LedgerPatient> patients) {
        return forEach(patients, patient -> {
            List<Finding> findings = new ArrayList<>();
            for (String recordingId : ledger.recordingsOf(patient.key())) {
                var session = sessions.of(target, patient);
                access.own(patient, recordingId, target.openReplay(session, recordingId, Map.of())).ifPresent(findings::add);
                access.own(patient, recordingId, target.openMedia(session, recordingId, Map.of())).ifPresent(findings::add);
                coverage.add(Coverage.OWN_OPENS, 2);
            }
            return findings;
        });
    }

    /** Each patient tries a deterministic sample of other patients' recordings by id; every one must be refused. */
    public List<Finding> foreignRecordings(List<LedgerPatient> patients, int samplePerPatient, boolean media) {
        List<LedgerRecording> all = ledger.recordings().stream()
                .sorted(java.util.Comparator.comparing(LedgerRecording::recordingId)).toList();
        return forEach(patients, patient -> {
            List<LedgerRecording> others = all.stream().filter(r -> !r.patientKey().equals(patient.key())).toList();
            Random random = new Random(seed ^ patient.key().hashCode());
            List<Finding> findings = new ArrayList<>();
            for (int i = 0; i < Math.min(samplePerPatient, others.size()); i++) {
                LedgerRecording probe = others.get(random.nextInt(others.size()));
                var session = sessions.of(target, patient);
                Observation answer = media ? target.openMedia(session, probe.recordingId(), Map.of())
                        : target.openReplay(session, probe.recordingId(), Map.of());
                coverage.add(Coverage.FOREIGN_PROBES, 1);
                access.foreign(patient, probe.recordingId(), probe.patientKey(), answer, FindingKind.DIRECT_ACCESS)
                        .ifPresent(findings::add);
            }
            return findings;
        });
    }

    private List<Finding> forEach(List<LedgerPatient> patients, Function<LedgerPatient, List<Finding>> check) {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "cordon-check");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<Finding>>> futures = new ArrayList<>();
            for (LedgerPatient patient : patients) {
                futures.add(pool.submit(() -> {
                    try {
                        return check.apply(patient);
                    } catch (TargetUnavailableException e) {
                        return List.of(new Finding(FindingKind.UNVERIFIED, patient.key(),
                                "could not check " + patient.key() + ": " + e.getMessage(),
                                Map.of("patient", patient.key(), "request", e.request(), "status", e.status())));
                    }
                }));
            }
            List<Finding> findings = new ArrayList<>();
            for (Future<List<Finding>> future : futures) {
                findings.addAll(future.get());
            }
            return findings;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a check failed unexpectedly: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
