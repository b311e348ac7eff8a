package dev.cordon.ui;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One browser per worker, started the first time that worker needs it and reused for every patient it checks
 * (the session is forgotten between patients). Closing quits every browser and deletes every profile; a scenario
 * owns its pool and closes it when it ends, whatever happened.
 */
public final class BrowserPool implements AutoCloseable {
    private final BrowserFactory factory;
    private final Map<Integer, Browser> browsers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public BrowserPool(BrowserFactory factory) {
        this.factory = factory;
    }

    /** How many browsers may check at once (browser.parallel). */
    public int size() {
        return factory.parallel();
    }

    /** The browser of worker {@code worker} (0 .. size-1), started now if it has none yet. */
    public Browser browser(int worker) {
        if (closed) {
            throw new IllegalStateException("the browser pool is closed");
        }
        return browsers.computeIfAbsent(worker, w -> factory.start());
    }

    public List<Duration> startups() {
        return browsers.values().stream().map(Browser::startup).toList();
    }

    public boolean anyStarted() {
        return !browsers.isEmpty();
    }

    @Override
    public void close() {
        closed = true;
        List<RuntimeException> problems = new ArrayList<>();
        for (Browser browser : List.copyOf(browsers.values())) {
            try {
                browser.close();
            } catch (RuntimeException e) {
                problems.add(e);
            }
        }
        browsers.clear();
        if (!problems.isEmpty()) {
            IllegalStateException e = new IllegalStateException("could not quit " + problems.size() + " browser(s)");
            problems.forEach(e::addSuppressed);
            throw e;
        }
    }
}
