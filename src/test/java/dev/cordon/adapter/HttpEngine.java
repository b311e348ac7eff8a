package dev.cordon.adapter;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How Cordon speaks HTTP to a target: one pooled keep-alive transport for every caller (plain HTTP on
 * {@link WireClient}, the caller's thread reading its own answer; HTTPS on the JDK client), an in-flight limit that backs off
 * when the target answers 429/503 and grows back while it keeps up, and bounded retries with jittered back-off for
 * idempotent requests only (a write is never blindly repeated: see the seeder's reconciliation). The budget of retries
 * is per run, so a target that fails everything ends the run as UNVERIFIED quickly rather than being hammered.
 */
public final class HttpEngine {
    /** How long a pooled connection may sit idle and still be reused, unless the environment says otherwise. */
    public static final Duration DEFAULT_KEEP_ALIVE_IDLE = Duration.ofSeconds(2);

    /** Built on the first HTTPS request: the JDK client starts a selector thread as soon as it exists. */
    private volatile HttpClient client;
    private final Duration connectTimeout;
    private final WireClient wire;
    private final Duration readTimeout;
    private final AdaptiveLimit limit;
    private final RetryPolicy retries;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong backoffs = new AtomicLong();

    /** Retries of idempotent requests: attempts per request, back-off base, and how many retries a whole run may spend. */
    public record RetryPolicy(int attempts, Duration backoff, long budget) {
        public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 0);
    }

    public HttpEngine(Duration connectTimeout, Duration readTimeout, int maxInFlight, RetryPolicy retries) {
        this(connectTimeout, readTimeout, maxInFlight, retries, DEFAULT_KEEP_ALIVE_IDLE);
    }

    public HttpEngine(Duration connectTimeout, Duration readTimeout, int maxInFlight, RetryPolicy retries, Duration keepAliveIdle) {
        this.wire = new WireClient(connectTimeout, readTimeout, keepAliveIdle);
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.limit = new AdaptiveLimit(Math.max(1, maxInFlight));
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
        boolean plain = "http".equalsIgnoreCase(request.origin().getScheme());
        HttpRequest jdkRequest = plain ? null : jdk(request);
        int attempt = 0;
        while (true) {
            attempt++;
            long started = System.nanoTime();
            limit.acquire();
            boolean slowDown = false;
            try {
                requests.incrementAndGet();
                int status;
                Map<String, java.util.List<String>> headers;
                byte[] body;
                if (plain) {
                    WireClient.Answer answer = wire.exchange(request, idempotent);
                    status = answer.status();
                    headers = answer.headers();
                    body = answer.body();
                } else {
                    HttpResponse<byte[]> response = jdkClient().send(jdkRequest, HttpResponse.BodyHandlers.ofByteArray());
                    status = response.statusCode();
                    headers = response.headers().map();
                    body = response.body();
                }
                slowDown = status == 429 || status == 503;
                long millis = (System.nanoTime() - started) / 1_000_000;
                if (idempotent && retryable(status) && mayRetry(attempt)) {
                    pause(attempt, firstHeader(headers, "Retry-After"));
                    continue;
                }
                return new Reply(status, headers, body, millis, attempt);
            } catch (IOException e) {
                slowDown = true;
                if (idempotent && mayRetry(attempt)) {
                    pause(attempt, null);
                    continue;
                }
                throw new TargetUnavailableException(describe, -1, "no answer (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")" + (attempt > 1 ? " after " + attempt + " attempts" : ""), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TargetUnavailableException(describe, -1, "interrupted", e);
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

    private HttpClient jdkClient() {
        HttpClient built = client;
        if (built == null) {
            synchronized (this) {
                if (client == null) {
                    client = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(connectTimeout)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .build();
                }
                built = client;
            }
        }
        return built;
    }

    private HttpRequest jdk(Outgoing request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).timeout(readTimeout);
        request.headers().forEach(h -> builder.setHeader(h[0], h[1]));
        builder.method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        return builder.build();
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
