package dev.cordon.adapter;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The whole-answer deadline of every exchange in flight (target.answerDeadlineMillis): the read timeout measures only
 * silence, so an answer trickling a byte every few seconds would hold a caller forever. One daemon thread for the JVM
 * looks every {@value #TICK_MILLIS} ms and aborts an exchange whose deadline has passed; the transport then reports it
 * as a timeout.
 */
final class AnswerDeadlines {
    private static final long TICK_MILLIS = 25;
    private static final Set<Ticket> WATCHED = ConcurrentHashMap.newKeySet();
    private static volatile Thread thread;

    private AnswerDeadlines() {
    }

    /** One exchange being watched; {@link #close()} when it ended, then {@link #expired()} says whether it was aborted. */
    static final class Ticket implements AutoCloseable {
        private final long deadlineNanos;
        private final Runnable abort;
        private final AtomicBoolean expired = new AtomicBoolean();

        private Ticket(long deadlineNanos, Runnable abort) {
            this.deadlineNanos = deadlineNanos;
            this.abort = abort;
        }

        boolean expired() {
            return expired.get();
        }

        @Override
        public void close() {
            WATCHED.remove(this);
        }
    }

    static Ticket watch(long deadlineNanos, Runnable abort) {
        Ticket ticket = new Ticket(deadlineNanos, abort);
        WATCHED.add(ticket);
        if (thread == null) {
            start();
        }
        return ticket;
    }

    private static synchronized void start() {
        if (thread != null) {
            return;
        }
        Thread t = new Thread(AnswerDeadlines::run, "cordon-answer-deadlines");
        t.setDaemon(true);
        t.start();
        thread = t;
    }

    private static void run() {
        while (true) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Ticket t : WATCHED) {
                if (now - t.deadlineNanos > 0 && t.expired.compareAndSet(false, true)) {
                    WATCHED.remove(t);
                    try {
                        t.abort.run();
                    } catch (RuntimeException ignored) {
                        // aborting a connection that is already gone
                    }
                }
            }
        }
    }
}
