package dev.cordon.gate;

import dev.cordon.config.EnvironmentConfig;
import dev.cordon.config.EnvironmentLoader;
import dev.cordon.config.Overrides;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The preflight on real files, real processes and real sockets: fake browsers are temporary executables, the installer
 * runs real shell commands standing in for apt-get, the target is a real listening socket on 127.0.0.1.
 */
class PreflightTest {
    private static final String API_FEATURE = """
            @isolation
            Feature: listings
              Scenario: own recordings only
                Given a synthetic population with recorded consultations on the release before the update
                Then every patient's listings hold exactly their own items

              Scenario: after the update
                Then every patient's listings hold exactly their own items
            """;
    private static final String UI_FEATURE = """
            @ui
            Feature: the web page
              Scenario: the page shows own recordings
                Then the web replays page of every sampled patient holds exactly their own recordings
            """;
    private static final Optional<String> DOCKER_ANSWERS = Optional.empty();

    @TempDir
    Path dir;
    private Path features;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeEach
    void project() throws IOException {
        Files.createDirectories(dir.resolve("environments/profiles"));
        Files.copy(Path.of("environments/profiles/reference-clinic.yaml"), dir.resolve("environments/profiles/reference-clinic.yaml"));
        features = dir.resolve("features");
        Files.createDirectories(features.resolve("isolation"));
        Files.createDirectories(features.resolve("ui"));
        Files.writeString(features.resolve("isolation/listings.feature"), API_FEATURE);
        Files.writeString(features.resolve("ui/page.feature"), UI_FEATURE);
    }

    // --- feature files and tags ---

    @Test
    void wellFormedFeaturesAreCountedWithTheirTagFilter() {
        assertThat(Preflight.scenarios(features, null, false)).isEqualTo(new Preflight.Scenarios(3, 3, 1));
        assertThat(Preflight.scenarios(features, null, true)).isEqualTo(new Preflight.Scenarios(3, 2, 0));
        assertThat(Preflight.scenarios(features, "@ui", false)).isEqualTo(new Preflight.Scenarios(3, 1, 1));
        assertThat(Preflight.scenarios(features, "not @ui", false)).isEqualTo(new Preflight.Scenarios(3, 2, 0));
    }

    @Test
    void aFeatureThatDoesNotParseIsNamedWithFileLineAndTheParsersMessage() throws IOException {
        Files.writeString(features.resolve("isolation/broken.feature"), """
                Feature: broken
                  Scenario: one
                    Given a thing
                  Scenari: a typo
                    Then oops
                """);
        assertThatThrownBy(() -> Preflight.scenarios(features, null, false)).isInstanceOf(Preflight.Refusal.class)
                .hasMessageContaining("broken.feature:4:3 does not parse")
                .hasMessageContaining("got 'Scenari: a typo'")
                .hasMessageContaining("no scenario was run");
    }

    @Test
    void everyBrokenFileIsListed() throws IOException {
        Files.writeString(features.resolve("isolation/a.feature"), "Feature: a\n  Scenario: x\n    Given y\n  Oops\n");
        Files.writeString(features.resolve("ui/b.feature"), "Scenario without a feature\n");
        assertThatThrownBy(() -> Preflight.scenarios(features, null, false))
                .hasMessageContaining("a.feature:4").hasMessageContaining("and 1 more").hasMessageContaining("b.feature:1");
    }

    @Test
    void aBadTagExpressionOrAFilterThatSelectsNothingIsRefused() {
        assertThatThrownBy(() -> Preflight.scenarios(features, "@isolation and", false)).isInstanceOf(Preflight.Refusal.class)
                .hasMessageContaining("--tags \"@isolation and\" is not a tag expression");
        assertThatThrownBy(() -> Preflight.scenarios(features, "@nosuchtag", false))
                .hasMessageContaining("--tags \"@nosuchtag\" selects none of the 3 scenarios");
        assertThatThrownBy(() -> Preflight.scenarios(features, "@ui", true))
                .hasMessageContaining("with the page check off selects none");
    }

    @Test
    void noFeatureFilesIsNothingToCheck() {
        assertThatThrownBy(() -> Preflight.scenarios(dir.resolve("nothing-here"), null, false))
                .isInstanceOf(Preflight.Refusal.class).hasMessageContaining("no feature files");
    }

    // --- the browser ---

    @Test
    void executablesAtTheConfiguredPathsPass() throws IOException {
        Path chromium = executable("bin/chromium");
        Path driver = executable("bin/chromedriver");
        preflight(embedded(chromium, driver), Phase.rehearse, true, installer("exit 1", Set.of())).run(features, null, false);
        assertThat(console.toString()).isEmpty();
    }

    @Test
    void withNoInstallAMissingBrowserIsRefusedWithTheCommandToRun() throws IOException {
        Path chromium = dir.resolve("usr/bin/chromium");
        Path driver = executable("usr/bin/chromedriver");
        Path ran = dir.resolve("installer-ran");
        Preflight.Installer installer = installer("touch " + ran, Set.of(chromium, driver));
        assertThatThrownBy(() -> preflight(embedded(chromium, driver), Phase.rehearse, false, installer).run(features, null, false))
                .isInstanceOf(Preflight.Refusal.class)
                .hasMessageContaining("Chromium at " + chromium + " (browser.binary)")
                .hasMessageContaining("--no-install")
                .hasMessageContaining("install it with `sh -c touch " + ran + "`")
                .hasMessageContaining("--skip-ui")
                .hasMessageNotContaining("chromedriver at");
        assertThat(ran).as("the installer with --no-install").doesNotExist();
    }

    @Test
    void aBrowserConfiguredOutsideThePackagesPathsIsNeverInstalledFor() throws IOException {
        // CORDON_CHROMIUM=/nonexistent/chromium while the package's path exists: only the configured path counts
        Path packaged = executable("usr/bin/chromium");
        Path driver = executable("usr/bin/chromedriver");
        Path configured = dir.resolve("nonexistent/chromium");
        Path ran = dir.resolve("installer-ran");
        Preflight.Installer installer = installer("touch " + ran, Set.of(packaged, driver));
        assertThatThrownBy(() -> preflight(embedded(configured, driver), Phase.rehearse, true, installer).run(features, null, false))
                .hasMessageContaining("Chromium at " + configured)
                .hasMessageContaining("would not put one there")
                .hasMessageContaining("--skip-ui");
        assertThat(ran).doesNotExist();
        assertThat(console.toString()).doesNotContain("installing");
    }

    @Test
    void aMissingBrowserIsInstalledSaidInOneLineAndCheckedAgain() throws IOException {
        Path chromium = dir.resolve("usr/bin/chromium");
        Path driver = dir.resolve("usr/bin/chromedriver");
        Preflight.Installer installer = new Preflight.Installer("chromium chromium-driver", List.of(
                List.of("sh", "-c", "mkdir -p " + chromium.getParent()),
                List.of("sh", "-c", "printf '#!/bin/sh\\n' > " + chromium + " && cp " + chromium + " " + driver + " && chmod +x " + chromium + " " + driver)),
                Set.of(chromium, driver), null);
        preflight(embedded(chromium, driver), Phase.rehearse, true, installer).run(features, null, false);
        assertThat(console.toString().lines().toList()).singleElement().asString()
                .startsWith("cordon: preflight: no Chromium at " + chromium).contains("installing chromium chromium-driver");
        assertThat(chromium).isExecutable();
    }

    @Test
    void anInstallThatFailsOrProvidesNothingIsRefusedWithWhatItSaid() throws IOException {
        Path chromium = dir.resolve("usr/bin/chromium");
        Path driver = executable("usr/bin/chromedriver");
        Preflight.Installer failing = new Preflight.Installer("chromium", List.of(List.of("sh", "-c", "echo 'E: Unable to locate package chromium'; exit 100")),
                Set.of(chromium, driver), null);
        assertThatThrownBy(() -> preflight(embedded(chromium, driver), Phase.rehearse, true, failing).run(features, null, false))
                .hasMessageContaining("failed (exit 100)").hasMessageContaining("E: Unable to locate package chromium");
        Preflight.Installer noop = installer("true", Set.of(chromium, driver));
        assertThatThrownBy(() -> preflight(embedded(chromium, driver), Phase.rehearse, true, noop).run(features, null, false))
                .hasMessageContaining("after `sh -c true`").hasMessageContaining("Chromium at " + chromium);
    }

    @Test
    void whereNothingCanBeInstalledTheRefusalSaysWhy() {
        Path chromium = dir.resolve("usr/bin/chromium");
        Path driver = dir.resolve("usr/bin/chromedriver");
        Preflight.Installer notRoot = new Preflight.Installer("chromium chromium-driver", List.of(List.of("apt-get", "install", "chromium")),
                Set.of(chromium, driver), "the gate does not run as root");
        assertThatThrownBy(() -> preflight(embedded(chromium, driver), Phase.verify, true, notRoot).run(features, null, false))
                .hasMessageContaining("Chromium at " + chromium).hasMessageContaining("chromedriver at " + driver)
                .hasMessageContaining("the gate does not run as root").hasMessageContaining("--skip-ui");
    }

    @Test
    void noBrowserIsNeededWhenNoSelectedScenarioOpensThePage() throws IOException {
        EnvironmentConfig noBrowser = embedded(dir.resolve("none/chromium"), dir.resolve("none/chromedriver"));
        Preflight.Installer refuseToRun = installer("exit 1", Set.of());
        preflight(noBrowser, Phase.rehearse, true, refuseToRun).run(features, null, true);              // --skip-ui
        preflight(noBrowser, Phase.rehearse, true, refuseToRun).run(features, "not @ui", false);        // --tags
        preflight(noBrowser, Phase.seed, true, refuseToRun).run(features, null, false);                 // seed ends before the check
        preflight(noBrowser, Phase.cleanup, true, refuseToRun).run(dir.resolve("no-features"), null, false);
        assertThat(console.toString()).isEmpty();
        assertThatThrownBy(() -> preflight(noBrowser, Phase.rehearse, true, refuseToRun).run(features, null, false))
                .isInstanceOf(Preflight.Refusal.class);
    }

    // --- Docker ---

    @Test
    void theContainersDeploymentNeedsADockerEngine() throws IOException {
        EnvironmentConfig containers = load("""
                testEnvironment: true
                deployment: { kind: containers }
                releases: { from: 1.4.0, to: 2.0.0 }
                target: { profile: reference-clinic, operatorSecret: generated-per-run }
                population: { patients: 2 }
                browser: { enabled: false }
                """, Map.of());
        assertThatThrownBy(() -> new Preflight(containers, Phase.rehearse, out(), dir, true, installer("true", Set.of()),
                () -> Optional.of("no Docker engine answers (DOCKER_HOST=unix:///nowhere.sock)")).run(features, null, true))
                .isInstanceOf(Preflight.Refusal.class).hasMessageContaining("needs a Docker engine")
                .hasMessageContaining("DOCKER_HOST=unix:///nowhere.sock").hasMessageContaining("--env local");
        new Preflight(containers, Phase.rehearse, out(), dir, true, installer("true", Set.of()), () -> DOCKER_ANSWERS).run(features, null, true);
    }

    // --- an external target ---

    @Test
    void anExternalTargetIsReachedByATcpConnectWithoutAnHttpRequest() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> bytesReceived = CompletableFuture.supplyAsync(() -> {
                try (Socket accepted = server.accept(); InputStream in = accepted.getInputStream()) {
                    return in.readAllBytes().length;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            preflight(external("http://127.0.0.1:" + server.getLocalPort()), Phase.seed, true, installer("true", Set.of()))
                    .run(features, null, true);
            assertThat(bytesReceived.get(30, TimeUnit.SECONDS)).as("bytes the target received from the preflight").isZero();
        }
    }

    @Test
    void anUnreachableExternalTargetIsRefused() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        EnvironmentConfig env = external("http://127.0.0.1:" + closedPort + "/api");
        assertThatThrownBy(() -> preflight(env, Phase.seed, true, installer("true", Set.of())).run(features, null, true))
                .isInstanceOf(Preflight.Refusal.class).hasMessageContaining("deployment.baseUrl").hasMessageContaining("e.yaml")
                .hasMessageContaining("127.0.0.1:" + closedPort).hasMessageNotContaining("after waiting");
        assertThat(console.toString()).as("seed does not wait").isEmpty();
        // verify runs right after a deploy: it waits up to deployment.healthTimeoutSeconds (1 s here) and says so
        assertThatThrownBy(() -> preflight(env, Phase.verify, true, installer("true", Set.of())).run(features, null, true))
                .hasMessageContaining("after waiting 1 s (deployment.healthTimeoutSeconds)");
        assertThat(console.toString()).contains("waiting up to 1 s");
    }

    @Test
    void aMisspeltStepIsRefusedInPhaseSeedBeforeTheTargetIsEvenConnectedTo() throws Exception {
        Files.writeString(features.resolve("isolation/typo.feature"), """
                Feature: typo
                  Scenario: a misspelt first keyword turns the step into a description
                    Than every patient's listings hold exactly their own items
                """);
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        EnvironmentConfig env = external("http://127.0.0.1:" + closedPort + "/api");
        // The Gherkin check comes first: the refusal names the feature, not the unreachable target.
        assertThatThrownBy(() -> preflight(env, Phase.seed, true, installer("true", Set.of())).run(features, null, true))
                .isInstanceOf(Preflight.Refusal.class).hasMessageContaining("typo.feature:3: 'Than' is not a Gherkin keyword")
                .hasMessageContaining("typo.feature:2: the scenario").hasMessageNotContaining("deployment.baseUrl");
    }

    @Test
    void aFeatureForAnotherProfileIsNotCountedAndAnUnknownProfileTagIsRefused() throws Exception {
        Files.writeString(features.resolve("isolation/elsewhere.feature"), """
                @profile:fhir-r4
                Feature: another API's
                  Scenario: its own steps
                    Then something only that API's glue knows
                """);
        EnvironmentConfig env = external("http://127.0.0.1:9/api");
        assertThat(Preflight.scenarios(features, null, false, new dev.cordon.gherkin.ProfileScope(env.target().profileName())))
                .as("the fhir-r4 feature is out of the reference clinic's scope").isEqualTo(new Preflight.Scenarios(3, 3, 1));
        Files.writeString(features.resolve("isolation/elsewhere.feature"), """
                @profile:no-such-profile
                Feature: a misspelt profile
                  Scenario: never run anywhere
                    Then every patient's listings hold exactly their own items
                """);
        assertThatThrownBy(() -> preflight(env, Phase.seed, true, installer("true", Set.of())).run(features, null, true))
                .isInstanceOf(Preflight.Refusal.class).hasMessageContaining("elsewhere.feature: @profile:no-such-profile");
    }

    // --- helpers ---

    private Preflight preflight(EnvironmentConfig env, Phase phase, boolean installAllowed, Preflight.Installer installer) {
        return new Preflight(env, phase, out(), dir.resolve("work"), installAllowed, installer, () -> DOCKER_ANSWERS);
    }

    private PrintStream out() {
        return new PrintStream(console, true, StandardCharsets.UTF_8);
    }

    private static Preflight.Installer installer(String shell, Set<Path> provides) {
        return new Preflight.Installer("chromium chromium-driver", List.of(List.of("sh", "-c", shell)), provides, null);
    }

    private Path executable(String relative) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private EnvironmentConfig embedded(Path chromium, Path driver) throws IOException {
        return load("""
                testEnvironment: true
                deployment: { kind: embedded }
                releases: { from: 1.4.0, to: 2.0.0 }
                target: { profile: reference-clinic, operatorSecret: generated-per-run }
                population: { patients: 2 }
                browser: { binary: "${CORDON_CHROMIUM:-/usr/bin/chromium}", driver: "${CORDON_CHROMEDRIVER:-/usr/bin/chromedriver}" }
                """, Map.of("CORDON_CHROMIUM", chromium.toString(), "CORDON_CHROMEDRIVER", driver.toString()));
    }

    private EnvironmentConfig external(String url) throws IOException {
        return load("""
                testEnvironment: true
                deployment: { kind: external, baseUrl: "${IT_URL}", healthTimeoutSeconds: 1 }
                target: { profile: reference-clinic, operatorSecret: "${IT_SECRET}", connectTimeoutMillis: 2000 }
                population: { patients: 2 }
                browser: { enabled: false }
                """, Map.of("IT_URL", url, "IT_SECRET", "x"));
    }

    private EnvironmentConfig load(String yaml, Map<String, String> env) throws IOException {
        Files.writeString(dir.resolve("environments/e.yaml"), yaml);
        return new EnvironmentLoader(dir.resolve("environments"), env).load("e", Overrides.none());
    }
}
