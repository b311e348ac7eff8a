package dev.cordon.deploy;

import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

import java.util.List;

/**
 * Testcontainers' PostgreSQL module on host networking: the server listens on 127.0.0.1:{port} chosen by Cordon, so
 * there is no port mapping to ask Docker about. Works with the official postgres image and with any image that behaves
 * like it (POSTGRES_USER/PASSWORD/DB, "ready to accept connections" logged twice), such as the one
 * ci/images/build-offline-images.sh builds.
 */
public class LocalPostgreSQLContainer extends PostgreSQLContainer {
    static final String OFFICIAL_IMAGE = "postgres";

    private final int port;

    public LocalPostgreSQLContainer(DockerImageName image, int port) {
        super(image.asCompatibleSubstituteFor(OFFICIAL_IMAGE));
        this.port = port;
        withNetworkMode("host");
        setExposedPorts(List.of());
        withImagePullPolicy(NeverPull.INSTANCE);
        // fsync off as the module's default does; loopback only, on our port.
        withCommand("postgres", "-c", "fsync=off", "-c", "listen_addresses=127.0.0.1", "-c", "port=" + port);
    }

    @Override
    public String getHost() {
        return "127.0.0.1";
    }

    @Override
    public Integer getMappedPort(int originalPort) {
        if (originalPort != POSTGRESQL_PORT) {
            throw new IllegalArgumentException("PostgreSQL listens on one port only (asked for " + originalPort + ")");
        }
        return port;
    }
}
