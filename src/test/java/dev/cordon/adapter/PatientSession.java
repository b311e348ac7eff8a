package dev.cordon.adapter;

/**
 * A logged-in patient as the target sees it: a bearer token or a session cookie. The credential never leaves this
 * object in any printable form; toString names the patient only.
 */
public final class PatientSession {
    private final String patientKey;
    private final String username;
    private final String credential;

    public PatientSession(String patientKey, String username, String credential) {
        this.patientKey = patientKey;
        this.username = username;
        this.credential = credential;
    }

    public String patientKey() {
        return patientKey;
    }

    public String username() {
        return username;
    }

    String credential() {
        return credential;
    }

    @Override
    public String toString() {
        return "session of " + patientKey;
    }
}
