package dev.cordon.adapter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The preflight's TLS handshake against a local TLS server: a trusted certificate passes; an expired one, one no
 * configured authority vouches for, and one for another host name are refused with the host, subject, issuer and
 * validity named; mutual TLS presents the configured client certificate and key (PKCS#8 PEM).
 */
class TlsContextsTest {
    private static final String PASSWORD = "throwaway";
    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void aTrustedCertificatePassesAndAnExpiredOneIsRefusedNamingHostAndIssuer() throws Exception {
        Identity good = identity("good", "CN=Good test server", "-validity", "2");
        assertThat(probe(server(good, false), network(good.pem(), null, null))).isEmpty();

        Identity expired = identity("expired", "CN=Expired test server", "-startdate", "-10d", "-validity", "2");
        Optional<String> problem = probe(server(expired, false), network(expired.pem(), null, null));
        assertThat(problem).hasValueSatisfying(p -> assertThat(p).contains("127.0.0.1").contains("issuer CN=Expired test server")
                .contains("expired"));
    }

    @Test
    void anAuthorityThatVouchesForSomethingElseIsRefused() throws Exception {
        Identity served = identity("served", "CN=Served", "-validity", "2");
        Identity other = identity("other", "CN=Other authority", "-validity", "2");
        assertThat(probe(server(served, false), network(other.pem(), null, null)))
                .hasValueSatisfying(p -> assertThat(p).contains("issuer CN=Served").contains("no configured authority vouches"));
    }

    @Test
    void aCertificateForAnotherHostNameIsRefused() throws Exception {
        Identity elsewhere = identity("elsewhere", "CN=elsewhere.test", "-validity", "2", "-ext", "san=dns:elsewhere.test");
        assertThat(probe(server(elsewhere, false), network(elsewhere.pem(), null, null)))
                .hasValueSatisfying(p -> assertThat(p).contains("127.0.0.1").contains("elsewhere.test"));
    }

    @Test
    void mutualTlsPresentsTheConfiguredClientCertificate() throws Exception {
        Identity server = identity("server", "CN=Server", "-validity", "2");
        Identity client = identity("client", "CN=Cordon client", "-validity", "2");
        int port = server(server, true, client);
        // TLS 1.2: there the server refuses a missing client certificate inside the handshake (1.3 sends it after).
        Network without = new Network(server.pem(), null, null, null, null, List.of("TLSv1.2"), false, null, List.of());
        Network with = new Network(server.pem(), null, null, client.pem(), client.key(), List.of("TLSv1.2"), false, null, List.of());
        assertThat(probe(port, without)).as("without a client certificate").isPresent();
        assertThat(probe(port, with)).as("with the client certificate").isEmpty();
    }

    @Test
    void aProxyThatRefusesTheTunnelIsNamedWithItsAnswer() throws Exception {
        Identity good = identity("tunnelled", "CN=Good test server", "-validity", "2");
        java.net.ServerSocket proxy = new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        open.add(proxy);
        List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread refuse = new Thread(() -> {
            try (java.net.Socket s = proxy.accept()) {
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    asked.add(line);
                }
                s.getOutputStream().write("HTTP/1.1 403 Tunnel not allowed\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            } catch (java.io.IOException ignored) {
                // the test is over
            }
        });
        refuse.setDaemon(true);
        refuse.start();
        int port = server(good, false);
        Network through = new Network(good.pem(), null, null, null, null, List.of(), false,
                URI.create("http://127.0.0.1:" + proxy.getLocalPort()), List.of());
        assertThat(probe(port, through)).hasValueSatisfying(p -> assertThat(p).contains("refused to tunnel to 127.0.0.1:" + port)
                .contains("403 Tunnel not allowed"));
        assertThat(asked).first().isEqualTo("CONNECT 127.0.0.1:" + port + " HTTP/1.1");
    }

    // --- helpers ---

    private record Identity(Path store, Path pem, Path key) {
    }

    private static Network network(Path ca, Path certificate, Path key) {
        return new Network(ca, null, null, certificate, key, List.of(), false, null, List.of());
    }

    private static Optional<String> probe(int port, Network network) {
        return TlsContexts.handshakeProblem(URI.create("https://127.0.0.1:" + port), network, TlsContexts.build(network), Duration.ofSeconds(5));
    }

    /** A key and a self-signed certificate made by keytool (SAN 127.0.0.1 unless given), the key also as PKCS#8 PEM. */
    private Identity identity(String name, String dname, String... extra) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Path pem = dir.resolve(name + ".pem");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD));
        command.addAll(List.of(extra));
        if (!List.of(extra).contains("-ext")) {
            command.addAll(List.of("-ext", "san=ip:127.0.0.1"));
        }
        run(command);
        run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-exportcert", "-rfc", "-alias", name,
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-file", pem.toString()));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey(name, PASSWORD.toCharArray());
        Path keyPem = dir.resolve(name + ".key.pem");
        Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        return new Identity(store, pem, keyPem);
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("keytool: %s", out).isTrue();
    }

    /** A TLS server on 127.0.0.1 that handshakes every connection; {@code needClientAuth} trusts only {@code client}. */
    private int server(Identity identity, boolean needClientAuth, Identity... client) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(identity.store())) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        javax.net.ssl.TrustManager[] trust = null;
        if (needClientAuth) {
            Network clientCa = network(client[0].pem(), null, null);
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("client", TlsContexts.certificates(clientCa.caBundle()).get(0));
            tmf.init(anchors);
            trust = tmf.getTrustManagers();
        }
        context.init(kmf.getKeyManagers(), trust, null);
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(needClientAuth);
        open.add(server);
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.setSoTimeout(5_000);
                    socket.startHandshake();
                    socket.getInputStream().read(); // until the client closes
                } catch (Exception e) {
                    // a refused handshake or a closed client
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        return server.getLocalPort();
    }
}
