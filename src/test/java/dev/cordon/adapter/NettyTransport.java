package dev.cordon.adapter;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.AttributeKey;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link Transport} on Netty (non-blocking, one event-loop thread, as Gatling drives HTTP): a candidate measured against
 * {@link PooledTransport} by ci/benchmark.sh --clients (docs/benchmarks.md). The caller waits for a future the event
 * loop completes. No proxy support.
 */
final class NettyTransport implements Transport {
    private static final AttributeKey<CompletableFuture<Answer>> PENDING = AttributeKey.valueOf("cordon.pending");
    private static final AttributeKey<Long> LAST_USED = AttributeKey.valueOf("cordon.lastUsed");
    private static final int MAX_BODY = 64 * 1024 * 1024;

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Map<URI, ConcurrentLinkedDeque<Channel>> idle = new ConcurrentHashMap<>();
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration answerDeadline;
    private final long keepAliveIdleNanos;
    private final SSLContext tls;
    private final Network network;

    NettyTransport(Duration connectTimeout, Duration readTimeout, Duration answerDeadline, Duration keepAliveIdle, Network network, SSLContext tls) {
        if (network.proxy() != null) {
            throw new IllegalArgumentException("the netty candidate transport has no proxy support");
        }
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.answerDeadline = answerDeadline;
        this.keepAliveIdleNanos = keepAliveIdle.toNanos();
        this.tls = tls;
        this.network = network;
    }

    @Override
    public Answer exchange(Outgoing request, boolean idempotent) throws IOException {
        URI origin = request.origin();
        long deadline = System.nanoTime() + answerDeadline.toNanos();
        Channel channel = pooled(origin);
        boolean reused = channel != null;
        if (channel == null) {
            channel = open(origin);
        }
        try {
            return exchange(channel, origin, request, deadline);
        } catch (Stale e) {
            if (!reused || !idempotent) {
                throw e;
            }
            return exchange(open(origin), origin, request, deadline);
        }
    }

    private Answer exchange(Channel channel, URI origin, Outgoing request, long deadline) throws IOException {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        channel.attr(PENDING).set(answer);
        byte[] body = request.body();
        DefaultFullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()), request.target(),
                body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        out.headers().set(HttpHeaderNames.HOST, origin.getPort() == -1 ? origin.getHost() : origin.getHost() + ":" + origin.getPort());
        out.headers().set(HttpHeaderNames.USER_AGENT, "cordon");
        for (String[] h : request.headers()) {
            out.headers().set(h[0], h[1]);
        }
        if (body != null || !("GET".equals(request.method()) || "HEAD".equals(request.method()))) {
            out.headers().set(HttpHeaderNames.CONTENT_LENGTH, body == null ? 0 : body.length);
        }
        channel.writeAndFlush(out);
        try {
            Answer a = answer.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (channel.isActive() && channel.attr(PENDING).get() == null) {
                channel.attr(LAST_USED).set(System.nanoTime());
                idle.computeIfAbsent(origin, k -> new ConcurrentLinkedDeque<>()).offerFirst(channel);
            }
            return a;
        } catch (TimeoutException e) {
            channel.close();
            throw new DeadlineMissed(answerDeadline);
        } catch (ExecutionException e) {
            channel.close();
            Throwable cause = e.getCause();
            if (cause instanceof ReadTimeoutException) {
                throw new SocketTimeoutException("Read timed out: no byte from the target for " + readTimeout.toMillis() + " ms");
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.close();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    private Channel pooled(URI origin) {
        ConcurrentLinkedDeque<Channel> pool = idle.get(origin);
        if (pool == null) {
            return null;
        }
        long now = System.nanoTime();
        Channel c;
        while ((c = pool.pollFirst()) != null) {
            Long last = c.attr(LAST_USED).get();
            if (c.isActive() && last != null && now - last < keepAliveIdleNanos) {
                return c;
            }
            c.close();
        }
        return null;
    }

    private Channel open(URI origin) throws IOException {
        boolean secure = "https".equalsIgnoreCase(origin.getScheme());
        int port = origin.getPort() != -1 ? origin.getPort() : secure ? 443 : 80;
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (secure) {
                            SSLEngine engine = tls.createSSLEngine(origin.getHost(), port);
                            engine.setUseClientMode(true);
                            SSLParameters parameters = engine.getSSLParameters();
                            if (!network.insecureTls()) {
                                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                            }
                            if (!network.tlsVersions().isEmpty()) {
                                parameters.setProtocols(network.tlsVersions().toArray(new String[0]));
                            }
                            engine.setSSLParameters(parameters);
                            ch.pipeline().addLast(new SslHandler(engine));
                        }
                        ch.pipeline().addLast(new ReadTimeoutHandler(readTimeout.toMillis(), TimeUnit.MILLISECONDS));
                        ch.pipeline().addLast(new HttpClientCodec());
                        ch.pipeline().addLast(new HttpObjectAggregator(MAX_BODY));
                        ch.pipeline().addLast(new Receiver());
                    }
                });
        try {
            io.netty.channel.ChannelFuture connect = bootstrap.connect(origin.getHost(), port).sync();
            if (!connect.isSuccess()) {
                throw new IOException(connect.cause());
            }
            return connect.channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while connecting");
        } catch (Exception e) {
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getMessage(), e);
        }
    }

    /** A reused connection the server had closed before any answer. */
    private static final class Stale extends IOException {
        Stale() {
            super("the connection was closed before any answer arrived");
        }
    }

    private static final class Receiver extends SimpleChannelInboundHandler<FullHttpResponse> {
        private boolean answered;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            response.headers().forEach(e -> headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>(1)).add(e.getValue()));
            Answer answer = new Answer(response.status().code(), headers, ByteBufUtil.getBytes(response.content()));
            answered = true;
            CompletableFuture<Answer> pending = ctx.channel().attr(PENDING).getAndSet(null);
            if (!HttpUtil.isKeepAlive(response)) {
                ctx.close();
            }
            if (pending != null) {
                pending.complete(answer);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            CompletableFuture<Answer> pending = ctx.channel().attr(PENDING).getAndSet(null);
            if (pending != null) {
                pending.completeExceptionally(answered ? new java.io.EOFException("the connection closed inside an answer") : new Stale());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            CompletableFuture<Answer> pending = ctx.channel().attr(PENDING).getAndSet(null);
            if (pending != null) {
                pending.completeExceptionally(cause);
            }
            ctx.close();
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
