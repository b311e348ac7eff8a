package dev.cordon.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who owns which recording: the expected truth, kept as JSON Lines that outlive the process (seed and verify may be
 * two invocations around a deploy). Every record is appended as one complete line the moment the target confirms it,
 * so a crash loses at most the line in flight; a torn last line is skipped on load, never mistaken for data.
 */
public final class Ledger implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final LedgerHeader header;
    private final Map<String, LedgerPatient> patients = new ConcurrentHashMap<>();
    private final Map<String, LedgerRecording> recordings = new ConcurrentHashMap<>();
    private final Map<String, LedgerPatient> patientsByTargetId = new ConcurrentHashMap<>();
    private final Map<String, java.util.Set<String>> recordingsByPatient = new ConcurrentHashMap<>();
    private final List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    private OutputStream out;
    private int skippedTornLines;

    private Ledger(Path path, LedgerHeader header) {
        this.path = path;
        this.header = header;
    }

    /** Starts a new ledger, replacing any previous file at that path. */
    public static Ledger create(Path path, LedgerHeader header) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Ledger ledger = new Ledger(path, header);
            ledger.out = new FileOutputStream(path.toFile(), false);
            ledger.append("header", JSON.valueToTree(header));
            return ledger;
        } catch (IOException e) {
            throw new LedgerException("cannot create the ledger " + path + ": " + e.getMessage(), e);
        }
    }

    /** Loads a ledger written by an earlier process and keeps it open for appending further cohorts. */
    public static Ledger load(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new LedgerException("no ledger at " + path + ": run the seed phase first (or pass --ledger PATH)");
        }
        try {
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            byte[] bytes = Files.readAllBytes(path);
            boolean lastLineComplete = bytes.length > 0 && bytes[bytes.length - 1] == '\n';
            Ledger ledger = null;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                boolean last = i == lines.size() - 1;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    if (last && !lastLineComplete) {
                        if (ledger != null) {
                            ledger.skippedTornLines++;
                        }
                        break;
                    }
                    throw new LedgerException("%s line %d is not valid JSON: the ledger is damaged".formatted(path, i + 1));
                }
                if (last && !lastLineComplete) {
                    // A line without its newline was never confirmed as written.
                    if (ledger != null) {
                        ledger.skippedTornLines++;
                    }
                    break;
                }
                String type = node.path("type").asText();
                if (ledger == null) {
                    if (!"header".equals(type)) {
                        throw new LedgerException(path + " line 1: expected the ledger header, found type '" + type + "'");
                    }
                    ledger = new Ledger(path, JSON.treeToValue(strip(node), LedgerHeader.class));
                    continue;
                }
                switch (type) {
                    case "patient" -> ledger.index(JSON.treeToValue(strip(node), LedgerPatient.class));
                    case "recording" -> ledger.index(JSON.treeToValue(strip(node), LedgerRecording.class));
                    default -> throw new LedgerException("%s line %d: unknown record type '%s'".formatted(path, i + 1, type));
                }
            }
            if (ledger == null) {
                throw new LedgerException(path + " is empty: it holds no header");
            }
            if (!lastLineComplete && bytes.length > 0) {
                // Cut the torn tail so the next append starts on a line of its own.
                int end = bytes.length;
                while (end > 0 && bytes[end - 1] != '\n') {
                    end--;
                }
                try (var channel = java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.WRITE)) {
                    channel.truncate(end);
                }
            }
            ledger.out = new FileOutputStream(path.toFile(), true);
            return ledger;
        } catch (IOException e) {
            throw new LedgerException("cannot read the ledger " + path + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode strip(JsonNode node) {
        ObjectNode copy = ((ObjectNode) node).deepCopy();
        copy.remove("type");
        return copy;
    }

    public void recordPatient(LedgerPatient patient) {
        append("patient", JSON.valueToTree(patient));
        index(patient);
    }

    public void recordRecording(LedgerRecording recording) {
        append("recording", JSON.valueToTree(recording));
        index(recording);
    }

    private void index(LedgerPatient patient) {
        patients.put(patient.key(), patient);
        patientsByTargetId.put(patient.targetId(), patient);
        order.add(patient.key());
    }

    private void index(LedgerRecording recording) {
        recordings.put(recording.recordingId(), recording);
        recordingsByPatient.computeIfAbsent(recording.patientKey(), k -> ConcurrentHashMap.newKeySet()).add(recording.recordingId());
    }

    private synchronized void append(String type, JsonNode body) {
        ObjectNode line = JSON.createObjectNode().put("type", type);
        line.setAll((ObjectNode) body);
        try {
            // One write per complete line, flushed at once: the file never holds half a confirmed record.
            out.write((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new LedgerException("cannot append to the ledger " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public LedgerHeader header() {
        return header;
    }

    public int skippedTornLines() {
        return skippedTornLines;
    }

    public Optional<LedgerPatient> patient(String key) {
        return Optional.ofNullable(patients.get(key));
    }

    public Optional<LedgerPatient> patientByTargetId(String targetId) {
        return Optional.ofNullable(patientsByTargetId.get(targetId));
    }

    public Optional<LedgerRecording> recording(String recordingId) {
        return Optional.ofNullable(recordings.get(recordingId));
    }

    /** Patients in the order they were confirmed. */
    public List<LedgerPatient> patients() {
        synchronized (order) {
            return order.stream().distinct().map(patients::get).toList();
        }
    }

    public List<LedgerPatient> patients(String cohort) {
        return patients().stream().filter(p -> p.cohort().equals(cohort)).toList();
    }

    public Collection<LedgerRecording> recordings() {
        return List.copyOf(recordings.values());
    }

    /** The recordings the ledger gives to each patient key. */
    public Map<String, List<String>> recordingsByOwner() {
        Map<String, List<String>> byOwner = new LinkedHashMap<>();
        patients().forEach(p -> byOwner.put(p.key(), new ArrayList<>()));
        recordings.values().stream().sorted(java.util.Comparator.comparing(LedgerRecording::recordingId))
                .forEach(r -> byOwner.computeIfAbsent(r.patientKey(), k -> new ArrayList<>()).add(r.recordingId()));
        return byOwner;
    }

    public List<String> recordingsOf(String patientKey) {
        return recordingsByPatient.getOrDefault(patientKey, java.util.Set.of()).stream().sorted().toList();
    }

    @Override
    public synchronized void close() {
        try {
            if (out != null) {
                out.close();
                out = null;
            }
        } catch (IOException e) {
            throw new LedgerException("cannot close the ledger " + path, e);
        }
    }
}
