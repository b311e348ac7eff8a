package dev.cordon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the gate as CI does, in a separate JVM, and hands back its exit code, console and summary. For integration tests. */
public final class GateProcess {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path projectDir;

    public GateProcess(Path projectDir) {
        this.projectDir = projectDir;
    }

    public static GateProcess forThisProject() {
        return new GateProcess(Path.of(System.getProperty("cordon.project.dir", ".")).toAbsolutePath());
    }

    public Path projectDir() {
        return projectDir;
    }

    public record Outcome(int exitCode, String console, JsonNode summary, long seconds) {
        /** The kinds of the run's findings: from the counts (every finding), else from summary.json's sample. */
        public List<String> kinds() {
            List<String> kinds = new ArrayList<>();
            JsonNode byKind = summary.path("counts").path("findingsByKind");
            if (byKind.isObject() && byKind.size() > 0) {
                byKind.fieldNames().forEachRemaining(kinds::add);
                return kinds;
            }
            summary.path("findings").forEach(f -> kinds.add(f.path("kind").asText()));
            return kinds;
        }

        public String verdict() {
            return summary.path("verdict").asText();
        }
    }

    public Outcome run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return runIn(projectDir, env, args);
    }

    /** Runs with another project directory (its environments/), but this project's classes and features. */
    public Outcome runIn(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath(), "dev.cordon.gate.GateMain",
                "--project-dir", dir.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(projectDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Path log = Files.createTempFile("cordon-gate", ".out");
        builder.redirectOutput(log.toFile());
        Path summary = dir.resolve("target/cordon/summary.json");
        Files.deleteIfExists(summary);
        long started = System.nanoTime();
        Process process = builder.start();
        try {
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                // SIGTERM first: the gate's shutdown hooks stop what it started (containers, the clinic).
                process.destroy();
                process.waitFor(30, TimeUnit.SECONDS);
                throw new IllegalStateException("the gate did not finish in 15 minutes: " + String.join(" ", args)
                        + "\n" + Files.readString(log));
            }
            String console = Files.readString(log);
            JsonNode node = Files.exists(summary) ? JSON.readTree(summary.toFile()) : JSON.createObjectNode();
            return new Outcome(process.exitValue(), console, node, (System.nanoTime() - started) / 1_000_000_000L);
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    private String classpath() throws IOException {
        return classpath(projectDir);
    }

    /** The gate's classpath as a Maven build of {@code projectDir} left it (classes, test classes, dependencies). */
    public static String classpath(Path projectDir) throws IOException {
        Path deps = projectDir.resolve("target/cordon-classpath.txt");
        return projectDir.resolve("target/test-classes") + File.pathSeparator + projectDir.resolve("target/classes")
                + File.pathSeparator + Files.readString(deps).trim();
    }

    /** The java launcher of the JVM running the tests. */
    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Copies a directory tree (a project's environments/ or features/ into a test's own project directory). */
    public static void copyTree(Path from, Path to) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
