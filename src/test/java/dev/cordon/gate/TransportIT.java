package dev.cordon.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.ClinicProcess;
import dev.cordon.GateProcess;
import dev.cordon.faults.FaultKind;
import dev.cordon.faults.FaultProxy;
import dev.cordon.faults.FaultRule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A real staging's network, against the reference clinic jar as a separate process: HTTPS with the clinic's own
 * self-signed certificate trusted as a CA bundle, the same through an HTTP CONNECT proxy, a wrong CA (exit 2 naming
 * host and issuer, nothing sent), and an answer trickling one byte at a time (issue 25, case 6: the whole-answer
 * deadline ends it as UNVERIFIED, and the run still ends with a verdict and a summary). Each gate phase is its own JVM,
 * as ci/release-gate.sh runs it.
 */
class TransportIT {
    private static final Path PROJECT = Path.of(System.getProperty("cordon.project.dir", ".")).toAbsolutePath().normalize();
    private static final Duration GATE_TIMEOUT = Duration.ofMinutes(8);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENVIRONMENT = """
            testEnvironment: true
            production: false
            deployment: { kind: external, baseUrl: "${IT_TRANSPORT_URL}", healthTimeoutSeconds: 60 }
            target:
              profile: reference-clinic
              operatorSecret: "${IT_TRANSPORT_OPERATOR_SECRET}"
              pageSize: 2
              readTimeoutMillis: %d
              answerDeadlineMillis: %d
            %s
            population: { patients: 4, consultationsPerPatient: 2, patientsAfterUpdate: 2, switchPatients: 0 }
            checks: { foreignSamplePerPatient: 2, crosstalkRounds: 2, crosstalkCallers: 4 }
            browser: { enabled: false }
            concurrency: 4
            """;

    @TempDir
    Path tmp;
    private Path project;
    private final String operatorSecret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private final List<AutoCloseable> running = new ArrayList<>();
    private String url;

    @BeforeEach
    void projectLikeDirectory() throws IOException {
        project = tmp.resolve("project");
        GateProcess.copyTree(PROJECT.resolve("environments/profiles"), project.resolve("environments/profiles"));
        GateProcess.copyTree(PROJECT.resolve("features"), project.resolve("features"));
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : running) {
            c.close();
        }
    }

    @Test
    void httpsWithTheClinicsCertificateAsCaBundlePasses() throws Exception {
        ClinicProcess clinic = clinic(true, null);
        url = clinic.baseUri().toString();
        writeEnvironment(15000, 60000, "  tls: { caBundle: \"" + clinic.certificate() + "\", versions: [TLSv1.3, TLSv1.2] }");
        Gate seed = gate("--phase", "seed");
        assertThat(seed.exit()).as("seed over HTTPS%n%s", seed.describe()).isZero();
        assertThat(seed.console()).contains("cordon: network: TLS trust: CA bundle");
        Gate verify = gate("--phase", "verify");
        assertThat(verify.verdict()).as("verify over HTTPS%n%s", verify.describe()).isEqualTo("PASS");
        assertThat(verify.exit()).isZero();
    }

    @Test
    void httpsThroughAConnectProxyPasses() throws Exception {
        ClinicProcess clinic = clinic(true, null);
        url = clinic.baseUri().toString();
        ConnectProxy proxy = new ConnectProxy();
        running.add(proxy);
        writeEnvironment(15000, 60000, "  tls: { caBundle: \"" + clinic.certificate() + "\" }\n  proxy: { url: \"http://127.0.0.1:"
                + proxy.port() + "\" }");
        Gate seed = gate("--phase", "seed");
        assertThat(seed.exit()).as("seed through the proxy%n%s", seed.describe()).isZero();
        Gate verify = gate("--phase", "verify");
        assertThat(verify.verdict()).as("verify through the proxy%n%s", verify.describe()).isEqualTo("PASS");
        assertThat(proxy.tunnels.get()).as("connections tunnelled by the proxy (CONNECT 127.0.0.1:%s)", clinic.baseUri().getPort()).isPositive();
        assertThat(proxy.refused.get()).as("requests the proxy refused (anything but CONNECT)").isZero();
    }

    @Test
    void aWrongCaIsExitTwoNamingHostAndIssuerWithNothingSent() throws Exception {
        Path accessLog = tmp.resolve("access.log");
        ClinicProcess clinic = clinic(true, accessLog);
        url = clinic.baseUri().toString();
        Path otherCa = selfSignedPem("CN=Some other authority");
        writeEnvironment(15000, 60000, "  tls: { caBundle: \"" + otherCa + "\" }");
        Gate seed = gate("--phase", "seed");
        assertThat(seed.exit()).as("an untrusted certificate%n%s", seed.describe()).isEqualTo(2);
        assertThat(seed.console()).contains("127.0.0.1").contains("issuer CN=Cordon reference clinic (self-signed)")
                .contains("target.tls.caBundle");
        assertThat(clinic.requestsLogged()).as("HTTP requests the clinic received").isZero();

        // Both sides: the clinic's own certificate as the bundle is trusted by the same preflight.
        writeEnvironment(15000, 60000, "  tls: { caBundle: \"" + clinic.certificate() + "\" }");
        assertThat(gate("--phase", "seed").exit()).isZero();
    }

    @Test
    void anAnswerTricklingPastItsDeadlineIsUnverifiedAndTheRunStillEndsWithAVerdict() throws Exception {
        ClinicProcess clinic = clinic(false, null);
        // Every replay listing page trickles a byte every 400 ms: never silent for the 2 s read timeout, never whole
        // within the 5 s deadline.
        FaultProxy proxy = FaultProxy.to(clinic.baseUri()).seed(1)
                .inject(FaultRule.of(FaultKind.TRICKLE, 1.0).stallMillis(400).onMethods("GET").onPaths("/api/replays")).start();
        running.add(proxy);
        url = proxy.baseUri().toString();
        writeEnvironment(2000, 5000, "");
        Gate seed = gate("--phase", "seed");
        assertThat(seed.exit()).as("seed (no listing read)%n%s", seed.describe()).isIn(0, 3);
        Gate verify = gate("--phase", "verify");
        System.out.printf("transport trickle: verify %s exit %d in %d s; %s%n", verify.verdict(), verify.exit(), verify.seconds(), proxy.summary());
        assertThat(proxy.tally().injected()).as("trickled answers").isPositive();
        assertThat(verify.summary().path("verdict").asText()).as("a summary with a verdict%n%s", verify.describe()).isEqualTo("UNVERIFIED");
        assertThat(verify.exit()).isEqualTo(3);
        assertThat(verify.summary().toString()).as("the deadline is named").contains("answerDeadlineMillis");
        assertThat(verify.seconds()).as("ended by deadlines, not by the answers' end").isLessThan(GATE_TIMEOUT.toSeconds());
    }

    // --- helpers ---

    private ClinicProcess clinic(boolean tls, Path accessLog) throws IOException {
        ClinicProcess clinic = ClinicProcess.start(PROJECT, tmp, "2.0.0", operatorSecret, List.of(), accessLog, tls);
        running.add(clinic);
        return clinic;
    }

    private void writeEnvironment(int readTimeout, int deadline, String network) throws IOException {
        Files.createDirectories(project.resolve("environments"));
        Files.writeString(project.resolve("environments/transport-it.yaml"), ENVIRONMENT.formatted(readTimeout, deadline, network));
    }

    /** A PEM certificate of a key nobody here uses: an authority that vouches for nothing the clinic serves. */
    private Path selfSignedPem(String dname) throws Exception {
        Path store = tmp.resolve("other.p12");
        Path pem = tmp.resolve("other-ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "other", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname, "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "throwaway");
        run(keytool, "-exportcert", "-rfc", "-alias", "other", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "throwaway", "-file", pem.toString());
        return pem;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("%s: %s", command[1], out).isTrue();
    }

    private record Gate(int exit, String console, JsonNode summary, long seconds) {
        String verdict() {
            return summary.path("verdict").asText("(no summary)");
        }

        String describe() {
            return "verdict %s exit %d; findings %s; notes %s%n--- console (tail) ---%n%s".formatted(verdict(), exit,
                    summary.path("findings").toString().substring(0, Math.min(2000, summary.path("findings").toString().length())),
                    summary.path("notes"), console.length() <= 5000 ? console : "…" + console.substring(console.length() - 5000));
        }
    }

    private Gate gate(String... args) throws Exception {
        Path summary = project.resolve("target/cordon/summary.json");
        Files.deleteIfExists(summary);
        Path log = Files.createTempFile(tmp, "gate-", ".out");
        long started = System.nanoTime();
        List<String> command = new ArrayList<>(List.of(GateProcess.javaBin(), "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", GateProcess.classpath(PROJECT), "dev.cordon.gate.GateMain", "--project-dir", project.toString(), "--no-report",
                "--env", "transport-it"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("CORDON_") || k.equals("GITHUB_ACTIONS") || k.equals("GITLAB_CI") || k.equals("JENKINS_URL"));
        env.put("IT_TRANSPORT_URL", url);
        env.put("IT_TRANSPORT_OPERATOR_SECRET", operatorSecret);
        Process process = builder.start();
        if (!process.waitFor(GATE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            process.destroyForcibly();
            fail("the gate %s did not finish within %s:%n%s", String.join(" ", args), GATE_TIMEOUT, Files.readString(log));
        }
        JsonNode node = Files.exists(summary) ? JSON.readTree(summary.toFile()) : JSON.createObjectNode();
        return new Gate(process.exitValue(), Files.readString(log), node, (System.nanoTime() - started) / 1_000_000_000L);
    }

    /**
     * A small HTTP proxy that only tunnels (CONNECT host:port, then bytes both ways), as a corporate proxy in front of an
     * HTTPS staging does; counts tunnels and refuses everything else with 405. Loopback only.
     */
    private static final class ConnectProxy implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger tunnels = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        private final List<Socket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());

        ConnectProxy() throws IOException {
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        sockets.add(client);
                        Thread t = new Thread(() -> serve(client), "connect-proxy");
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "connect-proxy-accept");
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(Socket client) {
            try {
                InputStream in = client.getInputStream();
                String requestLine = head(in);
                if (requestLine.isEmpty()) {
                    client.close(); // a TCP connect only (the gate's preflight asks whether the proxy accepts connections)
                    return;
                }
                String[] parts = requestLine.split(" ");
                OutputStream out = client.getOutputStream();
                if (parts.length < 2 || !parts[0].equals("CONNECT") || !parts[1].startsWith("127.0.0.1:")) {
                    refused.incrementAndGet();
                    out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    client.close();
                    return;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(parts[1].substring("127.0.0.1:".length())));
                sockets.add(upstream);
                tunnels.incrementAndGet();
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread back = new Thread(() -> pump(upstream, client), "connect-proxy-back");
                back.setDaemon(true);
                back.start();
                pump(client, upstream);
            } catch (IOException | RuntimeException e) {
                // a tunnel ends when either side closes
            }
        }

        private static String head(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            String first = null;
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    String l = line.toString().strip();
                    if (first == null) {
                        first = l;
                    } else if (l.isEmpty()) {
                        return first;
                    }
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
            return first == null ? "" : first;
        }

        private static void pump(Socket from, Socket to) {
            byte[] buffer = new byte[16 * 1024];
            try (from; to) {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // closed
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }
}
