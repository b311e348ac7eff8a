package dev.cordon.oracle;

import dev.cordon.ledger.LedgerPatient;
import dev.cordon.population.Passwords;
import dev.cordon.adapter.PatientSession;
import dev.cordon.adapter.TargetApi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    public void forgetAll() {
        byPatient.clear();
    }
}
