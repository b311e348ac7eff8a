package dev.cordon.oracle;

import dev.cordon.ledger.LedgerPatient;
import dev.cordon.population.Passwords;
import dev.cordon.target.PatientSession;
import dev.cordon.target.TargetApi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Logged-in sessions per synthetic patient for the current release; forgotten when the target is updated. */
public final class Sessions {
    private final Map<String, PatientSession> byPatient = new ConcurrentHashMap<>();
    private final Passwords passwords;
    private final String runId;

    public Sessions(Passwords passwords, String runId) {
        this.passwords = passwords;
        this.runId = runId;
    }

    public PatientSession of(TargetApi target, LedgerPatient patient) {
        return byPatient.computeIfAbsent(patient.key(),
                key -> target.logIn(key, patient.username(), passwords.of(runId, key)));
    }

    public void forgetAll() {
        byPatient.clear();
    }
}
