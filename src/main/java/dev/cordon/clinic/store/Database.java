package dev.cordon.clinic.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cordon.clinic.ClinicStartException;
import dev.cordon.clinic.Fault;
import dev.cordon.clinic.migration.V2_0_0__call_mode_and_owner;
import dev.cordon.clinic.migration.V2_1_0__accounts_and_documents;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

import javax.sql.DataSource;
import java.util.Set;

/** The connection pool and the schema: opens the pool, refuses a newer schema, migrates to the release. */
public final class Database implements AutoCloseable {
    static final String H2_FLAGS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    public static Database open(String jdbcUrl, String user, String password, String release, Set<Fault> faults) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(normalise(jdbcUrl));
        config.setUsername(user);
        config.setPassword(password == null ? "" : password);
        config.setMaximumPoolSize(10);
        config.setPoolName("clinic-" + release);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new ClinicStartException("cannot open database " + redact(jdbcUrl) + ": " + e.getMessage(), e);
        }
        try {
            migrate(pool, release, faults);
            return new Database(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** H2 URLs get the PostgreSQL compatibility flags unless the caller already set them. */
    static String normalise(String url) {
        if (url == null || !url.startsWith("jdbc:h2:")) return url;
        String lower = url.toLowerCase();
        StringBuilder result = new StringBuilder(url);
        if (!lower.contains(";mode=")) result.append(";MODE=PostgreSQL");
        if (!lower.contains(";database_to_lower=")) result.append(";DATABASE_TO_LOWER=TRUE");
        if (!lower.contains(";default_null_ordering=")) result.append(";DEFAULT_NULL_ORDERING=HIGH");
        return result.toString();
    }

    private static String redact(String url) {
        return url == null ? "null" : url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

    private static void migrate(DataSource dataSource, String release, Set<Fault> faults) {
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/clinic")
                .javaMigrations(new V2_0_0__call_mode_and_owner(faults), new V2_1_0__accounts_and_documents())
                .target(MigrationVersion.fromVersion(release))
                .load();
        MigrationVersion wanted = MigrationVersion.fromVersion(release);
        MigrationVersion applied = null;
        for (MigrationInfo info : flyway.info().applied()) {
            if (info.getVersion() != null && info.getState().isApplied()
                    && (applied == null || info.getVersion().compareTo(applied) > 0)) {
                applied = info.getVersion();
            }
        }
        if (applied != null && applied.compareTo(wanted) > 0) {
            throw new ClinicStartException("the database was migrated by release " + applied.getVersion()
                    + "; release " + release + " cannot run on it (start release " + applied.getVersion() + " or newer)");
        }
        flyway.migrate();
    }

    public DataSource dataSource() { return pool; }

    @Override
    public void close() { pool.close(); }
}
