package dev.cordon.clinic;

/** The clinic cannot start on this database (for example, an older release on a newer schema). */
public final class ClinicStartException extends IllegalStateException {
    public ClinicStartException(String message) { super(message); }
    public ClinicStartException(String message, Throwable cause) { super(message, cause); }
}
