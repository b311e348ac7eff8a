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
    public static final String CROSSTALK_PROBES = "crosstalkProbes";
    public static final String TAMPERING_PROBES = "tamperingProbes";
    public static final String CACHE_RESPONSES_CHECKED = "cacheResponsesChecked";

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

    /**
     * Many patients ask for their listings at the same instant (a barrier), for several rounds; every response is held
     * against its own caller's ledger. Sequential checks cannot see request state shared between threads; this can.
     * Only callers whose session resolves to themselves take part, so a wrong token is not mistaken for cross-talk.
     */
    public List<Finding> crosstalk(List<LedgerPatient> patients, int callers, int rounds) {
        List<LedgerPatient> group = new ArrayList<>();
        for (LedgerPatient patient : patients) {
            if (group.size() == callers) {
                break;
            }
            if (ledger.recordingsOf(patient.key()).isEmpty()) {
                continue;
            }
            Observation me = target.whoAmI(sessions.of(target, patient));
            if (me.ok() && patient.targetId().equals(me.value("patientId"))) {
                group.add(patient);
            }
        }
        if (group.size() < 2) {
            return List.of(new Finding(FindingKind.UNVERIFIED, "-", "cross-talk needs at least two patients with recordings and their own sessions; found "
                    + group.size(), Map.of("callers", group.size())));
        }
        ExecutorService pool = Executors.newFixedThreadPool(group.size(), r -> {
            Thread t = new Thread(r, "cordon-crosstalk");
            t.setDaemon(true);
            return t;
        });
        List<Finding> findings = new ArrayList<>();
        try {
            for (int round = 1; round <= rounds; round++) {
                java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(group.size());
                List<Future<ReplayListing>> answers = new ArrayList<>();
                for (LedgerPatient caller : group) {
                    var session = sessions.of(target, caller);
                    answers.add(pool.submit(() -> {
                        barrier.await(30, java.util.concurrent.TimeUnit.SECONDS);
                        return target.listReplays(session, Map.of());
                    }));
                }
                for (int i = 0; i < group.size(); i++) {
                    LedgerPatient caller = group.get(i);
                    try {
                        ReplayListing listing = answers.get(i).get();
                        coverage.add(CROSSTALK_PROBES, 1);
                        findings.addAll(listings.compare(caller, listing.recordingIds(), AccessOracle.requests(listing.pages()),
                                FindingKind.CROSSTALK, FindingKind.CROSSTALK, null, "listing under " + group.size()
                                        + " simultaneous callers (round " + round + ")"));
                    } catch (java.util.concurrent.ExecutionException e) {
                        findings.add(new Finding(FindingKind.UNVERIFIED, caller.key(), "cross-talk probe of " + caller.key()
                                + " in round " + round + " failed: " + e.getCause().getMessage(), Map.of("round", round)));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the cross-talk probe", e);
        } finally {
            pool.shutdownNow();
        }
        return findings;
    }

    /**
     * Repeats the listing and the by-id call with owner-selecting query parameters set to another synthetic patient's
     * id. A listing that gains another patient's recordings, or a refused recording that opens, is a finding; what the
     * call already did without the parameter is left to the other checks.
     */
    public List<Finding> parameterTampering(List<LedgerPatient> patients, List<String> parameters, int sample) {
        List<LedgerPatient> owners = patients.stream().filter(p -> !ledger.recordingsOf(p.key()).isEmpty()).toList();
        if (owners.size() < 2) {
            return List.of(new Finding(FindingKind.UNVERIFIED, "-", "parameter tampering needs two patients with recordings",
                    Map.of("patients", owners.size())));
        }
        List<LedgerPatient> callers = owners.subList(0, Math.min(sample, owners.size()));
        // One caller at a time: a concurrency fault must not pass for a parameter that widened the listing.
        return forEach(callers, 1, caller -> {
            LedgerPatient victim = owners.get((owners.indexOf(caller) + 1) % owners.size());
            var session = sessions.of(target, caller);
            List<Finding> findings = new ArrayList<>();
            java.util.Set<String> baseline = new java.util.HashSet<>(target.listReplays(session, Map.of()).recordingIds());
            String victimRecording = ledger.recordingsOf(victim.key()).get(0);
            boolean refusedWithout = !target.openReplay(session, victimRecording, Map.of()).ok();
            for (String parameter : parameters) {
                Map<String, String> tampered = Map.of(parameter, victim.targetId());
                ReplayListing listing = target.listReplays(session, tampered);
                coverage.add(TAMPERING_PROBES, 1);
                List<String> gained = listing.recordingIds().stream()
                        .filter(id -> !baseline.contains(id) && ledger.recording(id).map(r -> !r.patientKey().equals(caller.key())).orElse(true))
                        .toList();
                if (!gained.isEmpty()) {
                    Map<String, Object> evidence = new java.util.LinkedHashMap<>();
                    evidence.put("patient", caller.key());
                    evidence.put("parameter", parameter + "=" + victim.targetId() + " (" + victim.key() + ")");
                    evidence.put("gained", gained.stream().collect(java.util.stream.Collectors.toMap(id -> id,
                            id -> ledger.recording(id).map(r -> r.patientKey()).orElse("unknown to the ledger"), (a, b) -> a,
                            java.util.LinkedHashMap::new)));
                    evidence.put("requests", AccessOracle.requests(listing.pages()));
                    findings.add(new Finding(FindingKind.PARAMETER_TAMPERING, caller.key(),
                            "%s's listing with ?%s=<id of %s> gained %d recording(s) that are not theirs".formatted(
                                    caller.key(), parameter, victim.key(), gained.size()), evidence));
                }
                if (refusedWithout) {
                    Observation opened = target.openReplay(session, victimRecording, tampered);
                    coverage.add(TAMPERING_PROBES, 1);
                    access.foreign(caller, victimRecording, victim.key(), opened, FindingKind.PARAMETER_TAMPERING)
                            .ifPresent(findings::add);
                }
            }
            return findings;
        });
    }

    /** Private responses of a sample of patients (who-am-I, listing pages, a replay and its media) against the cache policy. */
    public List<Finding> cachePolicy(List<LedgerPatient> patients, int sample) {
        CachePolicyOracle policy = new CachePolicyOracle();
        List<LedgerPatient> callers = patients.stream().filter(p -> !ledger.recordingsOf(p.key()).isEmpty()).limit(sample).toList();
        return forEach(callers, caller -> {
            var session = sessions.of(target, caller);
            List<Observation> responses = new ArrayList<>();
            responses.add(target.whoAmI(session));
            responses.addAll(target.listReplays(session, Map.of()).pages());
            String own = ledger.recordingsOf(caller.key()).get(0);
            responses.add(target.openReplay(session, own, Map.of()));
            responses.add(target.openMedia(session, own, Map.of()));
            coverage.add(CACHE_RESPONSES_CHECKED, responses.size());
            return policy.judge(caller, responses).stream().toList();
        });
    }

    private List<Finding> forEach(List<LedgerPatient> patients, Function<LedgerPatient, List<Finding>> check) {
        return forEach(patients, concurrency, check);
    }

    private List<Finding> forEach(List<LedgerPatient> patients, int threads, Function<LedgerPatient, List<Finding>> check) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
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
