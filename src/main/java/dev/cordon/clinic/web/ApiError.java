package dev.cordon.clinic.web;

/** An API failure that becomes {@code {"error": message}} with this status. */
public final class ApiError extends RuntimeException {
    private final int status;

    public ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() { return status; }

    public static ApiError badRequest(String message) { return new ApiError(400, message); }
    public static ApiError unauthorized(String message) { return new ApiError(401, message); }
    public static ApiError notFound(String what) { return new ApiError(404, what + " not found"); }
}
