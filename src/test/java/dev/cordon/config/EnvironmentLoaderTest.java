package dev.cordon.config;

import dev.cordon.adapter.Network;

import dev.cordon.profile.Profile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Validation messages name the file, the key and what was expected. */
class EnvironmentLoaderTest {
    @TempDir
    Path dir;

    @BeforeEach
    void profiles() throws IOException {
        Files.createDirectories(dir.resolve("profiles"));
        Files.copy(Path.of("environments/profiles/reference-clinic.yaml"), dir.resolve("profiles/reference-clinic.yaml"));
    }

    private EnvironmentConfig load(String yaml, Map<String, String> env) throws IOException {
        Files.writeString(dir.resolve("t.yaml"), yaml);
        return new EnvironmentLoader(dir, env).load("t", Overrides.none());
    }

    private static final String VALID = """
            testEnvironment: true
            deployment: { kind: external, baseUrl: "http://127.0.0.1:8080" }
            releases: { from: 1.4.0, to: 2.0.0 }
            target: { profile: reference-clinic, operatorSecret: "${OP_SECRET}" }
            population: { patients: 5 }
            """;

    @Test
    void theShippedEnvironmentsLoad() {
        EnvironmentLoader loader = new EnvironmentLoader(Path.of("environments"), Map.of());
        EnvironmentConfig local = loader.load("local", Overrides.none());
        assertThat(local.population().patients()).isEqualTo(200);
        assertThat(local.target().profile().resource("recording").listings()).containsKeys("replay");
        assertThat(local.target().profile().resource("recording").openers()).containsKeys("replay", "media");
        assertThat(loader.knownEnvironments()).contains("local");
    }

    @Test
    void aValidFileResolvesItsSecretWithoutShowingIt() throws IOException {
        EnvironmentConfig config = load(VALID, Map.of("OP_SECRET", "s3cr3t-value"));
        assertThat(config.target().operatorSecret().reveal()).isEqualTo("s3cr3t-value");
        assertThat(config.target().operatorSecret().toString()).doesNotContain("s3cr3t");
        assertThat(config.toString()).doesNotContain("s3cr3t");
    }

    @Test
    void aMissingSecretNamesTheVariable() {
        assertThatThrownBy(() -> load(VALID, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("t.yaml").hasMessageContaining("target.operatorSecret").hasMessageContaining("OP_SECRET");
    }

    @Test
    void aLiteralSecretIsRefused() {
        assertThatThrownBy(() -> load(VALID.replace("\"${OP_SECRET}\"", "hunter2"), Map.of()))
                .hasMessageContaining("target.operatorSecret").hasMessageContaining("never written into environment files")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void malformedYamlNamesTheFile() {
        assertThatThrownBy(() -> load("testEnvironment: [true\n", Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("t.yaml").hasMessageContaining("not valid YAML");
    }

    @Test
    void wrongValuesNameKeyAndExpectation() {
        assertThatThrownBy(() -> load(VALID.replace("patients: 5", "patients: many"), Map.of("OP_SECRET", "x")))
                .hasMessageContaining("population.patients").hasMessageContaining("an integer of at least 1");
        assertThatThrownBy(() -> load(VALID.replace("kind: external", "kind: kubernetes"), Map.of("OP_SECRET", "x")))
                .hasMessageContaining("deployment.kind").hasMessageContaining("one of containers, embedded, external");
        assertThatThrownBy(() -> load(VALID.replace("testEnvironment: true\n", ""), Map.of("OP_SECRET", "x")))
                .hasMessageContaining("testEnvironment");
        assertThatThrownBy(() -> load(VALID + "populaton: {}\n", Map.of("OP_SECRET", "x")))
                .as("a typo is not silently ignored").hasMessageContaining("populaton");
    }

    @Test
    void aReleaseExpectationOnAProfileWithoutVersionIsRefusedAtOnce() throws IOException {
        Path profile = dir.resolve("profiles/reference-clinic.yaml");
        Files.writeString(profile, Files.readString(profile).replace("version: { path: /api/version, release: $.release }", "version: none"));
        assertThat(load(VALID, Map.of("OP_SECRET", "x")).target().profile().version()).isEqualTo(Profile.Version.NONE);
        assertThatThrownBy(() -> load(VALID.replace("baseUrl: \"http://127.0.0.1:8080\"", "baseUrl: \"http://127.0.0.1:8080\", expectedRelease: 2.0.0"),
                Map.of("OP_SECRET", "x"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("deployment.expectedRelease").hasMessageContaining("version: none");
        assertThatThrownBy(() -> load(VALID.replace("baseUrl: \"http://127.0.0.1:8080\"", "baseUrl: \"http://127.0.0.1:8080\", requireReleaseChange: true"),
                Map.of("OP_SECRET", "x"))).hasMessageContaining("deployment.requireReleaseChange");
    }

    @Test
    void aMisspeltPageSelectorIsRefusedWhenTheProfileLoads() throws IOException {
        Path profile = dir.resolve("profiles/reference-clinic.yaml");
        Files.writeString(profile, Files.readString(profile).replace("  replayPlayer: \"#player\"", "  replayPlayr: \"#player\""));
        assertThatThrownBy(() -> load(VALID, Map.of("OP_SECRET", "x"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("replayPlayr");
    }

    @Test
    void anUnknownEnvironmentListsTheKnownOnes() throws IOException {
        load(VALID, Map.of("OP_SECRET", "x"));
        assertThatThrownBy(() -> new EnvironmentLoader(dir, Map.of()).load("nosuch", Overrides.none()))
                .hasMessageContaining("nosuch.yaml").hasMessageContaining("known environments: t");
    }

    @Test
    void overridesWinAndAreValidated() throws IOException {
        Files.writeString(dir.resolve("t.yaml"), VALID);
        EnvironmentLoader loader = new EnvironmentLoader(dir, Map.of("OP_SECRET", "x"));
        var overrides = new Overrides(null, "2.1.0", 9, 1, 7L, null, List.of(), null);
        EnvironmentConfig config = loader.load("t", overrides);
        assertThat(config.toRelease()).isEqualTo("2.1.0");
        assertThat(config.population().patients()).isEqualTo(9);
        assertThatThrownBy(() -> loader.load("t", new Overrides(null, null, 0, null, null, null, List.of(), null)))
                .hasMessageContaining("--patients");
    }

    @Test
    void aProfileWithoutARequiredOperationIsRefused() throws IOException {
        String profile = Files.readString(dir.resolve("profiles/reference-clinic.yaml"))
                .replaceAll("(?m)^  session:.*$", "");
        Files.writeString(dir.resolve("profiles/reference-clinic.yaml"), profile);
        assertThatThrownBy(() -> load(VALID, Map.of("OP_SECRET", "x")))
                .hasMessageContaining("reference-clinic.yaml").hasMessageContaining("patients.session");
    }

    @Test
    void anUnresolvablePlaceholderIsRefusedNamingWhatIsKnown() throws IOException {
        String profile = Files.readString(dir.resolve("profiles/reference-clinic.yaml"))
                .replace("/api/operator/consultations/{consultation}/start", "/api/operator/consultations/{consultaton}/start");
        Files.writeString(dir.resolve("profiles/reference-clinic.yaml"), profile);
        assertThatThrownBy(() -> load(VALID, Map.of("OP_SECRET", "x")))
                .hasMessageContaining("resources.recording.recipe[1]").hasMessageContaining("{consultaton}");
    }

    @Test
    void aGroovyLookingPathIsDataNotCode() throws IOException {
        String profile = Files.readString(dir.resolve("profiles/reference-clinic.yaml"))
                .replace("whoAmI: { path: /api/me, id: $.id }", "whoAmI: { path: /api/me, id: \"with { System.getProperty('user.name') }\" }");
        Files.writeString(dir.resolve("profiles/reference-clinic.yaml"), profile);
        assertThatThrownBy(() -> load(VALID, Map.of("OP_SECRET", "x")))
                .hasMessageContaining("patients.whoAmI.id").hasMessageContaining("not REST Assured GPath");
    }

    private static final String PASSWORD = "Sup3rS3cretPw";

    @Test
    void credentialsInsideAUrlAreRefusedWithoutEchoingThem() {
        for (String url : List.of("https://ops:" + PASSWORD + "@clinic.staging.test", "https://ops:" + PASSWORD + "@clinic.staging.test:8443/api",
                "http://" + PASSWORD + "@127.0.0.1:8080", "ops:" + PASSWORD + "@clinic.staging.test", "HTTPS://ops:" + PASSWORD + "@h.test/")) {
            assertThatThrownBy(() -> load(VALID.replace("http://127.0.0.1:8080", url), Map.of("OP_SECRET", "x")))
                    .as(url).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("t.yaml").hasMessageContaining("deployment.baseUrl")
                    .hasMessageContaining("use a secret reference (${VAR})")
                    .hasMessageNotContaining(PASSWORD).hasMessageNotContaining("ops:");
        }
    }

    @Test
    void credentialsArriveThroughAVariableToo() {
        String yaml = VALID.replace("http://127.0.0.1:8080", "${STAGING_URL}");
        assertThatThrownBy(() -> load(yaml, Map.of("OP_SECRET", "x", "STAGING_URL", "https://ops:" + PASSWORD + "@clinic.staging.test")))
                .hasMessageContaining("deployment.baseUrl").hasMessageContaining("use a secret reference (${VAR})")
                .hasMessageNotContaining(PASSWORD).hasMessageNotContaining("ops:");
        assertThatThrownBy(() -> load(VALID + "browser: { remoteUrl: \"http://grid:" + PASSWORD + "@127.0.0.1:4444/wd/hub\" }\n",
                Map.of("OP_SECRET", "x")))
                .hasMessageContaining("browser.remoteUrl").hasMessageContaining("use a secret reference (${VAR})")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void urlsWithoutCredentialsStillLoad() throws IOException {
        // '@' after the authority (a path or query) is no user info
        EnvironmentConfig config = load(VALID.replace("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/@me?who=a@b.test"),
                Map.of("OP_SECRET", "x"));
        assertThat(config.deployment().baseUrl()).isEqualTo("http://127.0.0.1:8080/api/@me?who=a@b.test");
    }

    @Test
    void anUnparseableUrlIsAConfigurationError() {
        assertThatThrownBy(() -> load(VALID.replace("http://127.0.0.1:8080", "http://clinic staging.test/"), Map.of("OP_SECRET", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("deployment.baseUrl").hasMessageContaining("an http(s) URL");
        assertThatThrownBy(() -> load(VALID.replace("http://127.0.0.1:8080", "ftp://127.0.0.1/"), Map.of("OP_SECRET", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("deployment.baseUrl");
    }

    @Test
    void anInternationalisedHostBecomesItsAsciiForm() throws IOException {
        EnvironmentConfig config = load(VALID.replace("http://127.0.0.1:8080", "http://Bücher.example.test:8080/api"), Map.of("OP_SECRET", "x"));
        assertThat(config.deployment().baseUrl()).isEqualTo("http://xn--bcher-kva.example.test:8080/api");
    }

    @Test
    void aDenyListEntryThatCanMatchNothingIsRefused() throws IOException {
        for (String entry : List.of("https://clinic.example.com", "clinic.example.com:443", "\"*.prod.example.com\"", "10.0.0.1:8080", "\"\"",
                "clinic.example.com/api")) {
            assertThatThrownBy(() -> load(VALID + "hostDenyList: [ " + entry + " ]\n", Map.of("OP_SECRET", "x")))
                    .as(entry).isInstanceOf(ConfigException.class).hasMessageContaining("hostDenyList[0]");
        }
        EnvironmentConfig config = load(VALID + "hostDenyList: [ clinic.example.com, .prod.example.com, \"::ffff:127.0.0.1\", \"[::1]\", "
                + "10.0.0.1, bücher.example ]\n", Map.of("OP_SECRET", "x"));
        assertThat(config.hostDenyList()).hasSize(6);
    }

    // --- the network: TLS trust, client certificate, versions, proxy, the whole-answer deadline ---

    private String withTarget(String keys) {
        return VALID.replace("target: { profile: reference-clinic, operatorSecret: \"${OP_SECRET}\" }\n",
                "target:\n  profile: reference-clinic\n  operatorSecret: \"${OP_SECRET}\"\n" + keys);
    }

    @Test
    void networkKeysAreValidatedBeforeAnythingIsSent() throws IOException {
        Path notPem = dir.resolve("not.pem");
        Files.writeString(notPem, "hello");
        assertThatThrownBy(() -> load(withTarget("  tls: { caBundle: " + dir.resolve("missing.pem") + " }\n"), Map.of("OP_SECRET", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("target.tls.caBundle").hasMessageContaining("a readable file");
        assertThatThrownBy(() -> load(withTarget("  tls: { caBundle: " + notPem + " }\n"), Map.of("OP_SECRET", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("target.tls").hasMessageContaining(notPem.toString());
        assertThatThrownBy(() -> load(withTarget("  tls: { clientCertificate: " + notPem + " }\n"), Map.of("OP_SECRET", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("target.tls.clientKey");
        assertThatThrownBy(() -> load(withTarget("  tls: { versions: [TLSv1] }\n"), Map.of("OP_SECRET", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("target.tls.versions[0]");
        assertThatThrownBy(() -> load(withTarget("  proxy: { url: \"http://user:pw@127.0.0.1:3128\" }\n"), Map.of("OP_SECRET", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("target.proxy.url").hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> load(withTarget("  proxy: { noProxy: [localhost] }\n"), Map.of("OP_SECRET", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("target.proxy.noProxy");
        assertThatThrownBy(() -> load(withTarget("  readTimeoutMillis: 5000\n  answerDeadlineMillis: 1000\n"), Map.of("OP_SECRET", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("target.answerDeadlineMillis");
        assertThatThrownBy(() -> load(withTarget("  tls: { unknown: 1 }\n"), Map.of("OP_SECRET", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("target.tls.unknown");
    }

    @Test
    void insecureTlsOnlyInATestEnvironment() throws IOException {
        assertThatThrownBy(() -> load(withTarget("  insecureTls: true\n").replace("testEnvironment: true", "testEnvironment: false"),
                Map.of("OP_SECRET", "x"))).isInstanceOf(ConfigException.class);
        EnvironmentConfig config = load(withTarget("  insecureTls: true\n"), Map.of("OP_SECRET", "x"));
        assertThat(config.target().network().insecureTls()).isTrue();
        assertThat(config.target().network().describe()).contains("INSECURE");
    }

    @Test
    void theProxyComesFromTheEnvironmentWhenTheFileSaysSoAndNoProxyIsHonoured() throws IOException {
        EnvironmentConfig config = load(withTarget("  proxy: { fromEnvironment: true }\n"),
                Map.of("OP_SECRET", "x", "HTTP_PROXY", "http://127.0.0.1:3128", "NO_PROXY", "localhost,.internal.test"));
        Network network = config.target().network();
        assertThat(network.proxy()).hasToString("http://127.0.0.1:3128");
        assertThat(network.proxied("127.0.0.1")).isTrue();
        assertThat(network.proxied("localhost")).isFalse();
        assertThat(network.proxied("api.internal.test")).isFalse();
        EnvironmentConfig none = load(withTarget("  proxy: { fromEnvironment: true }\n"), Map.of("OP_SECRET", "x"));
        assertThat(none.target().network().proxy()).isNull();
        assertThat(none.target().answerDeadline()).isEqualTo(none.target().readTimeout().multipliedBy(4));
    }
}
