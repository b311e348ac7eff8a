package dev.cordon.gate;

import dev.cordon.config.EnvironmentConfig;
import dev.cordon.config.EnvironmentConfig.DeploymentKind;
import io.cucumber.gherkin.GherkinParser;
import io.cucumber.messages.types.Envelope;
import io.cucumber.messages.types.ParseError;
import io.cucumber.messages.types.Pickle;
import io.cucumber.messages.types.PickleTag;
import io.cucumber.tagexpressions.Expression;
import io.cucumber.tagexpressions.TagExpressionException;
import io.cucumber.tagexpressions.TagExpressionParser;
import org.testcontainers.DockerClientFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import dev.cordon.adapter.Network;
import dev.cordon.adapter.TlsContexts;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a run needs, checked after the configuration is validated and before anything is started or written: the
 * feature files parse and the tag filter selects something, a browser (binary and driver) when a selected scenario
 * checks the web page, a Docker engine for the containers deployment, and an external target that accepts a TCP
 * connection (a connect only: no HTTP request is sent). A miss is one line and exit 2, before seeding.
 *
 * <p>A missing browser at the paths the Debian packages install is installed on a Debian/Ubuntu machine where the gate
 * runs as root (apt-get update once, then apt-get install), unless --no-install was given. A browser configured at any
 * other path is never installed for: installing the package cannot make that path appear, so the gate refuses and
 * says which key to fix. Feature files are parsed with the Gherkin parser Cucumber itself uses, so a parse error is
 * reported with file and line before a single scenario runs (Cucumber would report it as a discovery issue that fails
 * its whole engine, which the gate would otherwise only see as "no scenario ran").
 */
final class Preflight {
    /** apt-get on a slow mirror: bounded so a hung download cannot hold a CI job forever. */
    static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);
    /** Between TCP connects while verify waits for a freshly deployed target. */
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

    /** The run cannot start: exit 2, nothing was sent to the target. */
    static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message);
        }
    }

    /** The scenarios of the feature files, and how many of them the run's tag filter selects (and of those, @ui). */
    record Scenarios(int total, int selected, int ui) {
    }

    /** Why no Docker engine answers, or empty when one does. */
    interface DockerProbe {
        Optional<String> problem();
    }

    /** A way to install missing executables: the commands, the paths they provide, and why it cannot run here (or null). */
    record Installer(String packages, List<List<String>> commands, Set<Path> provides, String unavailableBecause) {
        static final Path CHROMIUM = Path.of("/usr/bin/chromium");
        static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

        /** Debian's chromium and chromium-driver packages, which install /usr/bin/chromium and /usr/bin/chromedriver. */
        static Installer debianChromium() {
            String why = !Files.isRegularFile(Path.of("/etc/debian_version")) ? "this is not a Debian/Ubuntu machine"
                    : !Files.isExecutable(Path.of("/usr/bin/apt-get")) ? "there is no /usr/bin/apt-get"
                    : !runsAsRoot() ? "the gate does not run as root" : null;
            return new Installer("chromium chromium-driver",
                    List.of(List.of("apt-get", "update", "-qq"), List.of("apt-get", "install", "-y", "-qq", "chromium", "chromium-driver")),
                    Set.of(CHROMIUM, CHROMEDRIVER), why);
        }

        String commandLine() {
            return commands.stream().map(c -> String.join(" ", c)).collect(Collectors.joining(" && "));
        }

        private static boolean runsAsRoot() {
            try {
                return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
            } catch (RuntimeException | LinkageError notUnix) {
                return false;
            }
        }
    }

    private final EnvironmentConfig env;
    private final Phase phase;
    private final PrintStream out;
    private final Path workDir;
    private final boolean installAllowed;
    private final Installer installer;
    private final DockerProbe docker;

    Preflight(EnvironmentConfig env, Phase phase, PrintStream out, Path workDir, boolean installAllowed) {
        this(env, phase, out, workDir, installAllowed, Installer.debianChromium(), Preflight::dockerProblem);
    }

    Preflight(EnvironmentConfig env, Phase phase, PrintStream out, Path workDir, boolean installAllowed, Installer installer,
              DockerProbe docker) {
        this.env = env;
        this.phase = phase;
        this.out = out;
        this.workDir = workDir;
        this.installAllowed = installAllowed;
        this.installer = installer;
        this.docker = docker;
    }

    /** Every check, cheapest first. Cleanup runs no scenario, so it needs neither feature files nor a browser. */
    Scenarios run(Path featuresDir, String tags, boolean pageCheckOff) {
        Scenarios scenarios = phase == Phase.cleanup ? new Scenarios(0, 0, 0)
                : scenarios(featuresDir, tags, pageCheckOff, new dev.cordon.gherkin.ProfileScope(env.target().profileName()));
        if (phase != Phase.cleanup) {
            GherkinPreflight.check(featureFiles(featuresDir), new dev.cordon.gherkin.ProfileScope(env.target().profileName()),
                    profilesDir(), Preflight::display);
        }
        browser(scenarios);
        docker();
        target();
        return scenarios;
    }

    /** The Cucumber tag filter of a run: the user's --tags, and "not @ui" when the page check is off. Null for none. */
    static String tagFilter(String tags, boolean pageCheckOff) {
        List<String> filters = new ArrayList<>();
        if (tags != null && !tags.isBlank()) {
            filters.add("(" + tags + ")");
        }
        if (pageCheckOff) {
            filters.add("not @ui");
        }
        return filters.isEmpty() ? null : String.join(" and ", filters);
    }

    // --- feature files and the tag filter ---

    static Scenarios scenarios(Path featuresDir, String tags, boolean pageCheckOff) {
        return scenarios(featuresDir, tags, pageCheckOff, new dev.cordon.gherkin.ProfileScope(null));
    }

    /** As above, counting only the scenarios of this profile's scope (features tagged for other profiles are not there). */
    static Scenarios scenarios(Path featuresDir, String tags, boolean pageCheckOff, dev.cordon.gherkin.ProfileScope scope) {
        Expression filter = parseTags(tags, pageCheckOff);
        List<Path> files = featureFiles(featuresDir);
        if (files.isEmpty()) {
            throw new Refusal("no feature files (*.feature) under " + display(featuresDir) + ": there is nothing to check");
        }
        GherkinParser parser = GherkinParser.builder().includeSource(false).includeGherkinDocument(false).includePickles(true).build();
        List<String> errors = new ArrayList<>();
        int total = 0;
        int selected = 0;
        int ui = 0;
        for (Path file : files) {
            List<Envelope> envelopes;
            try (Stream<Envelope> parsed = parser.parse(file)) {
                envelopes = parsed.toList();
            } catch (IOException e) {
                throw new Refusal("cannot read feature file " + display(file) + ": " + e.getMessage());
            }
            for (Envelope envelope : envelopes) {
                envelope.getParseError().ifPresent(error -> errors.add(describe(file, error)));
                Optional<Pickle> pickle = envelope.getPickle();
                if (pickle.isPresent()) {
                    List<String> tagNames = pickle.get().getTags().stream().map(PickleTag::getName).toList();
                    if (!scope.includes(tagNames)) {
                        continue;
                    }
                    total++;
                    if (filter.evaluate(tagNames)) {
                        selected++;
                        if (tagNames.contains("@ui")) {
                            ui++;
                        }
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new Refusal("feature file " + errors.get(0) + (errors.size() == 1 ? ""
                    : "; and " + (errors.size() - 1) + " more: " + errors.stream().skip(1).map(e -> e.substring(0, e.indexOf(' ')))
                    .collect(Collectors.joining(", "))) + " (no scenario was run)");
        }
        if (selected == 0) {
            throw new Refusal((tags == null || tags.isBlank() ? "no scenario" : "--tags \"" + tags + "\"" + (pageCheckOff ? " with the page check off" : "")
                    + " selects none") + " of the " + total + " scenarios in " + display(featuresDir) + ": there is nothing to check");
        }
        return new Scenarios(total, selected, ui);
    }

    private static Expression parseTags(String tags, boolean pageCheckOff) {
        if (tags != null && !tags.isBlank()) {
            try {
                TagExpressionParser.parse(tags);
            } catch (TagExpressionException e) {
                throw new Refusal("--tags \"" + tags + "\" is not a tag expression: " + e.getMessage()
                        + " (write e.g. \"@isolation and not @ui\")");
            }
        }
        String filter = tagFilter(tags, pageCheckOff);
        return filter == null ? tagNames -> true : TagExpressionParser.parse(filter);
    }

    /** environments/profiles beside the environment file: where @profile: tags must find their profile. */
    private Path profilesDir() {
        Path file = Path.of(env.file());
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of("environments/profiles") : parent.resolve("profiles");
    }

    static List<Path> featureFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".feature") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** "features/ui/x.feature:4:3 does not parse: expected: ..., got '...'" (the parser's own "(4:3): " prefix moved to the file). */
    private static String describe(Path file, ParseError error) {
        String message = error.getMessage() == null ? "unparseable" : error.getMessage().replaceFirst("^\\(\\d+:\\d+\\): ", "");
        String where = error.getSource().getLocation()
                .map(l -> ":" + l.getLine() + l.getColumn().map(c -> ":" + c).orElse("")).orElse("");
        return display(file) + where + " does not parse: " + message;
    }

    static String display(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath();
        return absolute.startsWith(cwd) ? cwd.relativize(absolute).toString() : absolute.toString();
    }

    // --- the browser of the page check ---

    private void browser(Scenarios scenarios) {
        boolean pageChecked = (phase == Phase.rehearse || phase == Phase.verify) && scenarios.ui() > 0;
        if (!pageChecked) {
            return;
        }
        EnvironmentConfig.Browser browser = env.browser();
        if (browser.remoteUrl() != null) {
            URI grid = URI.create(browser.remoteUrl());
            connectOrRefuse(grid, "browser.remoteUrl", Duration.ZERO, "the Selenium Grid");
            return;
        }
        Map<String, Path> missing = missingExecutables();
        if (missing.isEmpty()) {
            return;
        }
        String what = describeMissing(missing);
        String skipUi = "or run with --skip-ui (the verdict then says the page was not checked)";
        if (!installer.provides().containsAll(missing.values())) {
            throw new Refusal(what + "; installing " + installer.packages() + " would not put one there: point "
                    + missing.keySet().stream().map(k -> k + (k.equals("browser.binary") ? " (CORDON_CHROMIUM)" : " (CORDON_CHROMEDRIVER)"))
                    .collect(Collectors.joining(" and ")) + " at an executable, " + skipUi);
        }
        if (!installAllowed) {
            throw new Refusal(what + " and --no-install was given: install it with `" + installer.commandLine() + "`, " + skipUi);
        }
        if (installer.unavailableBecause() != null) {
            throw new Refusal(what + ", and it cannot be installed here (" + installer.unavailableBecause() + "): install it "
                    + "(Debian/Ubuntu, as root: `" + installer.commandLine() + "`), " + skipUi);
        }
        install(missing);
        Map<String, Path> stillMissing = missingExecutables();
        if (!stillMissing.isEmpty()) {
            throw new Refusal("after `" + installer.commandLine() + "`, " + describeMissing(stillMissing) + "; " + skipUi);
        }
    }

    private Map<String, Path> missingExecutables() {
        Map<String, Path> missing = new LinkedHashMap<>();
        Map<String, String> configured = new LinkedHashMap<>();
        configured.put("browser.binary", env.browser().binary());
        configured.put("browser.driver", env.browser().driver());
        configured.forEach((key, value) -> {
            Path path = Path.of(value);
            if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
                missing.put(key, path);
            }
        });
        return missing;
    }

    /** "Chromium at /usr/bin/chromium (browser.binary) and chromedriver at ... (browser.driver)" */
    private static String executables(Map<String, Path> missing) {
        return missing.entrySet().stream()
                .map(e -> (e.getKey().equals("browser.binary") ? "Chromium" : "chromedriver") + " at " + e.getValue() + " (" + e.getKey() + ")")
                .collect(Collectors.joining(" and "));
    }

    private String describeMissing(Map<String, Path> missing) {
        return "the web page check needs " + executables(missing) + " of " + env.file() + ", and there is none";
    }

    private void install(Map<String, Path> missing) {
        out.println("cordon: preflight: no " + executables(missing) + "; installing " + installer.packages() + " (" + installer.commandLine() + ") ...");
        Path log = workDir.resolve("preflight-install.log");
        try {
            Files.createDirectories(workDir);
            Files.deleteIfExists(log);
            for (List<String> command : installer.commands()) {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
                Process process = builder.start();
                if (!process.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new Refusal("`" + String.join(" ", command) + "` did not finish within " + INSTALL_TIMEOUT.toMinutes()
                            + " minutes; see " + display(log));
                }
                if (process.exitValue() != 0) {
                    throw new Refusal("`" + String.join(" ", command) + "` failed (exit " + process.exitValue() + "): "
                            + lastLine(log) + "; see " + display(log) + ", or run with --skip-ui");
                }
            }
        } catch (IOException e) {
            throw new Refusal("cannot run `" + installer.commandLine() + "`: " + e.getMessage() + "; or run with --skip-ui");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal("interrupted while installing " + installer.packages());
        }
    }

    private static String lastLine(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("no output");
        } catch (IOException | UncheckedIOException e) {
            return "no output";
        }
    }

    // --- Docker for the containers deployment ---

    private void docker() {
        if (env.deployment().kind() != DeploymentKind.containers) {
            return;
        }
        docker.problem().ifPresent(problem -> {
            throw new Refusal("the containers deployment of " + env.file() + " needs a Docker engine: " + problem
                    + "; start one (docs/containers.md) or use --env local");
        });
    }

    /** The same question ContainerDeployment asks (Testcontainers' own detection: DOCKER_HOST, the socket, its config). */
    private static Optional<String> dockerProblem() {
        try {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return Optional.empty();
            }
            String host = System.getenv("DOCKER_HOST");
            return Optional.of("no Docker engine answers (" + (host == null ? "no DOCKER_HOST, and /var/run/docker.sock does not answer"
                    : "DOCKER_HOST=" + host) + ")");
        } catch (RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    // --- an external target ---

    /**
     * An external target must accept a TCP connection. Verify runs right after the pipeline's deploy, so it waits for
     * one up to deployment.healthTimeoutSeconds; the other phases run against a target that should already be up.
     */
    private void target() {
        if (env.deployment().kind() != DeploymentKind.external) {
            return;
        }
        Duration patience = phase == Phase.verify ? env.deployment().healthTimeout() : Duration.ZERO;
        URI target = URI.create(env.deployment().baseUrl());
        Network network = env.target().network();
        if (network.proxied(target.getHost())) {
            connectOrRefuse(network.proxy(), "target.proxy", patience, "the proxy");
        } else {
            connectOrRefuse(target, "deployment.baseUrl", patience, "the target");
        }
        if ("https".equalsIgnoreCase(target.getScheme())) {
            // A handshake only, with the trust the run will use: an untrusted, expired or misnamed certificate is a
            // configuration matter (exit 2, nothing sent), not an infrastructure failure discovered mid-run.
            TlsContexts.handshakeProblem(target, network, TlsContexts.build(network), env.target().connectTimeout()).ifPresent(problem -> {
                throw new Refusal("the target (deployment.baseUrl in %s) is not trusted for TLS: %s. Trust its authority with "
                        .formatted(env.file(), problem) + "target.tls.caBundle (PEM) or target.tls.trustStore, or check the certificate"
                        + " the target serves");
            });
        }
    }

    private void connectOrRefuse(URI uri, String key, Duration patience, String what) {
        String host = uri.getHost();
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        Duration timeout = env.target().connectTimeout();
        long deadline = System.nanoTime() + patience.toNanos();
        boolean waiting = false;
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                return;
            } catch (UnknownHostException e) {
                throw new Refusal("%s (%s in %s): host %s does not resolve".formatted(what, key, env.file(), host));
            } catch (IOException e) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new Refusal("%s (%s in %s) does not accept a TCP connection at %s:%d%s: %s (connect timeout %d ms, target.connectTimeoutMillis)"
                            .formatted(what, key, env.file(), host, port,
                                    waiting ? " after waiting " + patience.toSeconds() + " s (deployment.healthTimeoutSeconds)" : "",
                                    e.getMessage(), timeout.toMillis()));
                }
                if (!waiting) {
                    out.printf("cordon: preflight: waiting up to %d s (deployment.healthTimeoutSeconds) for %s:%d to accept connections (%s)%n",
                            patience.toSeconds(), host, port, e.getMessage());
                    waiting = true;
                }
                try {
                    Thread.sleep(Math.min(RECONNECT_PAUSE.toMillis(), Math.max(1, left / 1_000_000)));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new Refusal("interrupted while waiting for " + host + ":" + port);
                }
            }
        }
    }
}
