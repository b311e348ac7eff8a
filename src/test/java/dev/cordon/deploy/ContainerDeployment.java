package dev.cordon.deploy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.PruneType;
import dev.cordon.config.EnvironmentConfig;
import dev.cordon.config.Secret;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The reference clinic as container images on a real PostgreSQL, started by Testcontainers on host networking (both
 * listen on free loopback ports). Release A runs from image cordon/reference-clinic:A; the update stops that container
 * and starts image cordon/reference-clinic:B on the same database, so B's Flyway migrations run on PostgreSQL — the
 * update is literally an image swap.
 *
 * <p>The clinic images are built from the project's Dockerfile (ImageFromDockerfile) on the configured JRE base image,
 * rather than copying the jar into a bare JRE container: so the rehearsal exercises the same Dockerfile a user ships,
 * and the Docker layer cache makes a rebuild with an unchanged jar take about a second. They keep fixed tags
 * (no image per run piles up while Ryuk is off); a superseded build is pruned by its label.
 */
public final class ContainerDeployment implements Deployment {
    /** Keys of deployment.images in an environment file, and their defaults (the official names). */
    public static final Map<String, String> IMAGE_DEFAULTS = Map.of(
            "clinicBase", "eclipse-temurin:17-jre",
            "clinicBaseOffline", "cordon-offline/jre17:bookworm",
            "postgres", "postgres:15",
            "postgresOffline", "cordon-offline/postgres:15",
            "clinic", "cordon/reference-clinic");
    static final String REQUIRE_DOCKER = "CORDON_REQUIRE_DOCKER";
    private static final String LABEL_PROJECT = "dev.cordon.project";
    private static final String LABEL_ROLE = "dev.cordon.role";
    private static final String DATABASE = "clinic";
    private static final String DATABASE_USER = "clinic";

    private final Path projectDir;
    private final Path workDir;
    private final Map<String, String> images;
    private final List<String> faults;
    private final Secret operatorSecret;
    private final Duration startTimeout;
    private final boolean dockerRequired;
    private final PrintStream console;
    private final Thread shutdownHook = new Thread(this::stopAll, "cordon-containers-shutdown");

    private DockerClient docker;
    private String clinicBaseImage;
    private String postgresImage;
    private LocalPostgreSQLContainer postgres;
    private ClinicContainer clinic;
    private String clinicImage;
    private RuntimeException unavailable;
    private boolean hookInstalled;

    public ContainerDeployment(EnvironmentConfig env, Path workDir, PrintStream console, Map<String, String> processEnv) {
        this.workDir = workDir.toAbsolutePath().normalize();
        // workDir is <project>/target/cordon
        this.projectDir = this.workDir.getParent().getParent();
        Map<String, String> merged = new LinkedHashMap<>(IMAGE_DEFAULTS);
        merged.putAll(env.deployment().images());
        this.images = Map.copyOf(merged);
        this.faults = List.copyOf(new TreeSet<>(env.faults()));
        this.operatorSecret = env.target().operatorSecret();
        this.startTimeout = env.deployment().startTimeout();
        this.dockerRequired = "1".equals(processEnv.get(REQUIRE_DOCKER)) || "true".equalsIgnoreCase(processEnv.get(REQUIRE_DOCKER));
        this.console = console;
    }

    /** Containers of an earlier run of this project that a killed JVM left behind (Ryuk is off, so nothing reaps them). */
    @Override
    public void discardEarlierRuns() {
        DockerClient client = dockerOrExplain();
        List<Container> leftovers = client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(LABEL_PROJECT, projectDir.toString())).exec();
        for (Container c : leftovers) {
            console.printf("containers: removing %s left by an earlier run (%s)%n", c.getId().substring(0, 12), c.getImage());
            client.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
        }
    }

    @Override
    public URI start(String release) {
        if (clinic != null) {
            throw new IllegalStateException("the clinic container already runs " + clinicImage);
        }
        dockerOrExplain();
        return remembered(() -> {
            if (postgres == null) {
                startPostgres();
            }
            return startClinic(release);
        });
    }

    @Override
    public URI update(String release) {
        dockerOrExplain();
        return remembered(() -> {
            stopClinic();
            return startClinic(release);
        });
    }

    /**
     * A container that did not come up stops the rehearsal: the failure is remembered, so the scenarios after the
     * first fail at once with the same reason instead of waiting out the start timeout each.
     */
    private URI remembered(java.util.function.Supplier<URI> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            unavailable = e;
            stopAll();
            throw e;
        }
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("deployment", "containers (Testcontainers, host networking)");
        d.put("clinic image", clinicImage == null ? "not built" : clinicImage + " (Dockerfile, BASE_IMAGE=" + clinicBaseImage + ")");
        d.put("postgres image", postgresImage == null ? "not started" : postgresImage);
        d.put("database", postgres == null ? "not started" : "PostgreSQL " + serverVersion());
        d.put("faults", faults.isEmpty() ? "none" : String.join(",", faults));
        return d;
    }

    @Override
    public boolean controlsReleases() {
        return true;
    }

    @Override
    public void close() {
        stopAll();
        if (hookInstalled) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) anyway
            }
            hookInstalled = false;
        }
        if (docker != null) {
            pruneSupersededClinicImages();
        }
    }

    // --- Docker ---

    /**
     * The Docker client, or an exception that says why there is none. Where the run requires Docker (CI sets
     * CORDON_REQUIRE_DOCKER=1) that is a hard failure; elsewhere the run is reported as not verified, never as passed.
     */
    private DockerClient dockerOrExplain() {
        if (unavailable != null) {
            throw unavailable;
        }
        if (docker != null) {
            return docker;
        }
        boolean available;
        String reason;
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
            String host = System.getenv("DOCKER_HOST");
            reason = available ? null : "no Docker engine answers (is dockerd running?"
                    + (host == null ? " no DOCKER_HOST, and /var/run/docker.sock does not answer" : " DOCKER_HOST=" + host) + ")";
        } catch (RuntimeException e) {
            available = false;
            reason = e.getMessage();
        }
        if (!available) {
            unavailable = new DockerUnavailableException(dockerRequired
                    ? "Docker is required here (" + REQUIRE_DOCKER + "=1) but unreachable: " + reason
                    : "container rehearsal NOT verified: " + reason + "; start Docker (docs/containers.md) or use --env local");
            throw unavailable;
        }
        docker = DockerClientFactory.instance().client();
        ImageResolver resolver = new ImageResolver(docker, console);
        try {
            clinicBaseImage = resolver.resolve("clinic base (JRE 17)", images.get("clinicBase"), images.get("clinicBaseOffline"));
            postgresImage = resolver.resolve("PostgreSQL", images.get("postgres"), images.get("postgresOffline"));
        } catch (RuntimeException e) {
            unavailable = e;
            throw e;
        }
        return docker;
    }

    private void installShutdownHook() {
        if (!hookInstalled) {
            // A gate stopped by a signal skips its finally blocks; without Ryuk this hook is what stops the containers.
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            hookInstalled = true;
        }
    }

    // --- PostgreSQL ---

    private void startPostgres() {
        installShutdownHook();
        long t0 = System.nanoTime();
        LocalPostgreSQLContainer container = new LocalPostgreSQLContainer(DockerImageName.parse(postgresImage), freePort());
        container.withDatabaseName(DATABASE).withUsername(DATABASE_USER).withPassword(randomPassword())
                .withLabels(labels("postgres"))
                .withStartupTimeout(startTimeout);
        container.withLogConsumer(logTo(workDir.resolve("containers-postgres.log")));
        postgres = container;
        container.start();
        console.printf("containers: PostgreSQL %s (%s) on 127.0.0.1:%d ready in %.1f s%n", serverVersion(), postgresImage,
                container.getMappedPort(LocalPostgreSQLContainer.POSTGRESQL_PORT), seconds(t0));
    }

    private String serverVersion() {
        try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    // --- the clinic ---

    private URI startClinic(String release) {
        installShutdownHook();
        String image = buildClinicImage(release);
        long t0 = System.nanoTime();
        int port = freePort();
        ClinicContainer container = new ClinicContainer(DockerImageName.parse(image))
                .withPort(port)
                .withDatabase(internalJdbcUrl(), postgres.getUsername(), postgres.getPassword())
                .withFaults(faults)
                .withOperatorSecret(operatorSecret)
                .withLabels(labels("clinic"));
        container.withStartupTimeout(startTimeout);
        container.withLogConsumer(logTo(workDir.resolve("clinic-access.log")));
        clinic = container;
        clinicImage = image;
        container.start();
        console.printf("containers: clinic %s (%s) on 127.0.0.1:%d ready in %.1f s%n", release, image, port, seconds(t0));
        return container.baseUri();
    }

    /** cordon/reference-clinic:RELEASE from the project's Dockerfile; the layer cache makes an unchanged rebuild cheap. */
    private String buildClinicImage(String release) {
        Path jar = projectDir.resolve("target/reference-clinic.jar");
        Path lib = projectDir.resolve("target/lib");
        Path dockerfile = projectDir.resolve("Dockerfile");
        for (Path needed : List.of(dockerfile, jar, lib)) {
            if (!Files.exists(needed)) {
                throw new IllegalStateException(needed + " is missing: the clinic image is built from the Dockerfile, the jar and "
                        + "target/lib (./mvnw -DskipTests package)");
            }
        }
        String tag = images.get("clinic") + ":" + release;
        long t0 = System.nanoTime();
        String built = new ImageFromDockerfile(tag, false)
                .withFileFromPath("Dockerfile", dockerfile)
                .withFileFromPath("target/reference-clinic.jar", jar)
                .withFileFromPath("target/lib", lib)
                .withBuildArg("BASE_IMAGE", clinicBaseImage)
                .withBuildArg("RELEASE", release)
                .get();
        console.printf("containers: image %s built on %s in %.1f s%n", built, clinicBaseImage, seconds(t0));
        return built;
    }

    /** Host networking: the clinic reaches PostgreSQL on loopback, exactly as Cordon does. */
    private String internalJdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getMappedPort(LocalPostgreSQLContainer.POSTGRESQL_PORT) + "/" + DATABASE;
    }

    // --- stopping ---

    private void stopClinic() {
        if (clinic != null) {
            try {
                clinic.stop();
            } finally {
                clinic = null;
            }
        }
    }

    private synchronized void stopAll() {
        try {
            stopClinic();
        } finally {
            if (postgres != null) {
                try {
                    postgres.stop();
                } finally {
                    postgres = null;
                }
            }
        }
    }

    /** Builds that a newer jar superseded lose their tag; remove them so they do not pile up. */
    private void pruneSupersededClinicImages() {
        try {
            docker.pruneCmd(PruneType.IMAGES).withDangling(true).withLabelFilter("dev.cordon.image=reference-clinic").exec();
        } catch (RuntimeException e) {
            console.println("containers: could not prune superseded clinic images: " + e.getMessage());
        }
    }

    // --- helpers ---

    private Map<String, String> labels(String role) {
        return Map.of(LABEL_PROJECT, projectDir.toString(), LABEL_ROLE, role);
    }

    private static java.util.function.Consumer<OutputFrame> logTo(Path file) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return frame -> {
            String text = frame.getUtf8String();
            if (text.isEmpty()) {
                return;
            }
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                w.write(text);
            } catch (IOException ignored) {
                // a log line lost is not worth failing the rehearsal for
            }
        };
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** No Docker engine to run the rehearsal on. */
    public static final class DockerUnavailableException extends IllegalStateException {
        DockerUnavailableException(String message) {
            super(message);
        }
    }
}
