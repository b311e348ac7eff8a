package dev.cordon.clinic.web;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One line per request: method, path, status, milliseconds. Never bodies, query strings, tokens or cookies.
 * Target "stdout", "off", or a file path (appended).
 */
public final class AccessLog implements AutoCloseable {
    private final PrintStream stdout;
    private final Writer file;

    private AccessLog(PrintStream stdout, Writer file) {
        this.stdout = stdout;
        this.file = file;
    }

    public static AccessLog to(String target) {
        if (target == null || target.isBlank() || target.equals("stdout")) return new AccessLog(System.out, null);
        if (target.equals("off")) return new AccessLog(null, null);
        try {
            Path path = Path.of(target);
            if (path.toAbsolutePath().getParent() != null) Files.createDirectories(path.toAbsolutePath().getParent());
            return new AccessLog(null, Files.newBufferedWriter(path, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open access log " + target, e);
        }
    }

    public void record(String method, String path, int status, long millis) {
        String line = "access method=" + method + " path=" + path + " status=" + status + " ms=" + millis;
        if (stdout != null) stdout.println(line);
        if (file != null) {
            synchronized (file) {
                try {
                    file.write(line);
                    file.write('\n');
                    file.flush();
                } catch (IOException ignored) {
                    // Losing an access-log line must not fail the request.
                }
            }
        }
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // closing at shutdown
            }
        }
    }
}
