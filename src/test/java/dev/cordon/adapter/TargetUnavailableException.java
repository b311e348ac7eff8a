package dev.cordon.adapter;

/** The target could not answer a check (unreachable, timeout, 5xx, unexpected shape): the check is UNVERIFIED. */
public class TargetUnavailableException extends RuntimeException {
    private final String request;
    private final int status;

    public TargetUnavailableException(String request, int status, String message, Throwable cause) {
        super(request + ": " + message, cause);
        this.request = request;
        this.status = status;
    }

    public String request() {
        return request;
    }

    public int status() {
        return status;
    }
}
