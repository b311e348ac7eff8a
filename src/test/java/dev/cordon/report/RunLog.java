package dev.cordon.report;

import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Keeps library chatter off the gate's console: slf4j-simple (the clinic's Javalin, Jetty, HikariCP and Flyway,
 * Testcontainers) and java.util.logging (Selenium, Apache HttpClient) both go to one file, target/cordon/cordon.log,
 * where an engineer finds them when a run needs explaining. The console keeps only what the gate itself says.
 */
public final class RunLog {
    public static final String FILE_NAME = "cordon.log";
    private static final String SLF4J_LOG_FILE = "org.slf4j.simpleLogger.logFile";
    private static final String SLF4J_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private RunLog() {
    }

    /**
     * Routes library logging of this process to {@code workDir/cordon.log}. Call before the first library logs:
     * slf4j-simple reads its settings once. An explicit -Dorg.slf4j.simpleLogger.logFile wins.
     */
    public static synchronized Path route(Path workDir) {
        Path file = workDir.resolve(FILE_NAME).toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file.getParent(), e);
        }
        if (System.getProperty(SLF4J_LOG_FILE) == null) {
            System.setProperty(SLF4J_LOG_FILE, file.toString());
            // In a file, INFO is worth keeping (what started, where, which migrations ran); the console sees none of it.
            System.setProperty(SLF4J_LEVEL, System.getProperty(SLF4J_LEVEL, "info"));
        }
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        root.addHandler(new ToSlf4j());
        return file;
    }

    /** Hands java.util.logging records to SLF4J, so both end in the same file in the order they happened. */
    static final class ToSlf4j extends Handler {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            if (record == null || !isLoggable(record)) {
                return;
            }
            org.slf4j.Logger logger = LoggerFactory.getLogger(record.getLoggerName() == null ? "jul" : record.getLoggerName());
            String message = formatter.formatMessage(record);
            int level = record.getLevel().intValue();
            if (level >= Level.SEVERE.intValue()) {
                logger.error(message, record.getThrown());
            } else if (level >= Level.WARNING.intValue()) {
                logger.warn(message, record.getThrown());
            } else if (level >= Level.INFO.intValue()) {
                logger.info(message, record.getThrown());
            } else {
                logger.debug(message, record.getThrown());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
