package dev.cordon.deploy;

import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.utility.DockerImageName;

/**
 * Cordon never pulls: a release gate must not depend on a registry in the middle of a run, and where it runs there may
 * be none. Images are present beforehand (docker pull, or ci/images/build-offline-images.sh); a missing one is named
 * by {@link ImageResolver} before any container starts.
 */
final class NeverPull implements ImagePullPolicy {
    static final NeverPull INSTANCE = new NeverPull();

    private NeverPull() {
    }

    @Override
    public boolean shouldPull(DockerImageName imageName) {
        return false;
    }
}
