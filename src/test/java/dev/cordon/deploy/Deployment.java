package dev.cordon.deploy;

import java.net.URI;
import java.util.Map;

/**
 * Who runs the software and performs the update. Cordon talks to whatever it runs only over HTTP (and a browser).
 * embedded: the reference clinic in-process on H2; containers: images on a real PostgreSQL;
 * external: a staging deployment the pipeline updates between Cordon's phases.
 */
public interface Deployment extends AutoCloseable {
    /** Brings the target up at a release (or, for external, checks it is there) and returns its base URL. */
    URI start(String release);

    /** Before a rehearsal or a seed phase: throw away data an earlier run left where Cordon keeps the target's database. */
    default void discardEarlierRuns() {
    }

    /** The software update: release A goes, release B comes up on the same database. */
    URI update(String release);

    /** What the report's environment shows about this deployment (image names, database, ...). */
    Map<String, String> describe();

    /** Whether Cordon itself decides which release runs (so faults can be named and the update performed). */
    boolean controlsReleases();

    @Override
    void close();
}
