package dev.cordon.progress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of the long stages (seeding, each check): counts move only on confirmed work, with rate and ETA. On a
 * terminal one line is redrawn in place; in CI a plain line is printed every few seconds and at the end.
 */
public final class Progress {
    private static final Duration EVERY = Duration.ofSeconds(5);
    /** How often the live line on a terminal is redrawn: enough for the eye, and no lock taken per unit of work. */
    private static final Duration REDRAW = Duration.ofMillis(100);

    private final PrintStream out;
    private final boolean live;

    public Progress(PrintStream out, boolean live) {
        this.out = out;
        this.live = live;
    }

    /** Plain lines unless stdout is a terminal and CI is not set. */
    public static Progress forConsole(PrintStream out) {
        boolean terminal = System.console() != null && System.getenv("CI") == null;
        return new Progress(out, terminal);
    }

    public static Progress quiet() {
        return new Progress(new PrintStream(java.io.OutputStream.nullOutputStream()), false);
    }

    public Stage stage(String name, long total, String unit) {
        return new Stage(name, total, unit);
    }

    /** One stage: {@code advance} as units complete; {@code done} prints the final line. */
    public final class Stage {
        private final String name;
        private final long total;
        private final String unit;
        private final long started = System.nanoTime();
        private final AtomicLong done = new AtomicLong();
        private final AtomicLong items = new AtomicLong();
        private volatile long lastPrinted = System.nanoTime();

        private Stage(String name, long total, String unit) {
            this.name = name;
            this.total = total;
            this.unit = unit;
        }

        public void advance(long units, long itemsConfirmed) {
            done.addAndGet(units);
            items.addAndGet(itemsConfirmed);
            long now = System.nanoTime();
            long every = live ? REDRAW.toNanos() : EVERY.toNanos();
            if (now - lastPrinted > every) {
                synchronized (this) {
                    if (now - lastPrinted > every) {
                        lastPrinted = now;
                        print(false);
                    }
                }
            }
        }

        public synchronized void done() {
            print(true);
        }

        private void print(boolean last) {
            double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
            long n = done.get();
            double rate = n / seconds;
            String eta = last || rate <= 0 || n >= total ? "" : ", ETA " + Math.round((total - n) / rate) + " s";
            String line = "%s: %d/%d %s%s (%.1f/s, %.1f s%s)".formatted(name, n, total, unit,
                    items.get() > 0 ? ", " + items.get() + " items" : "", rate, seconds, eta);
            if (live) {
                out.print("\r" + bar(n) + " " + line + "\u001b[K" + (last ? "\n" : ""));
            } else {
                out.println(line);
            }
            out.flush();
        }

        private String bar(long n) {
            int width = 20;
            int filled = total <= 0 ? width : (int) Math.min(width, n * width / total);
            return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "]";
        }
    }
}
