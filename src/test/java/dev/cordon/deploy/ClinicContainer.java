package dev.cordon.deploy;

import dev.cordon.config.Secret;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The reference clinic in a container on host networking, listening on 127.0.0.1:{port}. Its image bakes in the
 * release (see the Dockerfile); everything else is the clinic's own CLINIC_* environment. Started means the clinic
 * printed its one ready line.
 */
public class ClinicContainer extends GenericContainer<ClinicContainer> {
    /** The clinic prints exactly one such line when it serves requests (docs/reference-clinic.md). */
    static final String READY_LINE = ".*clinic ready release=\\S+ port=\\d+.*\\n";
    static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private int port;
    private String jdbcUrl;
    private String databaseUser;
    private String databasePassword;
    private List<String> faults = List.of();
    private Secret operatorSecret;

    public ClinicContainer(DockerImageName image) {
        super(image);
        withNetworkMode("host");
        withImagePullPolicy(NeverPull.INSTANCE);
        waitingFor(Wait.forLogMessage(READY_LINE, 1).withStartupTimeout(DEFAULT_STARTUP_TIMEOUT));
    }

    @Override
    protected void configure() {
        if (port <= 0 || jdbcUrl == null) {
            throw new IllegalStateException("a clinic container needs withPort(..) and withDatabase(..) before it starts");
        }
        withEnv("CLINIC_BIND", "127.0.0.1");
        withEnv("CLINIC_PORT", Integer.toString(port));
        withEnv("CLINIC_DB_URL", jdbcUrl);
        withEnv("CLINIC_DB_USER", databaseUser);
        withEnv("CLINIC_DB_PASSWORD", databasePassword);
        withEnv("CLINIC_ACCESS_LOG", "stdout");
        if (!faults.isEmpty()) {
            withEnv("CLINIC_FAULTS", String.join(",", faults));
        }
        if (operatorSecret != null) {
            // An environment variable, never a command-line argument: not in `ps`, not in any log Cordon writes.
            withEnv("CLINIC_OPERATOR_SECRET", operatorSecret.reveal());
        }
    }

    /** The loopback port the clinic listens on (host networking: no port mapping). */
    public ClinicContainer withPort(int port) {
        this.port = port;
        return self();
    }

    public ClinicContainer withDatabase(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.databaseUser = user;
        this.databasePassword = password;
        return self();
    }

    public ClinicContainer withFaults(Collection<String> faults) {
        this.faults = List.copyOf(new TreeSet<>(faults));
        return self();
    }

    public ClinicContainer withOperatorSecret(Secret operatorSecret) {
        this.operatorSecret = operatorSecret;
        return self();
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }
}
