package dev.cordon.adapter;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How Cordon speaks HTTP to a target: one pooled keep-alive {@link Transport} for both schemes (Apache HttpClient 5,
 * the caller's thread reading its own answer; nothing above this class knows the library), an in-flight limit that
 * backs off when the target answers 429/503 and grows back while it keeps up, and bounded retries with jittered
 * back-off for idempotent requests only (a write is never blindly repeated: see the seeder's reconciliation). The budget
 * of retries is per run, so a target that fails everything ends the run as UNVERIFIED quickly rather than being
 * hammered. Besides the read timeout (silence), every exchange has a whole-answer deadline: an answer still arriving
 * then is a timeout, and the check UNVERIFIED.
 */
public final class HttpEngine implements AutoCloseable {
    /** How long a pooled connection may sit idle and still be reused, unless the environment says otherwise. */
    public static final Duration DEFAULT_KEEP_ALIVE_IDLE = Duration.ofSeconds(2);
    /** The whole-answer deadline, unless the environment says otherwise: this many read timeouts. */
    public static final int DEFAULT_DEADLINE_READ_TIMEOUTS = 4;

    private final Transport transport;
    private final AdaptiveLimit limit;
    private final RetryPolicy retries;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong backoffs = new AtomicLong();
    private final AtomicLong deadlinesMissed = new AtomicLong();

    /** Retries of idempotent requests: attempts per request, back-off base, and how many retries a whole run may spend. */
    public record RetryPolicy(int attempts, Duration backoff, long budget) {
        public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 0);
    }

    public HttpEngine(Duration connectTimeout, Duration readTimeout, int maxInFlight, RetryPolicy retries) {
        this(connectTimeout, readTimeout, maxInFlight, retries, DEFAULT_KEEP_ALIVE_IDLE);
    }

    public HttpEngine(Duration connectTimeout, Duration readTimeout, int maxInFlight, RetryPolicy retries, Duration keepAliveIdle) {
        this(connectTimeout, readTimeout, readTimeout.multipliedBy(DEFAULT_DEADLINE_READ_TIMEOUTS), maxInFlight, retries,
                keepAliveIdle, Network.DIRECT);
    }

    /** {@code network}: trust, client certificate, TLS versions and proxy (its files are read here: a bad one throws). */
    public HttpEngine(Duration connectTimeout, Duration readTimeout, Duration answerDeadline, int maxInFlight, RetryPolicy retries,
                      Duration keepAliveIdle, Network network) {
        int max = Math.max(1, maxInFlight);
        this.transport = new PooledTransport(connectTimeout, readTimeout, answerDeadline, keepAliveIdle, max, network,
                TlsContexts.build(network));
        this.limit = new AdaptiveLimit(max);
        this.retries = retries;
    }

    /** The answer to one request, read whole. */
    public record Reply(int status, Map<String, java.util.List<String>> headers, byte[] body, long millis, int attempts) {
        public String header(String name) {
            for (Map.Entry<String, java.util.List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        public java.util.List<String> all(String name) {
            for (Map.Entry<String, java.util.List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return java.util.List.of();
        }
    }

    /**
     * Sends a request; {@code idempotent} requests are retried on no answer, 429, 502, 503 and 504 within the budget.
     * Throws {@link TargetUnavailableException} when no answer came (after the retries it was allowed).
     */
    public Reply send(Outgoing request, String describe, boolean idempotent) {
        int attempt = 0;
        while (true) {
            attempt++;
            long started = System.nanoTime();
            limit.acquire();
            boolean slowDown = false;
            try {
                requests.incrementAndGet();
                Transport.Answer answer = transport.exchange(request, idempotent);
                int status = answer.status();
                slowDown = status == 429 || status == 503;
                long millis = (System.nanoTime() - started) / 1_000_000;
                if (idempotent && retryable(status) && mayRetry(attempt)) {
                    pause(attempt, firstHeader(answer.headers(), "Retry-After"));
                    continue;
                }
                return new Reply(status, answer.headers(), answer.body(), millis, attempt);
            } catch (IOException e) {
                slowDown = true;
                boolean deadline = e instanceof Transport.DeadlineMissed;
                if (deadline) {
                    deadlinesMissed.incrementAndGet();
                }
                // An answer that missed its whole-answer deadline is not asked again: the target is answering, too slowly
                // to be checked, and each attempt would hold a caller for the whole deadline.
                if (idempotent && !deadline && mayRetry(attempt)) {
                    pause(attempt, null);
                    continue;
                }
                throw new TargetUnavailableException(describe, -1, "no answer (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + TlsContexts.rootMessage(e)) + ")" + (attempt > 1 ? " after " + attempt + " attempts" : ""), e);
            } finally {
                limit.release(slowDown);
                if (slowDown) {
                    backoffs.incrementAndGet();
                }
            }
        }
    }

    private static boolean retryable(int status) {
        return status == 429 || status == 502 || status == 503 || status == 504;
    }

    private boolean mayRetry(int attempt) {
        if (attempt >= retries.attempts()) {
            return false;
        }
        if (retried.incrementAndGet() > retries.budget()) {
            retried.decrementAndGet();
            return false;
        }
        return true;
    }

    private void pause(int attempt, String retryAfter) {
        long base = retries.backoff().toMillis() * (1L << Math.min(attempt - 1, 6));
        long wait = ThreadLocalRandom.current().nextLong(base / 2, base + 1);
        if (retryAfter != null && retryAfter.matches("\\d{1,3}")) {
            wait = Math.max(wait, Math.min(Long.parseLong(retryAfter) * 1000, 10_000));
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static Outgoing to(URI uri) {
        return new Outgoing(uri);
    }

    /** A request to {@code target} (path and query) on the origin of {@code base}. */
    public static Outgoing to(URI base, String target) {
        return new Outgoing(base, target);
    }

    private static String firstHeader(Map<String, java.util.List<String>> headers, String name) {
        for (Map.Entry<String, java.util.List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    public long requests() {
        return requests.get();
    }

    public long retries() {
        return retried.get();
    }

    public long backoffs() {
        return backoffs.get();
    }

    /** Exchanges that missed their whole-answer deadline. */
    public long deadlinesMissed() {
        return deadlinesMissed.get();
    }

    @Override
    public void close() {
        transport.close();
    }

    public int inFlightLimit() {
        return limit.current();
    }

    /**
     * An in-flight limit that halves when the target signals overload (429/503 or no answer) and grows by one per
     * limit's worth of good answers, never above the configured maximum: politeness for a shared staging.
     */
    static final class AdaptiveLimit {
        private final int max;
        private int current;
        private int inFlight;
        private int goodSinceChange;

        AdaptiveLimit(int max) {
            this.max = max;
            this.current = max;
        }

        synchronized void acquire() {
            while (inFlight >= current) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TargetUnavailableException("-", -1, "interrupted while waiting for a request slot", e);
                }
            }
            inFlight++;
        }

        synchronized void release(boolean overloaded) {
            inFlight--;
            if (overloaded) {
                current = Math.max(1, current / 2);
                goodSinceChange = 0;
            } else if (current < max && ++goodSinceChange >= current) {
                current++;
                goodSinceChange = 0;
            }
            notifyAll();
        }

        synchronized int current() {
            return current;
        }
    }
}
