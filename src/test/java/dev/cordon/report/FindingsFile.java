package dev.cordon.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.oracle.Finding;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * target/cordon/findings.jsonl: every finding of a run, one JSON object per line as summary.json writes a finding
 * ({@link Evidence#asMap}: kind, category, patient, summary, evidence; JSON-escaped, so a value from the target can
 * never start a line of its own), appended and flushed as each is found. The summary and the report show counts and
 * samples; this file is where all of them are.
 */
public final class FindingsFile implements Consumer<Finding>, AutoCloseable {
    public static final String FILE_NAME = "findings.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private BufferedWriter out;
    private long lines;

    /** Starts the run's file empty (a previous run's findings are not this run's). */
    public FindingsFile(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public Path path() {
        return file;
    }

    @Override
    public void accept(Finding finding) {
        append(line(finding));
    }

    /** A finding already in summary.json's form (a kind of an extension's own, say): one more line. */
    public void accept(java.util.Map<String, Object> finding) {
        try {
            append(JSON.writeValueAsString(finding));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a finding cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    private synchronized void append(String line) {
        try {
            if (out == null) {
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            out.write(line);
            out.write('\n');
            out.flush();
            lines++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append a finding to " + file, e);
        }
    }

    /** One finding as one line of JSON (no raw line break can appear inside: JSON escapes them). */
    public static String line(Finding finding) {
        try {
            return JSON.writeValueAsString(Evidence.asMap(finding));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a finding cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    public synchronized long lines() {
        return lines;
    }

    @Override
    public synchronized void close() {
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        } finally {
            out = null;
        }
    }
}
