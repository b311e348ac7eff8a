package dev.cordon.oracle;

import dev.cordon.ledger.LedgerPatient;
import dev.cordon.population.Passwords;
import dev.cordon.adapter.PatientSession;
import dev.cordon.adapter.TargetApi;

import dev.cordon.progress.Progress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Logged-in sessions per synthetic patient for the current release; forgotten when the target is updated, renewed
 * once when the target stops honouring one (a restart drops sessions: that is not a refusal).
 */
public final class Sessions {
    private final Map<String, PatientSession> byPatient = new ConcurrentHashMap<>();
    private final Passwords passwords;
    private final String runId;

    public Sessions(Passwords passwords, String runId) {
        this.passwords = passwords;
        this.runId = runId;
    }

    public PatientSession of(TargetApi target, LedgerPatient patient) {
        return byPatient.computeIfAbsent(patient.key(), key -> target.logIn(key, loginValues(patient)));
    }

    /** Logs the patient in again (after a 401 with a session that used to work). */
    public PatientSession renew(TargetApi target, LedgerPatient patient) {
        PatientSession fresh = target.logIn(patient.key(), loginValues(patient));
        byPatient.put(patient.key(), fresh);
        return fresh;
    }

    private Map<String, String> loginValues(LedgerPatient patient) {
        Map<String, String> values = new LinkedHashMap<>(patient.values());
        values.put("password", passwords.of(runId, patient.key()));
        return values;
    }

    /**
     * Logs in, on a pool of {@code concurrency} callers, each of these patients who has no session yet: a stage of its
     * own, so a check's figure measures the check and not the target's password hashing. A login that fails here is
     * left to the check, which tries again and reports that patient UNVERIFIED if it still cannot log in.
     */
    public void logInAll(TargetApi target, List<LedgerPatient> patients, int concurrency, Progress progress) {
        // Counted by key, so that the patients' records (a view of the ledger) are read only by the workers that log in.
        long missing = 0;
        for (int i = 0; i < patients.size(); i++) {
            missing += byPatient.containsKey(patients.get(i).key()) ? 0 : 1;
        }
        if (missing == 0) {
            return;
        }
        int workers = (int) Math.max(1, Math.min(concurrency, missing));
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "cordon-login");
            t.setDaemon(true);
            return t;
        });
        Progress.Stage stage = progress.stage("logging in", missing, "patients");
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                done.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < patients.size(); i = next.getAndIncrement()) {
                        LedgerPatient patient = patients.get(i);
                        if (byPatient.containsKey(patient.key())) {
                            continue;
                        }
                        try {
                            of(target, patient);
                        } catch (RuntimeException e) {
                            // reported by the check that needs this session (UNVERIFIED), never counted as checked here
                        }
                        stage.advance(1, 0);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while logging patients in", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("logging patients in failed unexpectedly: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
            stage.done();
        }
    }

    public void forgetAll() {
        byPatient.clear();
    }
}
