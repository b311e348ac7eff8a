package dev.cordon.adapter;

/**
 * The target answered the first request of a listing with a client error (4xx): nothing of the listing was read. A
 * refusal on a later page is a plain {@link TargetUnavailableException}: what earlier pages showed was already seen.
 */
public final class ListingRefusedException extends TargetUnavailableException {
    public ListingRefusedException(String request, int status) {
        super(request, status, "the listing's first request answered " + status, null);
    }
}
