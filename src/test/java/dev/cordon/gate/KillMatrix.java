package dev.cordon.gate;

import dev.cordon.GateProcess;
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
    public record Row(String fault, Set<String> expected, Set<String> raised, int exitCode, double seconds) {
        boolean caught() {
            return exitCode == 1 && raised.stream().anyMatch(expected::contains);
        }
    }

    public record CleanRun(long seed, int exitCode, Set<String> raised, double seconds) {
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

    public static void main(String[] args) throws Exception {
        int patients = intArg(args, "--patients", 20);
        int seeds = intArg(args, "--seeds", 5);
        KillMatrix matrix = new KillMatrix(new GateProcess(Path.of(".").toAbsolutePath().normalize()), System.out);
        Result result = matrix.run(patients, seeds);
        System.exit(result.caught() == result.rows().size() && result.falsePositives() == 0 && result.cleanRunsAllPassed() ? 0 : 1);
    }

    public Result run(int patients, int seeds) throws Exception {
        Instant started = Instant.now();
        List<String> faults = listFaults();
        Map<String, Set<String>> expectations = expectations();
        out.printf("kill matrix: %d faults from the clinic's catalogue, population %d patients per run, %d clean seeds%n",
                faults.size(), patients, seeds);
        List<Row> rows = new ArrayList<>();
        for (String fault : faults) {
            Set<String> expected = expectations.getOrDefault(fault, Set.of());
            List<String> args = new ArrayList<>(List.of("--fault", fault, "--patients", String.valueOf(patients), "--no-report"));
            if (!expected.contains("UI_MISMATCH")) {
                args.add("--skip-ui"); // the page check is for the page-only fault and the clean runs
            }
            Instant t = Instant.now();
            GateProcess.Outcome outcome = gate.run(Map.of(), args.toArray(String[]::new));
            Row row = new Row(fault, expected, new TreeSet<>(outcome.kinds()), outcome.exitCode(), secondsSince(t));
            rows.add(row);
            out.printf("  %-30s exit %d, raised %s -> %s (%.0f s)%n", fault, row.exitCode(), row.raised(),
                    row.caught() ? "caught" : "NOT CAUGHT (expected one of " + expected + ")", row.seconds());
        }
        List<CleanRun> clean = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
            Instant t = Instant.now();
            GateProcess.Outcome outcome = gate.run(Map.of(), "--patients", String.valueOf(patients), "--seed", String.valueOf(seed), "--no-report");
            CleanRun run = new CleanRun(seed, outcome.exitCode(), new TreeSet<>(outcome.kinds()), secondsSince(t));
            clean.add(run);
            out.printf("  clean seed %d: exit %d, raised %s (%.0f s)%n", seed, run.exitCode(), run.raised(), run.seconds());
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
        StringBuilder md = new StringBuilder("| fault | expected kind | kinds raised | gate exit | caught |\n|---|---|---|---|---|\n");
        for (Row row : result.rows()) {
            md.append("| %s | %s | %s | %d | %s |\n".formatted(row.fault(), String.join(" or ", row.expected()),
                    row.raised().isEmpty() ? "none" : String.join(", ", row.raised()), row.exitCode(), row.caught() ? "yes" : "**NO**"));
        }
        md.append("\n| clean release, seed | kinds raised | gate exit |\n|---|---|---|\n");
        for (CleanRun run : result.cleanRuns()) {
            md.append("| %d | %s | %d |\n".formatted(run.seed(), run.raised().isEmpty() ? "none" : String.join(", ", run.raised()), run.exitCode()));
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
        } catch (RuntimeException e) {
            out.println("kill matrix: could not add the matrix to the Allure report: " + e.getMessage());
        }
    }

    private List<String> listFaults() throws IOException, InterruptedException {
        Path jar = gate.projectDir().resolve("target/reference-clinic.jar");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(), "--list-faults")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("the clinic could not list its faults: " + output);
        }
        return output.lines().filter(l -> !l.isBlank()).map(l -> l.split("\\s+")[0]).toList();
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

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
