package dev.cordon.deploy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;

import java.io.PrintStream;

/**
 * Picks the image to run for one role: the configured one (official names by default) when Docker has it locally,
 * else the locally built offline substitute, else an error that says how to get either. Never pulls.
 */
final class ImageResolver {
    private final DockerClient docker;
    private final PrintStream console;

    ImageResolver(DockerClient docker, PrintStream console) {
        this.docker = docker;
        this.console = console;
    }

    String resolve(String role, String configured, String offline) {
        if (present(configured)) {
            return configured;
        }
        if (offline != null && !offline.isBlank() && present(offline)) {
            console.printf("containers: %s image %s is not present locally (Cordon never pulls); using the offline image %s%n",
                    role, configured, offline);
            return offline;
        }
        throw new IllegalStateException(("the %s image %s is not present locally, and Cordon never pulls. With a registry: docker pull %s. "
                + "Without one: ci/images/build-offline-images.sh builds %s (see docs/containers.md)")
                .formatted(role, configured, configured, offline == null ? "local substitutes" : offline));
    }

    boolean present(String image) {
        try {
            docker.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }
}
