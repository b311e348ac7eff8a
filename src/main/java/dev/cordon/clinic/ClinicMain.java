package dev.cordon.clinic;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Command line: {@code java -jar reference-clinic.jar --release 2.0.0 --db ... --port 0}. */
@Command(name = "reference-clinic", mixinStandardHelpOptions = true,
        description = "The Cordon reference clinic: a small telehealth service with releases and a catalogue of known faults.")
public final class ClinicMain implements Callable<Integer> {
    static final int EXIT_USAGE = 2;

    @Option(names = "--release", description = "release to run (env CLINIC_RELEASE; default 2.0.0)")
    String release;
    @Option(names = "--db", description = "JDBC URL (env CLINIC_DB_URL; default " + ClinicSettings.DEFAULT_JDBC_URL + ")")
    String db;
    @Option(names = "--db-user", description = "database user (env CLINIC_DB_USER; default sa)")
    String dbUser;
    @Option(names = "--db-password", description = "database password (env CLINIC_DB_PASSWORD; default empty)")
    String dbPassword;
    @Option(names = "--port", description = "port, 0 picks a free one (env CLINIC_PORT; default 8080)")
    Integer port;
    @Option(names = "--bind", description = "address to bind (env CLINIC_BIND; default 127.0.0.1)")
    String bind;
    @Option(names = "--fault", description = "fault id to switch on, repeatable (env CLINIC_FAULTS, comma separated)")
    List<String> faults = new ArrayList<>();
    @Option(names = "--page-size", description = "default replay page size, max 100 (env CLINIC_PAGE_SIZE; default 20)")
    Integer pageSize;
    @Option(names = "--operator-secret", description = "operator secret (env CLINIC_OPERATOR_SECRET; no default)")
    String operatorSecret;
    @Option(names = "--access-log", description = "stdout, off or a file path (env CLINIC_ACCESS_LOG; default stdout)")
    String accessLog;
    @Option(names = "--fhir", description = "also serve the FHIR R4 face at /fhir (env CLINIC_FHIR=true; a fhir-* fault implies it)")
    Boolean fhir;
    @Option(names = "--tls", description = "serve HTTPS only, with a self-signed certificate made at start for 127.0.0.1 and localhost; "
            + "prints where its PEM is (env CLINIC_TLS=true)")
    Boolean tls;
    @Option(names = "--list-faults", description = "print the fault catalogue (id, what goes wrong, first release it affects) and exit")
    boolean listFaults;

    private final Map<String, String> env;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean served;

    public ClinicMain() { this(System.getenv()); }

    ClinicMain(Map<String, String> env) { this.env = env; }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        ClinicMain command = new ClinicMain();
        int code = new CommandLine(command).execute(args);
        // After serving, the JVM is already shutting down (SIGTERM): System.exit would wait on the hooks forever.
        if (!command.served) System.exit(code);
    }

    @Override
    public Integer call() {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        if (listFaults) {
            for (Fault f : Fault.values()) out.println(f.id() + " — " + f.description() + " (from release " + f.since() + ")");
            return 0;
        }
        ClinicSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            err.println("clinic: " + e.getMessage());
            return EXIT_USAGE;
        }
        java.nio.file.Path certificate = null;
        if (bool(tls, "CLINIC_TLS", false)) {
            try {
                certificate = SelfSignedTls.make(settings.bindHost());
            } catch (IllegalStateException e) {
                err.println("clinic: --tls: " + e.getMessage());
                return EXIT_USAGE;
            }
        }
        RunningClinic clinic;
        try {
            clinic = Clinic.start(settings);
        } catch (IllegalArgumentException | ClinicStartException e) {
            err.println("clinic: " + e.getMessage());
            return EXIT_USAGE;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            clinic.close();
            stopped.countDown();
        }, "clinic-shutdown"));
        served = true;
        // Printed before the ready line, so whoever waits for "clinic ready" has already seen it.
        clinic.fhirBase().ifPresent(base -> out.println("FHIR R4 base: " + base));
        if (certificate != null) {
            out.println("clinic tls certificate=" + certificate + " (PEM; trust it as a CA bundle: target.tls.caBundle)");
        }
        out.println("clinic ready release=" + clinic.release() + " port=" + clinic.port());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clinic.close();
        }
        return 0;
    }

    /** Flags win over environment variables, which win over the defaults. */
    ClinicSettings settings() {
        ClinicSettings d = ClinicSettings.defaults();
        Set<String> faultIds = new LinkedHashSet<>();
        String envFaults = env.get("CLINIC_FAULTS");
        if (envFaults != null) {
            for (String id : envFaults.split(",")) if (!id.isBlank()) faultIds.add(id.trim());
        }
        for (String id : faults) faultIds.add(id.trim());
        for (String id : faultIds) Fault.byId(id); // unknown id: IllegalArgumentException listing the valid ones
        String rel = pick(release, "CLINIC_RELEASE", d.release());
        if (!Releases.isKnown(rel)) {
            throw new IllegalArgumentException("unknown release '" + rel + "'; known releases: " + String.join(", ", Releases.known()));
        }
        return new ClinicSettings(rel,
                pick(db, "CLINIC_DB_URL", d.jdbcUrl()),
                pick(dbUser, "CLINIC_DB_USER", d.dbUser()),
                pick(dbPassword, "CLINIC_DB_PASSWORD", d.dbPassword()),
                pick(bind, "CLINIC_BIND", d.bindHost()),
                integer(port, "CLINIC_PORT", d.port()),
                faultIds,
                integer(pageSize, "CLINIC_PAGE_SIZE", d.pageSize()),
                pick(operatorSecret, "CLINIC_OPERATOR_SECRET", null),
                pick(accessLog, "CLINIC_ACCESS_LOG", d.accessLog()),
                bool(fhir, "CLINIC_FHIR", d.fhir()));
    }

    private String pick(String flag, String envName, String fallback) {
        if (flag != null) return flag;
        String v = env.get(envName);
        return v != null && !v.isEmpty() ? v : fallback;
    }

    private boolean bool(Boolean flag, String envName, boolean fallback) {
        if (flag != null) return flag;
        String v = env.get(envName);
        if (v == null || v.isBlank()) return fallback;
        if (v.trim().equalsIgnoreCase("true")) return true;
        if (v.trim().equalsIgnoreCase("false")) return false;
        throw new IllegalArgumentException(envName + " must be true or false, was '" + v + "'");
    }

    private int integer(Integer flag, String envName, int fallback) {
        if (flag != null) return flag;
        String v = env.get(envName);
        if (v == null || v.isBlank()) return fallback;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(envName + " must be a whole number, was '" + v + "'");
        }
    }
}
