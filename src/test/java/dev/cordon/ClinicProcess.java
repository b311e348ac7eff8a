package dev.cordon;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The reference clinic jar as a separate process on an H2 file database: a "staging" that integration tests deploy
 * to, restart and read back, as a pipeline would. Stopped by its own pid only.
 */
public final class ClinicProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("clinic ready release=(\\S+) port=(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern CERTIFICATE = Pattern.compile("clinic tls certificate=(\\S+)");

    private final Process process;
    private final int port;
    private final Path accessLog;
    /** The PEM certificate of a clinic started with --tls, or null for plain HTTP. */
    private final Path certificate;

    private ClinicProcess(Process process, int port, Path accessLog, Path certificate) {
        this.process = process;
        this.port = port;
        this.accessLog = accessLog;
        this.certificate = certificate;
    }

    /**
     * Starts the clinic of {@code release} on the database in {@code dir}; {@code accessLog} null turns the access log
     * off. Returns once the clinic printed its ready line.
     */
    public static ClinicProcess start(Path project, Path dir, String release, String operatorSecret, List<String> faults,
                                      Path accessLog) throws IOException {
        return start(project, dir, release, operatorSecret, faults, accessLog, false);
    }

    /** As above; {@code tls}: the clinic serves HTTPS only, with the self-signed certificate it makes ({@link #certificate()}). */
    public static ClinicProcess start(Path project, Path dir, String release, String operatorSecret, List<String> faults,
                                      Path accessLog, boolean tls) throws IOException {
        List<String> command = new ArrayList<>(List.of(GateProcess.javaBin(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
                project.resolve("target/reference-clinic.jar").toString(), "--release", release,
                "--db", "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "--port", "0",
                "--operator-secret", operatorSecret, "--access-log", accessLog == null ? "off" : accessLog.toString()));
        faults.forEach(f -> command.addAll(List.of("--fault", f)));
        if (tls) {
            command.add("--tls");
        }
        Path certificate = null;
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher pem = CERTIFICATE.matcher(line);
            if (pem.find()) {
                certificate = Path.of(pem.group(1));
            }
            Matcher ready = READY.matcher(line);
            if (ready.find()) {
                drain(out);
                return new ClinicProcess(process, Integer.parseInt(ready.group(2)), accessLog, certificate);
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("the clinic " + release + " did not get ready:\n" + seen);
    }

    private static void drain(BufferedReader out) {
        Thread drainer = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe empty so the clinic never blocks on its console
                }
            } catch (IOException ignored) {
                // the clinic stopped
            }
        }, "clinic-console");
        drainer.setDaemon(true);
        drainer.start();
    }

    public URI baseUri() {
        return URI.create((certificate == null ? "http" : "https") + "://127.0.0.1:" + port);
    }

    /** The PEM certificate a --tls clinic made for itself (trust it as a CA bundle), or null. */
    public Path certificate() {
        return certificate;
    }

    /** The externalRef of every patient the clinic lists to its operator, asked directly (not through any proxy). */
    public List<String> operatorListing(String operatorSecret) throws IOException, InterruptedException {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(baseUri().resolve("/api/operator/patients"))
                        .header("Authorization", "Bearer " + operatorSecret).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("operator listing answered " + answer.statusCode() + ": " + answer.body());
        }
        List<String> refs = new ArrayList<>();
        JSON.readTree(answer.body()).path("items").forEach(p -> refs.add(p.path("externalRef").asText()));
        return refs;
    }

    /** How many requests the clinic's access log holds (0 when it wrote none). */
    public long requestsLogged() throws IOException {
        if (accessLog == null || !Files.exists(accessLog)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(accessLog)) {
            return lines.filter(l -> l.startsWith("access ")).count();
        }
    }

    /** Stops this process by its pid (SIGTERM, so H2 closes the database file), never anything else. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
