package dev.cordon.clinic;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.clinic.fhir.FhirFace;
import dev.cordon.clinic.store.CareRecords;
import dev.cordon.clinic.store.Consultations;
import dev.cordon.clinic.store.Database;
import dev.cordon.clinic.store.Documents;
import dev.cordon.clinic.store.Jdbc;
import dev.cordon.clinic.store.Patients;
import dev.cordon.clinic.store.Recordings;
import dev.cordon.clinic.web.ClinicServer;
import dev.cordon.clinic.web.Services;
import dev.cordon.clinic.web.Sessions;

import java.net.URI;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Starts a reference clinic in this JVM. Nothing is static: several clinics may run side by side. */
public final class Clinic {
    private Clinic() {}

    /**
     * Validates the settings, migrates the database to the release and starts serving.
     *
     * @throws IllegalArgumentException for an unknown release or fault id (the message lists the valid ones)
     * @throws ClinicStartException     when the database belongs to a newer release or cannot be opened
     */
    public static RunningClinic start(ClinicSettings settings) {
        String release = settings.release();
        if (!Releases.isKnown(release)) {
            throw new IllegalArgumentException("unknown release '" + release + "'; known releases: " + String.join(", ", Releases.known()));
        }
        Set<Fault> faults = EnumSet.noneOf(Fault.class);
        for (String id : settings.faults()) faults.add(Fault.byId(id));
        if (settings.pageSize() < 1 || settings.pageSize() > ClinicSettings.MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page size must be between 1 and " + ClinicSettings.MAX_PAGE_SIZE + ", was " + settings.pageSize());
        }
        if (settings.port() < 0 || settings.port() > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + settings.port());
        }

        Database database = Database.open(settings.jdbcUrl(), settings.dbUser(), settings.dbPassword(), release, faults);
        try {
            Jdbc jdbc = new Jdbc(database.dataSource());
            boolean v2 = Releases.hasVideo(release);
            boolean v21 = Releases.hasDocuments(release);
            boolean v22 = Releases.hasCareRecords(release);
            Services services = new Services(release, Set.copyOf(faults), settings.pageSize(), settings.operatorSecret(),
                    new Patients(jdbc, v21), new Consultations(jdbc, v2, v22, videoFiling(v2, faults)),
                    new Recordings(jdbc, v2), v21 ? new Documents(jdbc) : null, v22 ? new CareRecords(jdbc) : null,
                    new Sessions(), new ObjectMapper());
            boolean fhir = settings.fhir() || faults.stream().anyMatch(Fault::needsFhir);
            FhirFace face = fhir ? new FhirFace(release, faults, settings.operatorSecret(), services.patients(), jdbc, v2) : null;
            ClinicServer server = ClinicServer.start(services, settings.bindHost(), settings.port(), settings.accessLog(),
                    face == null ? null : face::mount);
            return new Running(server, database, release, fhir ? fhirBase(settings.bindHost(), server.port()) : null);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** Where switch-to-video files its recording: only 2.0.0 and later switch, and the faults decide where. */
    private static Consultations.VideoFiling videoFiling(boolean hasVideo, Set<Fault> faults) {
        if (!hasVideo) return Consultations.VideoFiling.OWN;
        if (faults.contains(Fault.SWITCH_OWNER_BY_SLOT)) return Consultations.VideoFiling.FIRST_IN_SLOT;
        if (faults.contains(Fault.SWITCH_OWNER_BY_TIME_OF_DAY)) return Consultations.VideoFiling.FIRST_AT_TIME_OF_DAY;
        return Consultations.VideoFiling.OWN;
    }

    /** Where a client on this machine reaches the FHIR face: a wildcard bind is reached through the loopback. */
    private static URI fhirBase(String bindHost, int port) {
        boolean wildcard = bindHost == null || bindHost.isBlank() || bindHost.equals("0.0.0.0") || bindHost.equals("::");
        String host = wildcard ? "127.0.0.1" : bindHost.contains(":") ? "[" + bindHost + "]" : bindHost;
        return URI.create("http://" + host + ":" + port + FhirFace.PATH);
    }

    private static final class Running implements RunningClinic {
        private final ClinicServer server;
        private final Database database;
        private final String release;
        private final URI fhirBase;
        private boolean closed;

        Running(ClinicServer server, Database database, String release, URI fhirBase) {
            this.server = server;
            this.database = database;
            this.release = release;
            this.fhirBase = fhirBase;
        }

        @Override
        public Optional<URI> fhirBase() { return Optional.ofNullable(fhirBase); }

        @Override
        public int port() { return server.port(); }

        @Override
        public String release() { return release; }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            try {
                server.close();
            } finally {
                database.close();
            }
        }
    }
}
