package dev.cordon.adapter;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What {@link HttpEngine} needs from an HTTP client library: one exchange, read whole, on a pooled keep-alive
 * connection, for both schemes. Retries of whole requests, the in-flight limit and the accounting stay in the engine;
 * a transport may resend an idempotent request once on a fresh connection when a pooled one turned out stale, never a
 * write. Silence longer than the read timeout and an answer not whole by its deadline are {@link java.net.SocketTimeoutException}s.
 */
interface Transport extends AutoCloseable {
    record Answer(int status, Map<String, List<String>> headers, byte[] body) {
    }

    Answer exchange(Outgoing request, boolean idempotent) throws IOException;

    /** The answer was still arriving at its whole-answer deadline (target.answerDeadlineMillis). */
    final class DeadlineMissed extends java.net.SocketTimeoutException {
        DeadlineMissed(java.time.Duration deadline) {
            super("the answer was not whole within " + deadline.toMillis() + " ms (target.answerDeadlineMillis)");
        }
    }

    @Override
    void close();
}
