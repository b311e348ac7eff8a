package dev.cordon.clinic;

import java.util.Set;

/**
 * Everything a clinic needs to start. Immutable; change one field with a {@code withX} method.
 * {@code faults} holds fault ids (see {@link Fault}); {@code accessLog} is "stdout", "off" or a file path.
 */
public record ClinicSettings(String release, String jdbcUrl, String dbUser, String dbPassword,
                             String bindHost, int port, Set<String> faults, int pageSize,
                             String operatorSecret, String accessLog) {

    public static final String DEFAULT_JDBC_URL = "jdbc:h2:file:./target/clinic-db/clinic";
    public static final int MAX_PAGE_SIZE = 100;

    public ClinicSettings {
        faults = faults == null ? Set.of() : Set.copyOf(faults);
    }

    public static ClinicSettings defaults() {
        return new ClinicSettings("2.0.0", DEFAULT_JDBC_URL, "sa", "", "127.0.0.1", 8080, Set.of(), 20, null, "stdout");
    }

    public ClinicSettings withRelease(String v) { return new ClinicSettings(v, jdbcUrl, dbUser, dbPassword, bindHost, port, faults, pageSize, operatorSecret, accessLog); }
    public ClinicSettings withJdbcUrl(String v) { return new ClinicSettings(release, v, dbUser, dbPassword, bindHost, port, faults, pageSize, operatorSecret, accessLog); }
    public ClinicSettings withDbUser(String v) { return new ClinicSettings(release, jdbcUrl, v, dbPassword, bindHost, port, faults, pageSize, operatorSecret, accessLog); }
    public ClinicSettings withDbPassword(String v) { return new ClinicSettings(release, jdbcUrl, dbUser, v, bindHost, port, faults, pageSize, operatorSecret, accessLog); }
    public ClinicSettings withBindHost(String v) { return new ClinicSettings(release, jdbcUrl, dbUser, dbPassword, v, port, faults, pageSize, operatorSecret, accessLog); }
    public ClinicSettings withPort(int v) { return new ClinicSettings(release, jdbcUrl, dbUser, dbPassword, bindHost, v, faults, pageSize, operatorSecret, accessLog); }
    public ClinicSettings withFaults(Set<String> v) { return new ClinicSettings(release, jdbcUrl, dbUser, dbPassword, bindHost, port, v, pageSize, operatorSecret, accessLog); }
    public ClinicSettings withPageSize(int v) { return new ClinicSettings(release, jdbcUrl, dbUser, dbPassword, bindHost, port, faults, v, operatorSecret, accessLog); }
    public ClinicSettings withOperatorSecret(String v) { return new ClinicSettings(release, jdbcUrl, dbUser, dbPassword, bindHost, port, faults, pageSize, v, accessLog); }
    public ClinicSettings withAccessLog(String v) { return new ClinicSettings(release, jdbcUrl, dbUser, dbPassword, bindHost, port, faults, pageSize, operatorSecret, v); }

    /** Convenience for tests and the harness: the same settings with these fault ids. */
    public ClinicSettings withFaults(String... ids) { return withFaults(Set.of(ids)); }
}
