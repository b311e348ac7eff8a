package dev.cordon.deploy;

import dev.cordon.config.EnvironmentConfig;

import java.io.PrintStream;
import java.nio.file.Path;

/** Picks the deployment an environment declares. */
public final class Deployments {
    private Deployments() {
    }

    public static Deployment create(EnvironmentConfig env, Path workDir, PrintStream console) {
        return switch (env.deployment().kind()) {
            case embedded -> new EmbeddedDeployment(workDir.resolve("embedded").resolve(env.name()), env.faults(),
                    env.target().operatorSecret(), workDir.resolve("clinic-access.log"), env.deployment().fhir());
            case external -> new ExternalDeployment(env, console);
            case containers -> new ContainerDeployment(env, workDir, console, System.getenv());
        };
    }
}
