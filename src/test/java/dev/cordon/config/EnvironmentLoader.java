package dev.cordon.config;

import dev.cordon.adapter.HttpEngine;
import dev.cordon.adapter.Network;
import dev.cordon.adapter.TlsContexts;

import dev.cordon.profile.Profile;
import dev.cordon.profile.ProfileLoader;

import dev.cordon.config.EnvironmentConfig.DeploymentKind;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads environments/NAME.yaml and its target profile, validates both, and resolves secret references. */
public final class EnvironmentLoader {
    /** The release label of an external target whose environment file names none: whatever it reports. */
    public static final String AS_DEPLOYED = "as-deployed";

    private final Path environmentsDir;
    private final Map<String, String> env;

    public EnvironmentLoader(Path environmentsDir, Map<String, String> env) {
        this.environmentsDir = environmentsDir;
        this.env = env;
    }

    public List<String> knownEnvironments() {
        try (Stream<Path> files = Files.list(environmentsDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length())).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    public EnvironmentConfig load(String name, Overrides overrides) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new ConfigException("--env '" + name + "': an environment name is a file name in " + environmentsDir + " without .yaml");
        }
        Path path = environmentsDir.resolve(name + ".yaml");
        if (!Files.isRegularFile(path)) {
            throw new ConfigException("%s: no such environment file; known environments: %s".formatted(path,
                    String.join(", ", knownEnvironments())));
        }
        ConfigNode root = ConfigNode.load(path).onlyKeys("description", "testEnvironment", "production", "deployment",
                "releases", "target", "population", "checks", "browser", "concurrency", "ledger", "cleanup", "hostDenyList");
        String file = root.file();

        boolean testEnvironment = root.requiredBool("testEnvironment");
        boolean production = root.bool("production", false);

        ConfigNode dep = root.section("deployment").onlyKeys("kind", "baseUrl", "expectedRelease", "requireReleaseChange",
                "healthTimeoutSeconds", "images", "startTimeoutSeconds", "fhir");
        DeploymentKind kind = DeploymentKind.valueOf(dep.oneOf("kind",
                Arrays.stream(DeploymentKind.values()).map(Enum::name).collect(Collectors.toCollection(java.util.TreeSet::new)), null));
        String baseUrl = null;
        if (kind == DeploymentKind.external) {
            baseUrl = httpUrl(file, dep.key() + ".baseUrl", dep.text("baseUrl"), "http://127.0.0.1:8080");
        }
        if (kind == DeploymentKind.containers) {
            for (String image : dep.textMap("images").keySet()) {
                if (!dev.cordon.deploy.ContainerDeployment.IMAGE_DEFAULTS.containsKey(image)) {
                    throw ConfigException.at(file, "deployment.images." + image, "one of "
                            + new java.util.TreeSet<>(dev.cordon.deploy.ContainerDeployment.IMAGE_DEFAULTS.keySet()), image);
                }
            }
        }
        EnvironmentConfig.Deployment deployment = new EnvironmentConfig.Deployment(kind, baseUrl,
                dep.text("expectedRelease", null), dep.bool("requireReleaseChange", false),
                Duration.ofSeconds(dep.positiveInt("healthTimeoutSeconds", 60)), expandAll(file, dep.textMap("images")),
                Duration.ofSeconds(dep.positiveInt("startTimeoutSeconds", 90)), dep.bool("fhir", false));

        // An external target runs whatever the pipeline deployed: its releases are observed, not chosen, so the
        // section is optional there (the names then only label the report).
        ConfigNode releases = (kind == DeploymentKind.external ? root.optionalSection("releases") : root.section("releases"))
                .onlyKeys("from", "to");
        String from = overrides.fromRelease() != null ? overrides.fromRelease()
                : kind == DeploymentKind.external ? releases.text("from", AS_DEPLOYED) : releases.text("from");
        String to = overrides.toRelease() != null ? overrides.toRelease()
                : kind == DeploymentKind.external ? releases.text("to", dep.text("expectedRelease", AS_DEPLOYED)) : releases.text("to");

        ConfigNode target = root.section("target").onlyKeys("profile", "operatorSecret", "pageSize",
                "connectTimeoutMillis", "readTimeoutMillis", "maxInFlight", "retryAttempts", "retryBackoffMillis", "retryBudget", "keepAliveIdleMillis", "recipeAttempts",
                "answerDeadlineMillis", "tls", "insecureTls", "proxy");
        String profileName = target.text("profile");
        Path profilePath = environmentsDir.resolve("profiles").resolve(profileName + ".yaml");
        if (!Files.isRegularFile(profilePath)) {
            throw ConfigException.at(file, "target.profile", "the name of a file in " + environmentsDir.resolve("profiles"), profileName);
        }
        Profile profile = ProfileLoader.load(profilePath);
        if (profile.version() == Profile.Version.NONE && (deployment.expectedRelease() != null || deployment.requireReleaseChange())) {
            throw ConfigException.at(file, deployment.expectedRelease() != null ? "deployment.expectedRelease" : "deployment.requireReleaseChange",
                    "nothing here: the profile " + profileName + " declares version: none, so the running release cannot be"
                            + " read (declare version in the profile, or remove this key)",
                    deployment.expectedRelease() != null ? deployment.expectedRelease() : "true");
        }
        Secret operatorSecret = Secret.resolve(file, "target.operatorSecret", target.text("operatorSecret"), env,
                kind != DeploymentKind.external);
        EnvironmentConfig.Target parsedTarget = new EnvironmentConfig.Target(profileName, profile, operatorSecret,
                target.positiveInt("pageSize", 5),
                Duration.ofMillis(target.positiveInt("connectTimeoutMillis", 2000)),
                Duration.ofMillis(target.positiveInt("readTimeoutMillis", 15000)),
                target.positiveInt("maxInFlight", 32),
                target.positiveInt("retryAttempts", 4),
                Duration.ofMillis(target.intAtLeast("retryBackoffMillis", 0, 200)),
                target.intAtLeast("retryBudget", 0, 5000),
                Duration.ofMillis(target.positiveInt("keepAliveIdleMillis", (int) HttpEngine.DEFAULT_KEEP_ALIVE_IDLE.toMillis())),
                target.positiveInt("recipeAttempts", 8),
                Duration.ofMillis(answerDeadline(target)),
                network(target, testEnvironment, kind == DeploymentKind.external ? baseUrl : null));

        ConfigNode pop = root.section("population").onlyKeys("patients", "consultationsPerPatient", "seed",
                "lookAlikeEvery", "emailDomain", "patientsAfterUpdate", "switchPatients");
        String domain = pop.text("emailDomain", "patients.cordon.invalid");
        if (!(domain.endsWith(".invalid") || domain.endsWith(".test"))) {
            throw ConfigException.at(file, "population.emailDomain", "a reserved domain ending in .invalid or .test (never a real one)", domain);
        }
        EnvironmentConfig.Population population = new EnvironmentConfig.Population(
                positive(file, "--patients", overrides.patients(), pop.positiveInt("patients", 200)),
                positive(file, "--consultations", overrides.consultationsPerPatient(), pop.positiveInt("consultationsPerPatient", 3)),
                overrides.seed() != null ? overrides.seed() : pop.longValue("seed", 20200601L),
                pop.intAtLeast("lookAlikeEvery", 0, 10), domain,
                capped(overrides.patients(), pop.intAtLeast("patientsAfterUpdate", 0, 20)),
                capped(overrides.patients(), pop.intAtLeast("switchPatients", 0, 16)));

        ConfigNode checks = root.optionalSection("checks").onlyKeys("foreignSamplePerPatient", "ownerParameters",
                "crosstalkRounds", "crosstalkCallers", "tamperingSample", "cachePolicySample");
        List<String> ownerParameters = checks.textList("ownerParameters");
        EnvironmentConfig.Checks parsedChecks = new EnvironmentConfig.Checks(
                checks.intAtLeast("foreignSamplePerPatient", 0, 3),
                ownerParameters.isEmpty() ? List.of("patientId", "patient", "patient_id", "ownerId", "owner", "userId", "user", "subject", "accountId") : ownerParameters,
                checks.positiveInt("crosstalkRounds", 6), checks.intAtLeast("crosstalkCallers", 2, 16),
                checks.positiveInt("tamperingSample", 10), checks.positiveInt("cachePolicySample", 10));

        ConfigNode browser = root.optionalSection("browser").onlyKeys("enabled", "binary", "driver", "remoteUrl",
                "sample", "parallel", "pageTimeoutSeconds");
        EnvironmentConfig.Browser parsedBrowser = new EnvironmentConfig.Browser(browser.bool("enabled", true),
                expand(file, "browser.binary", browser.text("binary", "/usr/bin/chromium")),
                expand(file, "browser.driver", browser.text("driver", "/usr/bin/chromedriver")),
                browser.has("remoteUrl") ? httpUrl(file, "browser.remoteUrl", browser.text("remoteUrl"), "http://127.0.0.1:4444") : null,
                browser.intAtLeast("sample", 0, 20), browser.positiveInt("parallel", 2),
                Duration.ofSeconds(browser.positiveInt("pageTimeoutSeconds", 20)));

        ConfigNode cleanup = root.optionalSection("cleanup").onlyKeys("policy", "olderThanHours");
        EnvironmentConfig.Cleanup parsedCleanup = new EnvironmentConfig.Cleanup(
                cleanup.oneOf("policy", new java.util.TreeSet<>(Set.of("keep", "remove-after-run")), "keep"),
                Duration.ofHours(cleanup.positiveInt("olderThanHours", 24)));

        String ledger = overrides.ledger() != null ? overrides.ledger() : root.text("ledger", "target/cordon/ledger.jsonl");
        List<String> denyList = new ArrayList<>(root.textList("hostDenyList"));
        for (int i = 0; i < denyList.size(); i++) {
            String entry = denyList.get(i);
            // A safety list with an entry that can match nothing protects nothing: refuse it rather than ignore it.
            String e = entry.strip();
            boolean hostWithPort = e.contains(":") && !e.matches("\\[?[0-9A-Fa-f:]*(:[0-9]{1,3}(\\.[0-9]{1,3}){3})?(%[^\\]]+)?]?");
            if (e.isEmpty() || !e.matches("[^\\s/@*?#]+") || hostWithPort) {
                throw ConfigException.at(file, "hostDenyList[" + i + "]", "a host name, an IP address or .suffix for a whole domain"
                        + " (no scheme, path, port, wildcard or user info; write *.example.com as .example.com)", entry);
            }
        }

        return new EnvironmentConfig(name, file, root.text("description", name), testEnvironment, production, deployment,
                from, to, parsedTarget, population, parsedChecks, parsedBrowser,
                positive(file, "--concurrency", overrides.concurrency(), root.positiveInt("concurrency", 8)), Path.of(ledger), parsedCleanup, List.copyOf(denyList),
                List.copyOf(overrides.faults()));
    }

    /** target.answerDeadlineMillis: at least the read timeout; by default a few read timeouts. */
    private static long answerDeadline(ConfigNode target) {
        int read = target.positiveInt("readTimeoutMillis", 15000);
        long deadline = target.has("answerDeadlineMillis") ? target.intAtLeast("answerDeadlineMillis", 1)
                : (long) read * HttpEngine.DEFAULT_DEADLINE_READ_TIMEOUTS;
        if (deadline < read) {
            throw ConfigException.at(target.file(), target.keyOf("answerDeadlineMillis"), "at least target.readTimeoutMillis ("
                    + read + "): the whole answer cannot come sooner than its first byte may", deadline);
        }
        return deadline;
    }

    private static final Set<String> TLS_VERSIONS = Set.of("TLSv1.2", "TLSv1.3");

    /**
     * target.tls, target.insecureTls and target.proxy, validated and their files read (a broken bundle, key or store is
     * an error here, before anything is sent). insecureTls only in a test environment, never beside a trust setting.
     */
    private Network network(ConfigNode target, boolean testEnvironment, String baseUrl) {
        String file = target.file();
        ConfigNode tls = target.optionalSection("tls").onlyKeys("caBundle", "trustStore", "trustStorePassword", "clientCertificate",
                "clientKey", "versions");
        Path caBundle = readableFile(tls, "caBundle");
        Path trustStore = readableFile(tls, "trustStore");
        if (caBundle != null && trustStore != null) {
            throw ConfigException.at(file, tls.keyOf("trustStore"), "nothing beside target.tls.caBundle (give one of the two)", trustStore);
        }
        char[] trustStorePassword = null;
        if (tls.has("trustStorePassword")) {
            if (trustStore == null) {
                throw ConfigException.at(file, tls.keyOf("trustStorePassword"), "nothing without target.tls.trustStore", "a password");
            }
            trustStorePassword = Secret.resolve(file, tls.keyOf("trustStorePassword"), tls.text("trustStorePassword"), env, false)
                    .reveal().toCharArray();
        }
        Path certificate = readableFile(tls, "clientCertificate");
        Path key = readableFile(tls, "clientKey");
        if ((certificate == null) != (key == null)) {
            throw ConfigException.at(file, tls.keyOf(certificate == null ? "clientCertificate" : "clientKey"),
                    "a PEM file: mutual TLS needs both target.tls.clientCertificate and target.tls.clientKey", null);
        }
        List<String> versions = tls.textList("versions");
        for (int i = 0; i < versions.size(); i++) {
            if (!TLS_VERSIONS.contains(versions.get(i))) {
                throw ConfigException.at(file, tls.keyOf("versions") + "[" + i + "]", "one of " + new java.util.TreeSet<>(TLS_VERSIONS), versions.get(i));
            }
        }
        boolean insecure = target.bool("insecureTls", false);
        if (insecure && !testEnvironment) {
            throw ConfigException.at(file, target.keyOf("insecureTls"), "false: trusting any certificate is allowed only in an"
                    + " environment with testEnvironment: true (give target.tls.caBundle instead)", "true");
        }
        if (insecure && (caBundle != null || trustStore != null)) {
            throw ConfigException.at(file, target.keyOf("insecureTls"), "false beside target.tls.caBundle or trustStore (one trusts"
                    + " everything, the other names whom to trust: keep the bundle)", "true");
        }

        ConfigNode proxy = target.optionalSection("proxy").onlyKeys("url", "noProxy", "fromEnvironment");
        URI proxyUrl = null;
        List<String> noProxy = new ArrayList<>(proxy.textList("noProxy"));
        if (proxy.bool("fromEnvironment", false)) {
            if (proxy.has("url") || proxy.has("noProxy")) {
                throw ConfigException.at(file, proxy.keyOf("fromEnvironment"), "false beside target.proxy.url or noProxy (take the"
                        + " proxy from HTTPS_PROXY/HTTP_PROXY and NO_PROXY, or name it here, not both)", "true");
            }
            boolean https = baseUrl != null && baseUrl.toLowerCase(java.util.Locale.ROOT).startsWith("https:");
            String variable = null;
            for (String name : https ? List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy") : List.of("HTTP_PROXY", "http_proxy")) {
                if (env.get(name) != null && !env.get(name).isBlank()) {
                    variable = name;
                    break;
                }
            }
            if (variable != null) {
                proxyUrl = proxyUrl(file, "$" + variable + " (target.proxy.fromEnvironment)", env.get(variable));
            }
            String list = env.get("NO_PROXY") != null ? env.get("NO_PROXY") : env.get("no_proxy");
            if (list != null) {
                for (String entry : list.split(",")) {
                    if (!entry.isBlank()) {
                        noProxy.add(entry.strip());
                    }
                }
            }
        } else if (proxy.has("url")) {
            proxyUrl = proxyUrl(file, proxy.keyOf("url"), expand(file, proxy.keyOf("url"), proxy.text("url")));
        } else if (proxy.has("noProxy")) {
            throw ConfigException.at(file, proxy.keyOf("noProxy"), "nothing without target.proxy.url", noProxy);
        }
        Network network = new Network(caBundle, trustStore, trustStorePassword, certificate, key, versions, insecure, proxyUrl, noProxy);
        try {
            TlsContexts.build(network);
        } catch (TlsContexts.TlsSetupException e) {
            throw new ConfigException("%s: key '%s': %s".formatted(file, tls.key(), e.getMessage()));
        }
        return network;
    }

    /** http://host:port of a proxy: no credentials (they would be printed), no path. */
    private static URI proxyUrl(String file, String key, String value) {
        if (carriesUserInfo(value)) {
            throw new ConfigException("%s: key '%s': the proxy URL carries credentials (user info before '@'), which would be printed; "
                    .formatted(file, key) + "Cordon supports proxies without authentication");
        }
        URI uri;
        try {
            uri = new URI(value.strip());
        } catch (java.net.URISyntaxException e) {
            throw ConfigException.at(file, key, "a proxy URL such as http://127.0.0.1:3128 (" + e.getReason() + ")", value);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || (uri.getRawPath() != null && uri.getRawPath().length() > 1)) {
            throw ConfigException.at(file, key, "a proxy URL such as http://127.0.0.1:3128 (scheme http, host, port; HTTPS is tunnelled"
                    + " through it with CONNECT)", value);
        }
        return uri;
    }

    /** A file key: ${VAR} expanded, relative to the project directory, and readable now. */
    private Path readableFile(ConfigNode node, String name) {
        if (!node.has(name)) {
            return null;
        }
        String value = expand(node.file(), node.keyOf(name), node.text(name));
        Path path = Path.of(value);
        if (!path.isAbsolute() && environmentsDir.toAbsolutePath().getParent() != null) {
            path = environmentsDir.toAbsolutePath().getParent().resolve(path);
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw ConfigException.at(node.file(), node.keyOf(name), "a readable file (absolute, or relative to the project directory)", value);
        }
        return path.normalize();
    }

    /** --patients N also caps the later cohorts, so a small run stays small throughout. */
    private static int capped(Integer patientsOverride, int fromFile) {
        return patientsOverride == null || patientsOverride < 1 ? fromFile : Math.min(patientsOverride, fromFile);
    }

    private static int positive(String file, String flag, Integer override, int fromFile) {
        if (override == null) {
            return fromFile;
        }
        if (override < 1) {
            throw new ConfigException(flag + ": expected a positive number, got " + override + " (overriding " + file + ")");
        }
        return override;
    }

    /** Expands ${VAR} and ${VAR:-default} in non-secret values such as URLs and image names. */
    private String expand(String file, String key, String value) {
        if (value == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String resolved = env.get(m.group(1));
            if (resolved == null || resolved.isBlank()) {
                resolved = m.group(2);
            }
            if (resolved == null) {
                throw new ConfigException("%s: key '%s': environment variable %s is not set (and no default is given with ${%s:-default})"
                        .formatted(file, key, m.group(1), m.group(1)));
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * An http(s) URL value, references expanded. Credentials in a URL (https://user:pw@host) are refused without
     * echoing them: URLs are printed in consoles, summaries and reports, so a credential in one would leak there.
     * An internationalised host name is turned into its ASCII (punycode) form, which HTTP clients and the
     * host deny-list work with.
     */
    private String httpUrl(String file, String key, String declared, String example) {
        String url = expand(file, key, declared);
        if (carriesUserInfo(url)) {
            throw new ConfigException(("%s: key '%s': the URL carries credentials (user info before '@'), which would be printed "
                    + "wherever the URL is; give only scheme, host and port, and use a secret reference (${VAR}) for the "
                    + "credential%s").formatted(file, key, key.endsWith("baseUrl") ? " (target.operatorSecret)" : ""));
        }
        String ascii = asciiHost(url);
        URI uri;
        try {
            uri = new URI(ascii);
        } catch (java.net.URISyntaxException e) {
            throw ConfigException.at(file, key, "an http(s) URL such as " + example + " (" + e.getReason() + ")", url);
        }
        if (uri.getScheme() == null || uri.getHost() == null || !Set.of("http", "https").contains(uri.getScheme().toLowerCase(java.util.Locale.ROOT))) {
            throw ConfigException.at(file, key, "an http(s) URL such as " + example, url);
        }
        return ascii;
    }

    /** Whether the authority part (after "scheme://", or from the start without one, up to / ? # \) holds an '@'. */
    static boolean carriesUserInfo(String url) {
        if (dev.cordon.report.Redaction.carriesUserInfo(url)) {
            return true; // by shape: also "http:/user:pw@host" and "http:\\user:pw@host", which no parser calls a URL
        }
        int slashes = url.indexOf("//");
        String rest = slashes >= 0 ? url.substring(slashes + 2) : url;
        for (char c : rest.toCharArray()) {
            if (c == '/' || c == '?' || c == '#' || c == '\\') {
                return false;
            }
            if (c == '@') {
                return true;
            }
        }
        return false;
    }

    /** The URL with a non-ASCII host name in its IDNA ASCII form; unchanged when the host is ASCII or not IDNA-valid. */
    static String asciiHost(String url) {
        int slashes = url.indexOf("//");
        if (slashes < 0) {
            return url;
        }
        int start = slashes + 2;
        int end = start;
        while (end < url.length() && "/?#:".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String host = url.substring(start, end);
        if (host.chars().allMatch(c -> c < 0x80)) {
            return url;
        }
        try {
            return url.substring(0, start) + java.net.IDN.toASCII(host, java.net.IDN.ALLOW_UNASSIGNED) + url.substring(end);
        } catch (IllegalArgumentException notIdna) {
            return url;
        }
    }

    private Map<String, String> expandAll(String file, Map<String, String> values) {
        Map<String, String> expanded = new java.util.LinkedHashMap<>();
        values.forEach((k, v) -> expanded.put(k, expand(file, "deployment.images." + k, v)));
        return expanded;
    }
}
