package dev.cordon.clinic;

import java.util.Set;

/**
 * Everything a clinic needs to start. Immutable; change one field with a {@code withX} method.
 * {@code faults} holds fault ids (see {@link Fault}); {@code accessLog} is "stdout", "off" or a file path;
 * {@code fhir} serves the FHIR R4 face at /fhir.
 */
public record ClinicSettings(String release, String jdbcUrl, String dbUser, String dbPassword,
                             String bindHost, int port, Set<String> faults, int pageSize,
                             String operatorSecret, String accessLog, boolean fhir) {

    public static final String DEFAULT_JDBC_URL = "jdbc:h2:file:./target/clinic-db/clinic";
    public static final int MAX_PAGE_SIZE = 100;

    public ClinicSettings {
        faults = faults == null ? Set.of() : Set.copyOf(faults);
    }

    /** The settings without the FHIR face (the shape before {@code fhir} was added). */
    public ClinicSettings(String release, String jdbcUrl, String dbUser, String dbPassword, String bindHost, int port,
                          Set<String> faults, int pageSize, String operatorSecret, String accessLog) {
        this(release, jdbcUrl, dbUser, dbPassword, bindHost, port, faults, pageSize, operatorSecret, accessLog, false);
    }

    public static ClinicSettings defaults() {
        return new ClinicSettings("2.0.0", DEFAULT_JDBC_URL, "sa", "", "127.0.0.1", 8080, Set.of(), 20, null, "stdout", false);
    }

    public ClinicSettings withRelease(String v) { return new ClinicSettings(v, jdbcUrl, dbUser, dbPassword, bindHost, port, faults, pageSize, operatorSecret, accessLog, fhir); }
    public ClinicSettings withJdbcUrl(String v) { return new ClinicSettings(release, v, dbUser, dbPassword, bindHost, port, faults, pageSize, operatorSecret, accessLog, fhir); }
    public ClinicSettings withDbUser(String v) { return new ClinicSettings(release, jdbcUrl, v, dbPassword, bindHost, port, faults, pageSize, operatorSecret, accessLog, fhir); }
    public ClinicSettings withDbPassword(String v) { return new ClinicSettings(release, jdbcUrl, dbUser, v, bindHost, port, faults, pageSize, operatorSecret, accessLog, fhir); }
    public ClinicSettings withBindHost(String v) { return new ClinicSettings(release, jdbcUrl, dbUser, dbPassword, v, port, faults, pageSize, operatorSecret, accessLog, fhir); }
    public ClinicSettings withPort(int v) { return new ClinicSettings(release, jdbcUrl, dbUser, dbPassword, bindHost, v, faults, pageSize, operatorSecret, accessLog, fhir); }
    public ClinicSettings withFaults(Set<String> v) { return new ClinicSettings(release, jdbcUrl, dbUser, dbPassword, bindHost, port, v, pageSize, operatorSecret, accessLog, fhir); }
    public ClinicSettings withPageSize(int v) { return new ClinicSettings(release, jdbcUrl, dbUser, dbPassword, bindHost, port, faults, v, operatorSecret, accessLog, fhir); }
    public ClinicSettings withOperatorSecret(String v) { return new ClinicSettings(release, jdbcUrl, dbUser, dbPassword, bindHost, port, faults, pageSize, v, accessLog, fhir); }
    public ClinicSettings withAccessLog(String v) { return new ClinicSettings(release, jdbcUrl, dbUser, dbPassword, bindHost, port, faults, pageSize, operatorSecret, v, fhir); }

    /** Also serve the FHIR R4 face at /fhir (docs/fhir.md). A fhir-* fault switches it on too. */
    public ClinicSettings withFhir(boolean v) { return new ClinicSettings(release, jdbcUrl, dbUser, dbPassword, bindHost, port, faults, pageSize, operatorSecret, accessLog, v); }

    /** Convenience for tests and the harness: the same settings with these fault ids. */
    public ClinicSettings withFaults(String... ids) { return withFaults(Set.of(ids)); }
}
