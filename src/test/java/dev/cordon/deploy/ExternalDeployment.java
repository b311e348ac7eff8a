package dev.cordon.deploy;

import dev.cordon.config.EnvironmentConfig;
import dev.cordon.adapter.HttpTargetApi;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A staging deployment Cordon does not control: the pipeline deploys between Cordon's phases. Starting means waiting
 * (within the configured time) until the target answers its health operation; the release is whatever it reports.
 */
public final class ExternalDeployment implements Deployment {
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration NOTICE_EVERY = Duration.ofSeconds(10);

    private final EnvironmentConfig env;
    private final URI baseUri;
    private final PrintStream console;

    public ExternalDeployment(EnvironmentConfig env, PrintStream console) {
        this.env = env;
        this.baseUri = URI.create(env.deployment().baseUrl());
        this.console = console;
    }

    @Override
    public URI start(String release) {
        HttpTargetApi probe = HttpTargetApi.forEnvironment(baseUri, env);
        Instant deadline = Instant.now().plus(env.deployment().healthTimeout());
        Instant nextNotice = Instant.now();
        while (!probe.healthy()) {
            if (Instant.now().isAfter(deadline)) {
                throw new dev.cordon.adapter.TargetUnavailableException("GET " + baseUri, -1,
                        "the target did not become healthy within " + env.deployment().healthTimeout().toSeconds()
                                + " s (deployment.healthTimeoutSeconds in " + env.file() + ")", null);
            }
            if (!Instant.now().isBefore(nextNotice)) {
                console.printf("waiting for %s to become healthy (up to %d s)%n", baseUri, env.deployment().healthTimeout().toSeconds());
                nextNotice = Instant.now().plus(NOTICE_EVERY);
            }
            sleep();
        }
        return baseUri;
    }

    /**
     * The pipeline has deployed: wait until the target is healthy again. Which release it must report
     * (deployment.expectedRelease, requireReleaseChange) is checked by the verify phase, which knows the ledger's
     * release at seed; the seed and cleanup phases run against whatever is deployed then.
     */
    @Override
    public URI update(String release) {
        return start(release);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> description = new LinkedHashMap<>();
        description.put("deployment", "external");
        description.put("target", baseUri.toString());
        return description;
    }

    @Override
    public boolean controlsReleases() {
        return false;
    }

    @Override
    public void close() {
        // Cordon did not start it, so it does not stop it.
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the target", e);
        }
    }
}
