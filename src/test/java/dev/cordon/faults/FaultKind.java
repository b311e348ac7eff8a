package dev.cordon.faults;

/**
 * What the {@link FaultProxy} can do to one request. "Before forwarding" kinds never reach the upstream; every other
 * kind lets the upstream process the request first, so a write has happened even though the caller never learns it.
 */
public enum FaultKind {
    /** 503 without forwarding: the request never reaches the upstream. */
    UNAVAILABLE_BEFORE("503-before"),
    /** Forwarded and processed, answer replaced by 503: the lost write answer. */
    UNAVAILABLE_AFTER("503-after"),
    /** Connection reset (SO_LINGER 0) before any byte of the answer, without forwarding. */
    RESET_BEFORE_FORWARDING("reset-before-forwarding"),
    /** Forwarded and processed, then reset before any byte of the answer. */
    RESET_AFTER_FORWARDING("reset-after-forwarding"),
    /** Headers and half the body sent, then reset. */
    RESET_MID_BODY("reset-mid-body"),
    /** The answer is held back for the rule's stall time, then sent whole. */
    STALL("stall"),
    /**
     * The whole answer sent one byte at a time, the rule's stall time between bytes: never silent for longer than that,
     * so only a whole-answer deadline ends it (the read timeout measures silence).
     */
    TRICKLE("trickle"),
    /** Content-Length promises more than is sent, then an orderly close (FIN, not reset). */
    TRUNCATE("truncate"),
    /** A 200 JSON answer's body replaced by {"status":"maintenance"}; other answers pass (and are not counted). */
    WRONG_SHAPE("wrong-shape"),
    /** Status 200, text/html error page instead of the answer (a maintenance page or a portal in front of the API). */
    HTML("html"),
    /** Answered 503 while the proxy was paused with {@link FaultProxy.PauseMode#ANSWER_503}. */
    PAUSED("paused");

    private final String label;

    FaultKind(String label) {
        this.label = label;
    }

    /** Short name for summaries and docs. */
    public String label() {
        return label;
    }

    /** Whether the upstream sees a request that draws this fault. */
    public boolean forwards() {
        return this != UNAVAILABLE_BEFORE && this != RESET_BEFORE_FORWARDING && this != PAUSED;
    }
}
