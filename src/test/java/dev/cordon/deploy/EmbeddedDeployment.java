package dev.cordon.deploy;

import dev.cordon.clinic.Clinic;
import dev.cordon.clinic.ClinicSettings;
import dev.cordon.clinic.RunningClinic;
import dev.cordon.config.Secret;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The reference clinic in this JVM on an H2 file under target/. The update stops release A and starts release B on
 * the same database file, so Flyway migrates it; nothing else of the clinic survives the stop. Cordon still talks to
 * it only over HTTP.
 */
public final class EmbeddedDeployment implements Deployment {
    private final Path databaseDir;
    private final Set<String> faults;
    private final Secret operatorSecret;
    private final Path accessLog;
    private final boolean fhir;
    private RunningClinic running;

    /** {@code fhir}: also serve the clinic's FHIR R4 face at /fhir (environment key deployment.fhir). */
    public EmbeddedDeployment(Path databaseDir, List<String> faults, Secret operatorSecret, Path accessLog, boolean fhir) {
        this.fhir = fhir;
        this.databaseDir = databaseDir;
        this.faults = Set.copyOf(faults);
        this.operatorSecret = operatorSecret;
        this.accessLog = accessLog;
    }

    /** A rehearsal or a seed phase starts from an empty clinic database. */
    @Override
    public void discardEarlierRuns() {
        if (!Files.exists(databaseDir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(databaseDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot clear the embedded database at " + databaseDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public URI start(String release) {
        if (running != null) {
            throw new IllegalStateException("the embedded clinic already runs release " + running.release());
        }
        try {
            Files.createDirectories(databaseDir);
            Files.createDirectories(accessLog.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + databaseDir + ": " + e.getMessage(), e);
        }
        ClinicSettings settings = ClinicSettings.defaults()
                .withRelease(release)
                .withJdbcUrl("jdbc:h2:file:" + databaseDir.toAbsolutePath().resolve("clinic"))
                .withPort(0)
                .withFaults(faults)
                .withOperatorSecret(operatorSecret.reveal())
                .withAccessLog(accessLog.toAbsolutePath().toString())
                .withFhir(fhir);
        running = Clinic.start(settings);
        return URI.create("http://127.0.0.1:" + running.port());
    }

    @Override
    public URI update(String release) {
        close();
        return start(release);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> description = new LinkedHashMap<>();
        description.put("deployment", "embedded (reference clinic in-process)");
        description.put("database", "H2 file " + databaseDir);
        description.put("faults", faults.isEmpty() ? "none" : String.join(",", new java.util.TreeSet<>(faults)));
        return description;
    }

    @Override
    public boolean controlsReleases() {
        return true;
    }

    @Override
    public void close() {
        if (running != null) {
            try {
                running.close();
            } finally {
                running = null;
            }
        }
    }
}
