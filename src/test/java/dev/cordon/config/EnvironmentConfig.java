package dev.cordon.config;

import dev.cordon.profile.Profile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One validated environment file (environments/NAME.yaml) with the command line's overrides applied. */
public record EnvironmentConfig(
        String name,
        String file,
        String description,
        boolean testEnvironment,
        boolean production,
        Deployment deployment,
        String fromRelease,
        String toRelease,
        Target target,
        Population population,
        Checks checks,
        Browser browser,
        int concurrency,
        Path ledger,
        Cleanup cleanup,
        List<String> hostDenyList,
        List<String> faults) {

    public enum DeploymentKind { embedded, containers, external }

    /** Who runs the software and performs the update. */
    public record Deployment(DeploymentKind kind, String baseUrl, String expectedRelease, boolean requireReleaseChange,
                             Duration healthTimeout, Map<String, String> images, Duration startTimeout, boolean fhir) {
    }

    /**
     * How to reach the target: its profile, the operator's secret, page size, timeouts, in-flight limit and retries of
     * reads; {@code recipeAttempts} is how often a recipe run that could not be confirmed is run again, each time
     * only after reading back what the target did with the last one (writes are never blindly repeated);
     * {@code answerDeadline} bounds a whole answer (the read timeout only bounds silence); {@code network} is the TLS
     * trust, client certificate, versions and proxy.
     */
    public record Target(String profileName, Profile profile, Secret operatorSecret, int pageSize,
                         Duration connectTimeout, Duration readTimeout, int maxInFlight, int retryAttempts,
                         Duration retryBackoff, long retryBudget, Duration keepAliveIdle, int recipeAttempts,
                         Duration answerDeadline, dev.cordon.adapter.Network network) {
    }

    public record Population(int patients, int consultationsPerPatient, long seed, int lookAlikeEvery, String emailDomain,
                             int patientsAfterUpdate, int switchPatients) {
    }

    public record Checks(int foreignSamplePerPatient, List<String> ownerParameters, int crosstalkRounds, int crosstalkCallers,
                         int tamperingSample, int cachePolicySample) {
    }

    public record Browser(boolean enabled, String binary, String driver, String remoteUrl, int sample, int parallel,
                          Duration pageTimeout) {
    }

    public record Cleanup(String policy, Duration olderThan) {
    }

    public boolean cordonStartsTheTarget() {
        return deployment.kind() != DeploymentKind.external;
    }
}
