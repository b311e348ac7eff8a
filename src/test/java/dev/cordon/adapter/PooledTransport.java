package dev.cordon.adapter;

import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.DefaultClientConnectionReuseStrategy;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.routing.RoutingSupport;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.io.LeaseRequest;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.concurrent.CancellableDependency;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpProcessor;
import org.apache.hc.core5.http.protocol.HttpProcessorBuilder;
import org.apache.hc.core5.http.protocol.RequestContent;
import org.apache.hc.core5.http.protocol.RequestTargetHost;
import org.apache.hc.core5.http.protocol.RequestUserAgent;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicMarkableReference;

/**
 * {@link Transport} on Apache HttpClient 5, classic (blocking) API: a LIFO pool of keep-alive connections for both
 * schemes, and the caller's own thread writes the request and reads the answer (on two shared cores, handing every
 * exchange to a selector thread and back cost more than the target's own work: docs/benchmarks.md).
 * <p>
 * A pooled connection idle longer than {@code keepAliveIdle} is dropped rather than reused; a request that met a
 * connection closed under it before any answer (the stale-connection signature) is sent once more on a fresh one, for
 * idempotent requests only. No redirects, cookies, compression or authentication caching: the adapter does what the
 * profile says, and nothing else.
 */
final class PooledTransport implements Transport {
    private static final String IDEMPOTENT = "cordon.idempotent";
    private static final String USER_AGENT = "cordon";

    private final CloseableHttpClient client;
    private final PoolingHttpClientConnectionManager pool;
    private final Duration readTimeout;
    private final Duration answerDeadline;
    private static final Timeout LEASE_TIMEOUT = Timeout.ofMinutes(3);
    private static final DefaultClientConnectionReuseStrategy REUSE = DefaultClientConnectionReuseStrategy.INSTANCE;
    private final Map<URI, Origin> origins = new ConcurrentHashMap<>();
    private final Network network;
    private final TimeValue keepAliveIdle;
    private final Timeout socketTimeout;
    private final HttpRequestExecutor executor = new HttpRequestExecutor();
    /**
     * What the client's chain adds to a request on a direct route: framing, Host and User-Agent. The framing overwrites
     * what an earlier attempt set, so a request resent on a fresh connection goes out as it did the first time.
     */
    private final HttpProcessor processor = HttpProcessorBuilder.create()
            .addAll(new RequestContent(true), new RequestTargetHost(), new RequestUserAgent(USER_AGENT)).build();

    PooledTransport(Duration connectTimeout, Duration readTimeout, Duration answerDeadline, Duration keepAliveIdle, int maxConnections,
                    Network network, SSLContext tls) {
        this.readTimeout = readTimeout;
        this.answerDeadline = answerDeadline;
        this.network = network;
        this.keepAliveIdle = TimeValue.of(keepAliveIdle);
        this.socketTimeout = Timeout.of(readTimeout);
        ClientTlsStrategyBuilder strategy = ClientTlsStrategyBuilder.create().setSslContext(tls);
        if (!network.tlsVersions().isEmpty()) {
            strategy.setTlsVersions(network.tlsVersions().toArray(new String[0]));
        }
        if (network.insecureTls()) {
            strategy.setHostnameVerifier(NoopHostnameVerifier.INSTANCE);
        }
        this.pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(strategy.buildClassic())
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                .setConnPoolPolicy(PoolReusePolicy.LIFO)
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                // A request is one write; waiting for an ACK before sending it only adds latency.
                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(Timeout.of(readTimeout)).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(Timeout.of(readTimeout))
                        // No stale check per lease (a blocking read per request): idle connections expire instead.
                        .setValidateAfterInactivity(TimeValue.NEG_ONE_MILLISECOND)
                        .build())
                .build();
        TimeValue idle = this.keepAliveIdle;
        this.client = HttpClients.custom()
                .setConnectionManager(pool)
                .setKeepAliveStrategy((response, context) -> idle)
                .setRoutePlanner(new DefaultRoutePlanner(null) {
                    @Override
                    protected HttpHost determineProxy(HttpHost target, HttpContext context) {
                        if (!network.proxied(target.getHostName())) {
                            return null;
                        }
                        URI proxy = network.proxy();
                        return new HttpHost(proxy.getScheme(), proxy.getHost(), proxy.getPort() >= 0 ? proxy.getPort() : 80);
                    }
                })
                .setRetryStrategy(new StaleConnectionRetry())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(readTimeout))
                        .setRedirectsEnabled(false).setAuthenticationEnabled(false).setProtocolUpgradeEnabled(false).build())
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .disableConnectionState()
                .setUserAgent(USER_AGENT)
                .build();
    }

    @Override
    public Answer exchange(Outgoing request, boolean idempotent) throws IOException {
        URI to = request.origin();
        Origin last = lastOrigin;
        Origin origin = last != null && last.uri() == to ? last : (lastOrigin = origins.computeIfAbsent(to, this::origin));
        HttpHost host = origin.host();
        Exchange exchange = new Exchange(request.method(), host, request.target());
        for (String[] h : request.headers()) {
            exchange.addHeader(h[0], h[1]);
        }
        byte[] body = request.body();
        if (body != null || !("GET".equals(request.method()) || "HEAD".equals(request.method()))) {
            exchange.setEntity(new ByteArrayEntity(body == null ? new byte[0] : body, null));
        }
        HttpClientContext context = HttpClientContext.create();
        context.setAttribute(IDEMPOTENT, idempotent);
        try (AnswerDeadlines.Ticket deadline = AnswerDeadlines.watch(System.nanoTime() + answerDeadline.toNanos(), exchange::cancel)) {
            try {
                if (origin.route() != null) {
                    return direct(origin.route(), exchange, context, idempotent);
                }
                return client.execute(host, exchange, context, PooledTransport::whole);
            } catch (IOException | RuntimeException e) {
                if (deadline.expired()) {
                    throw new DeadlineMissed(answerDeadline);
                }
                if (e instanceof SocketTimeoutException) {
                    throw new SocketTimeoutException("Read timed out: no byte from the target for " + readTimeout.toMillis()
                            + " ms (target.readTimeoutMillis)");
                }
                throw e;
            }
        }
    }

    /** The route of an origin reached without a proxy (null: through the proxy, by the client's whole chain). */
    private record Origin(URI uri, HttpHost host, HttpRoute route) {
    }

    /** The origin of the last request (every request of a run goes to one): no URI hashed and compared per request. */
    private volatile Origin lastOrigin;

    private Origin origin(URI o) {
        HttpHost host = new HttpHost(o.getScheme(), o.getHost(), o.getPort());
        return new Origin(o, host, network.proxied(o.getHost()) ? null : directRoute(host));
    }

    /** The route to an origin without a proxy, its port made explicit (443 or 80 when the URL names none), TLS for https. */
    static HttpRoute directRoute(HttpHost host) {
        return new HttpRoute(RoutingSupport.normalize(host, DefaultSchemePortResolver.INSTANCE), null,
                "https".equalsIgnoreCase(host.getSchemeName())); // as the client's own route planner makes it
    }

    /**
     * One exchange on a route without a proxy, on the client's own pool and connection API: lease a pooled connection
     * (connect it, with TLS for https, when it is new), let HttpCore write the request and parse the answer, read the
     * body whole, and give the connection back for {@code keepAliveIdle} when the answer allows keep-alive. The client's
     * execution chain (route planning, authentication, redirects, protocol upgrades), which Cordon turns off anyway, is
     * skipped: on two shared cores its cost per request came out of the target's share (docs/benchmarks.md). A request
     * that met a pooled connection closed under it before any answer is sent once more on a fresh one, idempotent
     * requests only, as {@link StaleConnectionRetry} does on the proxied route.
     */
    private Answer direct(HttpRoute route, Exchange exchange, HttpClientContext context, boolean idempotent) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(route, exchange, context);
            } catch (HttpException e) {
                throw new ClientProtocolException(e);
            } catch (IOException e) {
                if (!(attempt == 1 && idempotent && !exchange.isCancelled() && stale(e))) {
                    throw e;
                }
            }
        }
    }

    /** The signature of a pooled connection closed under a request before any answer: no answer, or a reset, not a refusal. */
    private static boolean stale(IOException e) {
        return e instanceof NoHttpResponseException || (e instanceof SocketException && !(e instanceof java.net.ConnectException));
    }

    private Answer once(HttpRoute route, Exchange exchange, HttpClientContext context) throws IOException, HttpException {
        LeaseRequest lease = pool.lease(null, route, LEASE_TIMEOUT, null);
        exchange.setDependency(lease);
        ConnectionEndpoint endpoint;
        try {
            endpoint = lease.get(LEASE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for a pooled connection");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("no pooled connection: " + e.getMessage(), e);
        }
        boolean reusable = false;
        try {
            exchange.setDependency(() -> {
                endpoint.close(CloseMode.IMMEDIATE);
                return true;
            });
            if (!endpoint.isConnected()) {
                pool.connect(endpoint, null, context);
            }
            endpoint.setSocketTimeout(socketTimeout);
            context.setRequest(exchange);
            context.setRoute(route);
            processor.process(exchange, exchange.getEntity(), context);
            ClassicHttpResponse response = endpoint.execute(null, exchange, executor, context);
            Answer answer = whole(response);
            reusable = REUSE.keepAlive(exchange, response, context);
            return answer;
        } finally {
            if (!reusable) {
                endpoint.close(CloseMode.IMMEDIATE);
            }
            pool.release(endpoint, null, reusable ? keepAliveIdle : TimeValue.ZERO_MILLISECONDS);
        }
    }

    private static Answer whole(ClassicHttpResponse response) throws IOException {
        Header[] all = response.getHeaders();
        Map<String, List<String>> headers = new LinkedHashMap<>(all.length * 2);
        for (Header h : all) {
            List<String> values = headers.get(h.getName());
            if (values == null) {
                headers.put(h.getName(), List.of(h.getValue()));
            } else {
                List<String> more = new ArrayList<>(values);
                more.add(h.getValue());
                headers.put(h.getName(), more);
            }
        }
        return new Answer(response.getCode(), headers, body(response.getEntity()));
    }

    /**
     * The whole body, read from the library's entity stream (which owns the framing: Content-Length, chunked or to the
     * end). With a stated length it is read to that length ({@link InputStream#readNBytes(int)}: one array of the exact
     * size for a body up to 8 KB, chunks of 8 KB above, never the stated size allocated up front) rather than through
     * EntityUtils' 4 KB buffer copied into a growing one.
     */
    private static byte[] body(HttpEntity entity) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        try (InputStream in = entity.getContent()) {
            if (in == null) {
                return new byte[0];
            }
            long length = entity.getContentLength();
            if (length >= 0 && length <= MAX_SIZED_BODY) {
                byte[] body = in.readNBytes((int) length);
                if (body.length == length && in.read() < 0) {
                    return body;
                }
                throw new org.apache.hc.core5.http.ConnectionClosedException("the answer's body ended before its Content-Length ("
                        + body.length + " of " + length + " bytes)");
            }
            return in.readAllBytes();
        }
    }

    /** Bodies with a stated length up to this many bytes are read to that length; longer ones (or none) to the end. */
    private static final long MAX_SIZED_BODY = 64L << 20;

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException ignored) {
            // closing the pool's sockets
        }
    }

    /**
     * One idempotent resend on a fresh connection when the pooled one was closed under the request before any answer;
     * never a write, never after a timeout, never for a status code (the engine's retry policy decides those).
     */
    private static final class StaleConnectionRetry implements HttpRequestRetryStrategy {
        @Override
        public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
            boolean cancelled = request instanceof Exchange e && e.isCancelled();
            return execCount <= 1 && !cancelled && Boolean.TRUE.equals(context.getAttribute(IDEMPOTENT))
                    && stale(exception);
        }

        @Override
        public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
            return false;
        }

        @Override
        public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
            return TimeValue.ZERO_MILLISECONDS;
        }
    }

    /** A request on a host and a path as composed (no URI parsed per request) that the answer deadline can abort. */
    private static final class Exchange extends BasicClassicHttpRequest implements CancellableDependency {
        private final AtomicMarkableReference<Cancellable> dependency = new AtomicMarkableReference<>(null, false);

        Exchange(String method, HttpHost host, String path) {
            super(method, host, path);
        }

        @Override
        public boolean isCancelled() {
            return dependency.isMarked();
        }

        @Override
        public void setDependency(Cancellable cancellable) {
            Cancellable current = dependency.getReference();
            if (!dependency.compareAndSet(current, cancellable, false, false)) {
                cancellable.cancel(); // cancelled already: abort what was just opened
            }
        }

        @Override
        public boolean cancel() {
            while (!dependency.isMarked()) {
                Cancellable current = dependency.getReference();
                if (dependency.compareAndSet(current, current, false, true)) {
                    if (current != null) {
                        current.cancel();
                    }
                    return true;
                }
            }
            return false;
        }
    }
}
