package dev.cordon.gate;

import dev.cordon.GateProcess;
import dev.cordon.config.EnvironmentConfig;
import dev.cordon.config.EnvironmentLoader;
import dev.cordon.config.Overrides;
import dev.cordon.profile.Releases;
import dev.cordon.report.AllureReport;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Proven detection: asks the reference clinic for its fault catalogue, runs the gate once per fault and once per seed
 * on the clean release, and prints fault x finding kinds raised. A fault counts as caught when the gate failed (exit 1)
 * with one of the kinds its catalogue row implies; a clean run with any finding is a false positive.
 */
public final class KillMatrix {
    public record Row(String fault, Set<String> expected, Set<String> raised, int exitCode, double seconds, String update) {
        public Row(String fault, Set<String> expected, Set<String> raised, int exitCode, double seconds) {
            this(fault, expected, raised, exitCode, seconds, "");
        }

        boolean caught() {
            return exitCode == 1 && raised.stream().anyMatch(expected::contains);
        }
    }

    public record CleanRun(long seed, int exitCode, Set<String> raised, double seconds, String update) {
        public CleanRun(long seed, int exitCode, Set<String> raised, double seconds) {
            this(seed, exitCode, raised, seconds, "");
        }

        boolean falsePositive() {
            return !raised.isEmpty() || exitCode == 1;
        }
    }

    public record Result(List<Row> rows, List<CleanRun> cleanRuns, double seconds, int patients) {
        public long caught() {
            return rows.stream().filter(Row::caught).count();
        }

        public long falsePositives() {
            return cleanRuns.stream().filter(CleanRun::falsePositive).count();
        }

        public boolean cleanRunsAllPassed() {
            return cleanRuns.stream().allMatch(c -> c.exitCode() == 0);
        }

        public String lastLine() {
            return "kill rate: %d/%d, false positives: %d".formatted(caught(), rows.size(), falsePositives());
        }
    }

    private final GateProcess gate;
    private final PrintStream out;

    public KillMatrix(GateProcess gate, PrintStream out) {
        this.gate = gate;
        this.out = out;
    }

    /** A fault of the clinic's catalogue: its id and the first release on which it has an effect. */
    public record CatalogueFault(String id, String since) {
        /** Faults of the FHIR face run against the FHIR environment, all others against the JSON API ones. */
        boolean fhir() {
            return id.startsWith("fhir-");
        }
    }

    /** The releases a run rehearses: the environment's, or the update to the release that introduced the fault. */
    record Update(String from, String to) {
        List<String> args(Update environment) {
            return equals(environment) ? List.of() : List.of("--from", from, "--to", to);
        }

        @Override
        public String toString() {
            return from + " -> " + to;
        }
    }

    public static void main(String[] args) throws Exception {
        int patients = intArg(args, "--patients", 20);
        int seeds = intArg(args, "--seeds", 5);
        String env = textArg(args, "--env", "local");
        KillMatrix matrix = new KillMatrix(new GateProcess(Path.of(".").toAbsolutePath().normalize()), System.out);
        Result result = matrix.run(env, patients, seeds);
        System.exit(result.caught() == result.rows().size() && result.falsePositives() == 0 && result.cleanRunsAllPassed() ? 0 : 1);
    }

    /** The matrix on the default environment (the reference clinic's JSON API). */
    public Result run(int patients, int seeds) throws Exception {
        return run("local", patients, seeds);
    }

    /**
     * The matrix on one environment: every catalogue fault of that environment's face (the FHIR faults when the
     * environment serves the FHIR face, the others otherwise), each on the environment's update or, for a fault
     * introduced later, on the update to its release. The clean release runs once per seed on the environment's
     * update and once more on every later update a fault needed, so each release's clean path is proven too.
     */
    public Result run(String env, int patients, int seeds) throws Exception {
        Instant started = Instant.now();
        EnvironmentConfig config = new EnvironmentLoader(gate.projectDir().resolve("environments"), System.getenv())
                .load(env, Overrides.none());
        Update environment = new Update(config.fromRelease(), config.toRelease());
        boolean fhir = config.deployment().fhir();
        List<CatalogueFault> faults = listFaults().stream().filter(f -> f.fhir() == fhir).toList();
        Map<String, Set<String>> expectations = expectations();
        Map<String, String> releaseEnvironments = fhir ? Map.of() : releaseEnvironments();
        out.printf("kill matrix on environment %s (%s): %d faults from the clinic's catalogue, population %d patients per run, %d clean seeds%n",
                env, environment, faults.size(), patients, seeds);
        List<Row> rows = new ArrayList<>();
        Set<Update> laterUpdates = new LinkedHashSet<>();
        Set<String> otherEnvironments = new LinkedHashSet<>();
        for (CatalogueFault fault : faults) {
            Set<String> expected = expectations.getOrDefault(fault.id(), Set.of());
            String faultEnv = releaseEnvironments.getOrDefault(fault.since(), env);
            List<String> args = new ArrayList<>(List.of("--env", faultEnv, "--fault", fault.id(), "--patients", String.valueOf(patients), "--no-report"));
            Update update;
            if (!faultEnv.equals(env)) {
                // A release whose API the environment's profile does not describe runs on the environment made for it.
                EnvironmentConfig other = new EnvironmentLoader(gate.projectDir().resolve("environments"), System.getenv())
                        .load(faultEnv, Overrides.none());
                update = new Update(other.fromRelease(), other.toRelease());
                otherEnvironments.add(faultEnv);
            } else {
                update = Releases.atLeast(environment.to(), fault.since()) ? environment : new Update(environment.to(), fault.since());
                if (!update.equals(environment)) {
                    laterUpdates.add(update);
                }
                args.addAll(update.args(environment));
            }
            if (!expected.contains("UI_MISMATCH")) {
                args.add("--skip-ui"); // the page check is for the page-only fault and the clean runs
            }
            Instant t = Instant.now();
            GateProcess.Outcome outcome = gate.run(Map.of(), args.toArray(String[]::new));
            Row row = new Row(fault.id(), expected, new TreeSet<>(outcome.kinds()), outcome.exitCode(), secondsSince(t),
                    update + (faultEnv.equals(env) ? "" : " (env " + faultEnv + ")"));
            rows.add(row);
            out.printf("  %-34s %s, exit %d, raised %s -> %s (%.0f s)%n", fault.id(), update, row.exitCode(), row.raised(),
                    row.caught() ? "caught" : "NOT CAUGHT (expected one of " + expected + ")", row.seconds());
            if (!row.caught()) {
                out.println(indent(tail(outcome.console(), 25)));
            }
        }
        List<CleanRun> clean = new ArrayList<>();
        List<Update> cleanUpdates = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
            cleanUpdates.add(environment);
        }
        cleanUpdates.addAll(laterUpdates);
        long seed = 0;
        for (Update update : cleanUpdates) {
            seed++;
            List<String> args = new ArrayList<>(List.of("--env", env, "--patients", String.valueOf(patients), "--seed", String.valueOf(seed), "--no-report"));
            args.addAll(update.args(environment));
            Instant t = Instant.now();
            GateProcess.Outcome outcome = gate.run(Map.of(), args.toArray(String[]::new));
            CleanRun run = new CleanRun(seed, outcome.exitCode(), new TreeSet<>(outcome.kinds()), secondsSince(t), update.toString());
            clean.add(run);
            out.printf("  clean seed %d, %s: exit %d, raised %s (%.0f s)%n", seed, update, run.exitCode(), run.raised(), run.seconds());
            if (run.exitCode() != 0) {
                out.println(indent(tail(outcome.console(), 25)));
            }
        }
        for (String other : otherEnvironments) {
            seed++;
            Instant t = Instant.now();
            GateProcess.Outcome outcome = gate.run(Map.of(), "--env", other, "--patients", String.valueOf(patients), "--seed",
                    String.valueOf(seed), "--no-report");
            CleanRun run = new CleanRun(seed, outcome.exitCode(), new TreeSet<>(outcome.kinds()), secondsSince(t), "env " + other);
            clean.add(run);
            out.printf("  clean seed %d, env %s: exit %d, raised %s (%.0f s)%n", seed, other, run.exitCode(), run.raised(), run.seconds());
            if (run.exitCode() != 0) {
                out.println(indent(tail(outcome.console(), 25)));
            }
        }
        Result result = new Result(rows, clean, secondsSince(started), patients);
        String markdown = markdown(result);
        Path file = gate.projectDir().resolve("target/cordon/kill-matrix.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, markdown);
        out.println();
        out.print(markdown);
        attachToReport(markdown, result);
        out.printf("matrix written to %s; whole matrix in %.0f s%n", gate.projectDir().relativize(file), result.seconds());
        out.println(result.lastLine());
        return result;
    }

    static String markdown(Result result) {
        StringBuilder md = new StringBuilder("| fault | update | expected kind | kinds raised | gate exit | caught |\n|---|---|---|---|---|---|\n");
        for (Row row : result.rows()) {
            md.append("| %s | %s | %s | %s | %d | %s |\n".formatted(row.fault(), row.update(), String.join(" or ", row.expected()),
                    row.raised().isEmpty() ? "none" : String.join(", ", row.raised()), row.exitCode(), row.caught() ? "yes" : "**NO**"));
        }
        md.append("\n| clean release, seed | update | kinds raised | gate exit |\n|---|---|---|---|\n");
        for (CleanRun run : result.cleanRuns()) {
            md.append("| %d | %s | %s | %d |\n".formatted(run.seed(), run.update(), run.raised().isEmpty() ? "none" : String.join(", ", run.raised()), run.exitCode()));
        }
        md.append("\n%d patients per run; %.0f s in all.\n\n%s\n".formatted(result.patients(), result.seconds(), result.lastLine()));
        return md.toString();
    }

    /** Adds the matrix to the last run's Allure results as a result of its own, then generates the report. */
    private void attachToReport(String markdown, Result result) {
        Path root = gate.projectDir();
        try {
            AllureReport report = new AllureReport(root.resolve("target/allure-results"), root.resolve("target/allure-report"),
                    root.resolve("target/allure-cli"));
            report.addRunResult("cordon-kill-matrix", "Kill matrix: every catalogue fault caught, no false alarms", "Proven detection",
                    result.caught() == result.rows().size() && result.falsePositives() == 0, result.lastLine(),
                    Map.of("kill-matrix.md", markdown), System.currentTimeMillis() - (long) (result.seconds() * 1000));
            report.generate();
            // generate() rewrites index.html: put the last run's verdict strip and page back.
            Path summary = root.resolve("target/cordon/summary.json");
            if (Files.exists(summary)) {
                String json = Files.readString(summary);
                report.addVerdict(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json), json);
            }
        } catch (RuntimeException | IOException e) {
            out.println("kill matrix: could not add the matrix to the Allure report: " + e.getMessage());
        }
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String indent(String text) {
        return text.lines().map(l -> "      | " + l).collect(java.util.stream.Collectors.joining("\n"));
    }

    private List<CatalogueFault> listFaults() throws IOException, InterruptedException {
        Path jar = gate.projectDir().resolve("target/reference-clinic.jar");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(), "--list-faults")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("the clinic could not list its faults: " + output);
        }
        return output.lines().filter(l -> !l.isBlank()).map(KillMatrix::catalogueLine).toList();
    }

    /** One line of --list-faults: {@code <id> — <what goes wrong> (from release <R>)}. */
    static CatalogueFault catalogueLine(String line) {
        java.util.regex.Matcher since = java.util.regex.Pattern.compile("\\(from release ([0-9][0-9.]*)\\)\\s*$").matcher(line);
        if (!since.find()) {
            throw new IllegalStateException("the clinic's fault line names no first release: " + line);
        }
        return new CatalogueFault(line.split("\\s+")[0], since.group(1));
    }

    /**
     * Releases whose API the default environment's profile does not describe, and the environment made for each
     * (kill-matrix-environments.properties): their faults, and one clean run, run there.
     */
    static Map<String, String> releaseEnvironments() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = KillMatrix.class.getResourceAsStream("/kill-matrix-environments.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        Map<String, String> environments = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(release -> environments.put(release, properties.getProperty(release).trim()));
        return environments;
    }

    static Map<String, Set<String>> expectations() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = KillMatrix.class.getResourceAsStream("/kill-matrix-expectations.properties")) {
            properties.load(in);
        }
        Map<String, Set<String>> expectations = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(fault -> expectations.put(fault,
                new LinkedHashSet<>(Arrays.stream(properties.getProperty(fault).split(",")).map(String::trim).toList())));
        return expectations;
    }

    private static double secondsSince(Instant start) {
        return Duration.between(start, Instant.now()).toMillis() / 1000.0;
    }

    private static String textArg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
