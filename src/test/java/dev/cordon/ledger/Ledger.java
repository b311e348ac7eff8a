package dev.cordon.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who owns which item: the expected truth, kept as JSON Lines that outlive the process (seed and verify may be two
 * invocations around a deploy). Every record is appended as one complete line the moment the target confirms it, so a
 * crash loses at most the line in flight. Intents are written before writes, cohorts are planned before seeding and
 * closed after it, so an interrupted or partial population is known as such. A torn last line is skipped on load and
 * reported, never mistaken for data, and the file is never cut: the next record starts on a line of its own.
 */
public final class Ledger implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final LedgerHeader header;
    private final Map<String, LedgerPatient> patients = new ConcurrentHashMap<>();
    private final Map<String, LedgerItem> items = new ConcurrentHashMap<>();
    private final Map<String, LedgerPatient> patientsByTargetId = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> keysByTargetId = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Set<String>>> itemsByPatient = new ConcurrentHashMap<>();
    private final Map<String, LedgerCohort> cohorts = new ConcurrentHashMap<>();
    /**
     * Intents are written, not kept: the file is their record (read back when a write's answer was lost), and at
     * 100,000 patients four per patient held in memory were a fifth of the verify phase's heap.
     */
    private final java.util.concurrent.atomic.AtomicLong intents = new java.util.concurrent.atomic.AtomicLong();
    private final List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    /**
     * The settled items of each resource in id order, built once and kept until the next item is recorded: checks ask
     * for it once per patient, and sorting every item each time made a check grow with the square of the population.
     * Guarded by itself; {@link #index(LedgerItem)} clears it after the item is in {@link #items}.
     */
    private final Map<String, List<LedgerItem>> settledByResource = new java.util.HashMap<>();
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
            long size = Files.size(path);
            boolean lastLineComplete = size == 0 || lastByte(path) == '\n';
            Ledger ledger = null;
            int number = 0;
            try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                String line = reader.readLine();
                while (line != null) {
                    number++;
                    String following = reader.readLine();
                    boolean last = following == null;
                    if (!line.isBlank() && following != null && following.contains("\"type\":\"torn\"")) {
                        // A fragment an interrupted process left, closed off by a later load's marker: never data.
                        if (ledger != null) {
                            ledger.skippedTornLines++;
                        }
                        line = reader.readLine();
                        continue;
                    }
                    if (!line.isBlank()) {
                        if (last && !lastLineComplete) {
                            // A line without its newline was never confirmed as written.
                            if (ledger != null) {
                                ledger.skippedTornLines++;
                            }
                            break;
                        }
                        ledger = read(path, ledger, number, line);
                    }
                    line = following;
                }
            }
            if (ledger == null) {
                throw new LedgerException(path + " is empty: it holds no header");
            }
            ledger.out = new FileOutputStream(path.toFile(), true);
            if (!lastLineComplete) {
                // Close the torn fragment off with a marker instead of cutting the file: the input is never truncated.
                ledger.out.write("\n{\"type\":\"torn\"}\n".getBytes(StandardCharsets.UTF_8));
                ledger.out.flush();
            }
            return ledger;
        } catch (IOException e) {
            throw new LedgerException("cannot read the ledger " + path + ": " + e.getMessage(), e);
        }
    }

    private static int lastByte(Path path) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(path)) {
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            channel.read(one, channel.size() - 1);
            return one.get(0);
        }
    }

    private static Ledger read(Path path, Ledger ledger, int number, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            throw new LedgerException("%s line %d is not valid JSON: the ledger is damaged (restore it from the seed job's"
                    .formatted(path, number) + " artifact, or seed again)");
        }
        String type = node.path("type").asText();
        try {
            if (ledger == null) {
                if (!"header".equals(type)) {
                    throw new LedgerException(path + " line 1: expected the ledger header, found type '" + type + "'");
                }
                return new Ledger(path, JSON.treeToValue(strip(node), LedgerHeader.class));
            }
            switch (type) {
                case "patient" -> ledger.index(JSON.treeToValue(strip(node), LedgerPatient.class));
                case "item" -> ledger.index(JSON.treeToValue(strip(node), LedgerItem.class));
                case "intent" -> ledger.intents.incrementAndGet();
                case "torn" -> {
                    // the marker after a torn fragment: handled where the fragment is read
                }
                case "cohort" -> {
                    LedgerCohort cohort = JSON.treeToValue(strip(node), LedgerCohort.class);
                    ledger.cohorts.put(cohort.cohort(), cohort);
                }
                default -> throw new LedgerException("%s line %d: unknown record type '%s'".formatted(path, number, type));
            }
            return ledger;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new LedgerException("%s line %d: a '%s' record without the expected fields: the ledger is damaged or was"
                    .formatted(path, number, type) + " written by another version of Cordon");
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

    public void recordItem(LedgerItem item) {
        append("item", JSON.valueToTree(item));
        index(item);
    }

    public void recordIntent(LedgerIntent intent) {
        append("intent", JSON.valueToTree(intent));
        intents.incrementAndGet();
    }

    public void planCohort(String cohort, int patients) {
        LedgerCohort planned = new LedgerCohort(cohort, patients, false, 0, List.of());
        append("cohort", JSON.valueToTree(planned));
        cohorts.put(cohort, planned);
    }

    public void closeCohort(String cohort, int completePatients, List<String> incompletePatients) {
        LedgerCohort planned = cohorts.get(cohort);
        LedgerCohort closed = new LedgerCohort(cohort, planned == null ? completePatients : planned.plannedPatients(), true,
                completePatients, List.copyOf(incompletePatients));
        append("cohort", JSON.valueToTree(closed));
        cohorts.put(cohort, closed);
    }

    private void index(LedgerPatient patient) {
        if (patients.put(patient.key(), patient) == null) {
            order.add(patient.key());
        }
        patientsByTargetId.put(patient.targetId(), patient);
        keysByTargetId.computeIfAbsent(patient.targetId(), k -> ConcurrentHashMap.newKeySet()).add(patient.key());
    }

    private void index(LedgerItem item) {
        items.put(item.ref(), item);
        synchronized (settledByResource) {
            settledByResource.clear();
        }
        if (item.partial()) {
            return; // known to be the patient's, but not expected anywhere: see LedgerItem
        }
        itemsByPatient.computeIfAbsent(item.patientKey(), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(item.resource(), k -> ConcurrentHashMap.newKeySet()).add(item.itemId());
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

    /** The other synthetic patients the target gave the same owner id as this one (a merged account: never right). */
    public List<String> othersWithTargetId(LedgerPatient patient) {
        return keysByTargetId.getOrDefault(patient.targetId(), Set.of()).stream()
                .filter(key -> !key.equals(patient.key())).sorted().toList();
    }

    public Optional<LedgerItem> item(String resource, String itemId) {
        return Optional.ofNullable(items.get(resource + "/" + itemId));
    }

    /** Patients in the order they were confirmed. */
    public List<LedgerPatient> patients() {
        synchronized (order) {
            return order.stream().map(patients::get).toList();
        }
    }

    public List<LedgerPatient> patients(String cohort) {
        return patients().stream().filter(p -> p.cohort().equals(cohort)).toList();
    }

    public Collection<LedgerItem> items() {
        return List.copyOf(items.values());
    }

    /** Every settled (not partial) item of one resource, in id order (a stable order for sampling). */
    public List<LedgerItem> items(String resource) {
        synchronized (settledByResource) {
            return settledByResource.computeIfAbsent(resource, r -> items.values().stream()
                    .filter(i -> i.resource().equals(r) && !i.partial())
                    .sorted(Comparator.comparing(LedgerItem::itemId)).toList());
        }
    }

    /** The ids of a patient's own settled items of one resource, sorted: what their listings must hold. */
    public List<String> itemsOf(String patientKey, String resource) {
        Map<String, Set<String>> byResource = itemsByPatient.get(patientKey);
        if (byResource == null) {
            return List.of();
        }
        return byResource.getOrDefault(resource, Set.of()).stream().sorted().toList();
    }

    /** How many items a patient owns, all resources together. */
    public int itemCount(String patientKey) {
        Map<String, Set<String>> byResource = itemsByPatient.get(patientKey);
        return byResource == null ? 0 : byResource.values().stream().mapToInt(Set::size).sum();
    }

    public Map<String, LedgerCohort> cohorts() {
        return new LinkedHashMap<>(cohorts);
    }

    /** How many intents the ledger holds (each is in the file, not in memory). */
    public long intentCount() {
        return intents.get();
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
