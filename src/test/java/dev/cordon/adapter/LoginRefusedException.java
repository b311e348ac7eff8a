package dev.cordon.adapter;

/** The target answered a synthetic patient's login with a refusal (401/403): wrong password key, or no such account. */
public final class LoginRefusedException extends TargetUnavailableException {
    public LoginRefusedException(String request, int status, String message) {
        super(request, status, message, null);
    }
}
