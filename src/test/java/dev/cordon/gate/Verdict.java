package dev.cordon.gate;

/** The gate's answer and its exit code. A gate never says PASS for something it could not check. */
public enum Verdict {
    PASS(0), SEEDED(0), BREACH(1), ERROR(2), UNVERIFIED(3);

    private final int exitCode;

    Verdict(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
