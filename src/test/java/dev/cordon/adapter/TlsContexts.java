package dev.cordon.adapter;

import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.message.StatusLine;
import org.apache.hc.core5.http.protocol.HttpCoreContext;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TLS side of {@link Network}: an {@link SSLContext} from a PEM CA bundle or a trust store and an optional client
 * certificate, whose trust manager names the host, the certificate's issuer and its validity when it refuses one (so
 * the gate's error says what to fix), and a handshake-only probe for the preflight. Never trusts everything unless
 * {@link Network#insecureTls()} says so.
 */
public final class TlsContexts {
    private static final Pattern PEM_KEY = Pattern.compile("-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");

    /** Set to {@code jdk} to keep TLS in the JDK's JSSE even where Conscrypt loads (for comparison or a platform quirk). */
    public static final String PROVIDER_VARIABLE = "CORDON_TLS_PROVIDER";
    /**
     * TLS in native code: Conscrypt (BoringSSL, as Android and gRPC use it) when its library loads on this platform. The
     * JDK's JSSE does the same work in Java, and on two cores that CPU came out of the target's share: over HTTPS the
     * gate ran at half its plain-HTTP rate (docs/benchmarks.md, "TLS"). Used for the transport's own contexts only,
     * never installed for the whole JVM. Null: the JDK's.
     */
    private static final java.security.Provider NATIVE_TLS = nativeTls();

    private TlsContexts() {
    }

    private static java.security.Provider nativeTls() {
        if ("jdk".equalsIgnoreCase(System.getenv(PROVIDER_VARIABLE))) {
            return null;
        }
        try {
            return org.conscrypt.Conscrypt.isAvailable() ? org.conscrypt.Conscrypt.newProvider() : null;
        } catch (LinkageError e) {
            return null; // no native library for this platform: the JDK's JSSE serves
        }
    }

    /** Which TLS implementation the transport's contexts use, for the console and the report. */
    public static String implementation() {
        return NATIVE_TLS != null ? "Conscrypt " + org.conscrypt.Conscrypt.version().major() + "." + org.conscrypt.Conscrypt.version().minor()
                + "." + org.conscrypt.Conscrypt.version().patch() + " (BoringSSL)" : "the JDK's JSSE";
    }

    /** A refused file or setting: the message names the file and what is wrong. */
    public static final class TlsSetupException extends RuntimeException {
        TlsSetupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Builds the context the transport uses; reads every file now, so a broken one fails here, before any request. */
    public static SSLContext build(Network network) {
        try {
            TrustManager[] trust = network.insecureTls() ? new TrustManager[] {new TrustingEverything()}
                    : new TrustManager[] {new Naming(trustManager(network))};
            javax.net.ssl.KeyManager[] keys = null;
            if (network.clientCertificate() != null) {
                List<X509Certificate> chain = certificates(network.clientCertificate());
                PrivateKey key = privateKey(network.clientKey());
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                char[] transientPassword = "cordon-client".toCharArray(); // the store lives in memory only
                store.setKeyEntry("client", key, transientPassword, chain.toArray(new Certificate[0]));
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, transientPassword);
                keys = factory.getKeyManagers();
            }
            SSLContext context = NATIVE_TLS != null ? SSLContext.getInstance("TLS", NATIVE_TLS) : SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsSetupException("TLS setup failed: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager trustManager(Network network) throws GeneralSecurityException {
        KeyStore anchors = null;
        if (network.caBundle() != null) {
            anchors = KeyStore.getInstance("PKCS12");
            try {
                anchors.load(null, null);
            } catch (IOException e) {
                throw new GeneralSecurityException(e);
            }
            int i = 0;
            for (X509Certificate ca : certificates(network.caBundle())) {
                anchors.setCertificateEntry("ca-" + i++, ca);
            }
        } else if (network.trustStore() != null) {
            anchors = KeyStore.getInstance("PKCS12"); // reads JKS too (keystore.type.compat)
            try (InputStream in = Files.newInputStream(network.trustStore())) {
                anchors.load(in, network.trustStorePassword());
            } catch (IOException e) {
                throw new TlsSetupException(network.trustStore() + ": not a readable trust store (PKCS#12 or JKS) with this password: "
                        + e.getMessage(), e);
            }
            if (anchors.size() == 0) {
                throw new TlsSetupException(network.trustStore() + ": the trust store holds no certificate", null);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors); // null: the JDK's own authorities
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** Every certificate of a PEM file (a bundle or a chain); none is an error naming the file. */
    static List<X509Certificate> certificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> certs = new ArrayList<>();
            all.forEach(c -> certs.add((X509Certificate) c));
            if (certs.isEmpty()) {
                throw new TlsSetupException(pem + ": holds no PEM certificate (-----BEGIN CERTIFICATE-----)", null);
            }
            return certs;
        } catch (IOException e) {
            throw new TlsSetupException(pem + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (CertificateException e) {
            throw new TlsSetupException(pem + ": not a PEM certificate file (" + e.getMessage() + ")", e);
        }
    }

    /** An unencrypted PKCS#8 PEM key (RSA, EC or EdDSA). */
    static PrivateKey privateKey(Path pem) {
        String text;
        try {
            text = Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new TlsSetupException(pem + ": cannot be read (" + e.getMessage() + ")", e);
        }
        Matcher m = PEM_KEY.matcher(text);
        if (!m.find()) {
            throw new TlsSetupException(pem + ": holds no PEM private key (-----BEGIN PRIVATE KEY-----)", null);
        }
        if (!m.group(1).isEmpty()) {
            throw new TlsSetupException(pem + ": a " + m.group(1).trim() + " key; give an unencrypted PKCS#8 key "
                    + "(openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem)", null);
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        throw new TlsSetupException(pem + ": a PKCS#8 key of an algorithm Cordon cannot use (RSA, EC, Ed25519 are)", null);
    }

    /**
     * A TLS handshake only (no HTTP request) with {@code uri}'s host, through the proxy when the network says so: empty
     * when it is trusted, otherwise why not (host, issuer, validity). An unreachable host is not this probe's concern.
     */
    public static Optional<String> handshakeProblem(URI uri, Network network, SSLContext context, Duration connectTimeout) {
        String host = uri.getHost();
        int port = uri.getPort() >= 0 ? uri.getPort() : 443;
        Socket raw = new Socket();
        try {
            int timeout = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
            raw.setSoTimeout(Math.max(timeout, 5_000));
            if (network.proxied(host)) {
                URI proxy = network.proxy();
                raw.connect(new InetSocketAddress(proxy.getHost(), proxy.getPort() >= 0 ? proxy.getPort() : 80), timeout);
                String refused = tunnel(raw, proxy, host, port);
                if (refused != null) {
                    closeQuietly(raw);
                    return Optional.of(refused);
                }
            } else {
                raw.connect(new InetSocketAddress(host, port), timeout);
            }
        } catch (IOException e) {
            closeQuietly(raw);
            return Optional.empty(); // reachability is the TCP preflight's and the run's concern
        }
        try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, true)) {
            SSLParameters parameters = tls.getSSLParameters();
            if (!network.insecureTls()) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (!network.tlsVersions().isEmpty()) {
                parameters.setProtocols(network.tlsVersions().toArray(new String[0]));
            }
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            return Optional.empty();
        } catch (javax.net.ssl.SSLException e) {
            return Optional.of(rootMessage(e));
        } catch (IOException e) {
            // Connected, then the handshake broke off: a server that wants a client certificate, or no TLS on this port.
            return Optional.of("the TLS handshake with %s:%d broke off (%s): does the target want a client certificate "
                    .formatted(host, port, e.getMessage()) + "(target.tls.clientCertificate), and does it speak TLS on this port?");
        } finally {
            try {
                raw.close();
            } catch (IOException ignored) {
                // closing after a probe
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing after a probe
        }
    }

    /**
     * Asks the proxy on {@code raw} for a tunnel to host:port (CONNECT, written and read by HttpCore); null when it
     * opened one, otherwise what it answered.
     */
    private static String tunnel(Socket raw, URI proxy, String host, int port) throws IOException {
        String authority = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        ManagedHttpClientConnection connection = ManagedHttpClientConnectionFactory.INSTANCE.createConnection(raw);
        ClassicHttpRequest connect = new BasicClassicHttpRequest(Method.CONNECT, authority);
        connect.setHeader(HttpHeaders.HOST, authority);
        connect.setHeader(HttpHeaders.USER_AGENT, "cordon");
        try {
            ClassicHttpResponse answer = new HttpRequestExecutor().execute(connect, connection, HttpCoreContext.create());
            return answer.getCode() / 100 == 2 ? null
                    : "the proxy " + proxy + " refused to tunnel to " + authority + ": " + new StatusLine(answer);
        } catch (HttpException e) {
            return "the proxy " + proxy + " answered the tunnel request to " + authority + " with what is not HTTP: " + e.getMessage();
        }
    }

    /** The innermost message that says something (the naming trust manager's, when it refused the certificate). */
    public static String rootMessage(Throwable e) {
        String message = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RefusedCertificate) {
                return t.getMessage();
            }
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message;
    }

    /** A certificate the configured trust refused, described so a person can fix it: host, subject, issuer, validity. */
    public static final class RefusedCertificate extends CertificateException {
        RefusedCertificate(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Delegates to the real trust manager and, when it refuses, says which host showed which certificate from whom. */
    private static final class Naming extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;

        Naming(X509TrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            String host = socket instanceof SSLSocket s && s.getHandshakeSession() != null ? s.getHandshakeSession().getPeerHost()
                    : socket == null ? "?" : String.valueOf(socket.getInetAddress());
            check(chain, authType, host, () -> {
                if (delegate instanceof X509ExtendedTrustManager x) {
                    x.checkServerTrusted(chain, authType, socket);
                } else {
                    delegate.checkServerTrusted(chain, authType);
                }
            });
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain, authType, engine == null ? "?" : engine.getPeerHost(), () -> {
                if (delegate instanceof X509ExtendedTrustManager x) {
                    x.checkServerTrusted(chain, authType, engine);
                } else {
                    delegate.checkServerTrusted(chain, authType);
                }
            });
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType, "?", () -> delegate.checkServerTrusted(chain, authType));
        }

        private interface Check {
            void run() throws CertificateException;
        }

        private static void check(X509Certificate[] chain, String authType, String host, Check check) throws CertificateException {
            try {
                check.run();
                // PKIX does not check the validity of a trust anchor: a self-signed certificate trusted as its own
                // authority (the common staging setup) would pass expired. The chain is checked here as well.
                if (chain != null) {
                    for (X509Certificate c : chain) {
                        c.checkValidity();
                    }
                }
            } catch (CertificateException e) {
                X509Certificate leaf = chain == null || chain.length == 0 ? null : chain[0];
                String why = e instanceof java.security.cert.CertificateExpiredException ? "it has expired"
                        : e instanceof java.security.cert.CertificateNotYetValidException
                        || String.valueOf(e.getMessage()).contains("validity check failed") ? "it has expired or is not yet valid"
                        : String.valueOf(e.getMessage()).contains("No subject alternative") ? "it is not issued for this host name ("
                        + e.getMessage() + ")" : "no configured authority vouches for it (" + e.getMessage() + ")";
                throw new RefusedCertificate(leaf == null ? "the certificate of " + host + " is not trusted: " + why
                        : "the certificate of %s (subject %s, issuer %s, valid %s to %s) is not trusted: %s".formatted(host,
                        leaf.getSubjectX500Principal().getName(), leaf.getIssuerX500Principal().getName(),
                        leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), why), e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    /** insecureTls only: accepts every certificate. The environment loader allows it in test environments alone. */
    private static final class TrustingEverything extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a) { }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
