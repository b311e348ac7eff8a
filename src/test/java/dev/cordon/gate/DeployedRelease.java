package dev.cordon.gate;

import dev.cordon.report.ConsoleText;
import dev.cordon.config.EnvironmentConfig;
import dev.cordon.adapter.TargetApi;
import dev.cordon.adapter.TargetUnavailableException;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * Phase verify on a target the pipeline deployed: the release it reports must be the one the environment demands
 * (deployment.expectedRelease) or at least differ from the release the population was seeded on
 * (deployment.requireReleaseChange). A rollout may still be switching over, so it waits up to healthTimeoutSeconds
 * before calling the target unverifiable: checking the old release would pass a release that was never tested.
 */
final class DeployedRelease {
    private static final Duration POLL = Duration.ofSeconds(2);

    private final EnvironmentConfig.Deployment deployment;
    private final String file;
    private final String releaseAtSeed;

    DeployedRelease(EnvironmentConfig env, String releaseAtSeed) {
        this.deployment = env.deployment();
        this.file = env.file();
        this.releaseAtSeed = releaseAtSeed;
    }

    /** The release the target reports once it is acceptable; throws when it is not within the time allowed. */
    String await(TargetApi target, PrintStream console) {
        Instant deadline = Instant.now().plus(deployment.healthTimeout());
        String release = null;
        String problem = null;
        while (true) {
            try {
                release = target.version();
                problem = problemWith(release);
            } catch (TargetUnavailableException e) {
                problem = "the target's version could not be read: " + e.getMessage();
            }
            if (problem == null) {
                return release;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(problem + " (waited " + deployment.healthTimeout().toSeconds() + " s)");
            }
            console.printf("waiting for the deployed release: %s%n", ConsoleText.safe(problem));
            sleep();
        }
    }

    /** Why this release is not the one to verify, or null when it is. */
    String problemWith(String release) {
        String expected = deployment.expectedRelease();
        if (expected != null && !expected.equals(release)) {
            return "the target reports %s, but %s key 'deployment.expectedRelease' is %s".formatted(GateRun.releaseWords(release), file, expected);
        }
        if (deployment.requireReleaseChange() && release != null && release.equals(releaseAtSeed)) {
            return ("the target still reports release %s, the release the population was seeded on, and %s key "
                    + "'deployment.requireReleaseChange' is true: the deploy did not happen or has not finished").formatted(release, file);
        }
        return null;
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the deployed release", e);
        }
    }
}
