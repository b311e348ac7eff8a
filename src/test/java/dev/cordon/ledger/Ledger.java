package dev.cordon.ledger;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who owns which item: the expected truth, kept as JSON Lines that outlive the process (seed and verify may be two
 * invocations around a deploy). Every record is appended as one complete line the moment the target confirms it, so a
 * crash loses at most the line in flight. Intents are written before writes, cohorts are planned before seeding and
 * closed after it, so an interrupted or partial population is known as such. A torn last line is skipped on load and
 * reported, never mistaken for data, and the file is never cut: the next record starts on a line of its own.
 *
 * <p>The file is the ledger; memory holds an index of it. Each item is a small entry (its id, its owner, its flags;
 * names shared), each patient a key, a cohort and where its line is in the file. A patient's full record (login names,
 * ids, NHS number) is read back from its line when a check reaches that patient, except for the first
 * {@link #PATIENTS_KEPT} patients, whose records are kept: small populations never touch the disk twice, and a
 * population of any size is verified in the memory of its index (≈ 100 bytes an item), not of its records.
 */
public final class Ledger implements AutoCloseable {
    /**
     * Patients whose full records stay in memory; later ones are read from the file when asked for. A JVM setting
     * ({@code -Dcordon.ledgerPatientsKept=N}, e.g. in CORDON_JAVA_OPTS) for a tighter heap, or to exercise the reads.
     */
    static final int PATIENTS_KEPT = Integer.getInteger("cordon.ledgerPatientsKept", 20_000);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads a patient's own line back: the line was validated strictly when it was written or loaded. */
    private static final ObjectReader PATIENT_LINE = JSON.readerFor(LedgerPatient.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Comparator<ItemEntry> BY_ID = Comparator.comparing(e -> e.itemId);

    private final Path path;
    private final LedgerHeader header;
    private final Map<String, PatientEntry> patients = new ConcurrentHashMap<>();
    private final List<PatientEntry> order = new ArrayList<>(); // guarded by itself
    private final Map<String, PatientEntry[]> byTargetId = new ConcurrentHashMap<>();
    private final Map<String, Map<String, ItemEntry>> itemsByResource = new ConcurrentHashMap<>();
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final Map<String, LedgerCohort> cohorts = new ConcurrentHashMap<>();
    /** What the run's fixtures extracted: made once per run, reused by every later phase, retry and shard. */
    private final Map<String, String> fixtures = new ConcurrentHashMap<>();
    /**
     * Intents are written, not kept: the file is their record (read back when a write's answer was lost), and at
     * 100,000 patients four per patient held in memory were a fifth of the verify phase's heap.
     */
    private final AtomicLong intents = new AtomicLong();
    /**
     * The settled items of each resource in id order, built once and kept until the next item is recorded: checks ask
     * for it once per patient, and sorting every item each time made a check grow with the square of the population.
     * Guarded by itself.
     */
    private final Map<String, ItemEntry[]> settledByResource = new java.util.HashMap<>();
    private OutputStream out;
    /** Where the next appended line starts in the file. Guarded by {@code this} (appends are synchronized). */
    private long position;
    private volatile FileChannel reader;
    private int skippedTornLines;

    private final int patientsKept;

    private Ledger(Path path, LedgerHeader header, int patientsKept) {
        this.path = path;
        this.header = header;
        this.patientsKept = patientsKept;
    }

    /** Starts a new ledger, replacing any previous file at that path. */
    public static Ledger create(Path path, LedgerHeader header) {
        return create(path, header, PATIENTS_KEPT);
    }

    static Ledger create(Path path, LedgerHeader header, int patientsKept) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Ledger ledger = new Ledger(path, header, patientsKept);
            ledger.out = new FileOutputStream(path.toFile(), false);
            ledger.append("header", JSON.valueToTree(header));
            return ledger;
        } catch (IOException e) {
            throw new LedgerException("cannot create the ledger " + path + ": " + e.getMessage(), e);
        }
    }

    /** Loads a ledger written by an earlier process, one line at a time, and keeps it open for appending further cohorts. */
    public static Ledger load(Path path) {
        return load(path, PATIENTS_KEPT);
    }

    static Ledger load(Path path, int patientsKept) {
        if (!Files.isRegularFile(path)) {
            throw new LedgerException("no ledger at " + path + ": run the seed phase first (or pass --ledger PATH)");
        }
        try {
            long size = Files.size(path);
            boolean lastLineComplete = size == 0 || lastByte(path) == '\n';
            Ledger ledger = null;
            int number = 0;
            try (Lines lines = new Lines(Files.newInputStream(path))) {
                Line line = lines.next();
                while (line != null) {
                    number++;
                    Line following = lines.next();
                    if (!line.blank() && following != null && following.text().contains("\"type\":\"torn\"")) {
                        // A fragment an interrupted process left, closed off by a later load's marker: never data.
                        if (ledger != null) {
                            ledger.skippedTornLines++;
                        }
                        line = lines.next();
                        continue;
                    }
                    if (!line.blank()) {
                        if (following == null && !lastLineComplete) {
                            // A line without its newline was never confirmed as written.
                            if (ledger != null) {
                                ledger.skippedTornLines++;
                            }
                            break;
                        }
                        ledger = read(path, ledger, number, line, patientsKept);
                    }
                    line = following;
                }
            }
            if (ledger == null) {
                throw new LedgerException(path + " is empty: it holds no header");
            }
            ledger.out = new FileOutputStream(path.toFile(), true);
            ledger.position = size;
            if (!lastLineComplete) {
                // Close the torn fragment off with a marker instead of cutting the file: the input is never truncated.
                byte[] marker = "\n{\"type\":\"torn\"}\n".getBytes(StandardCharsets.UTF_8);
                ledger.out.write(marker);
                ledger.out.flush();
                ledger.position += marker.length;
            }
            return ledger;
        } catch (IOException e) {
            throw new LedgerException("cannot read the ledger " + path + ": " + e.getMessage(), e);
        }
    }

    private static int lastByte(Path path) throws IOException {
        try (var channel = FileChannel.open(path)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, channel.size() - 1);
            return one.get(0);
        }
    }

    private static Ledger read(Path path, Ledger ledger, int number, Line line, int patientsKept) {
        JsonNode node;
        try {
            node = JSON.readTree(line.bytes());
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
                return new Ledger(path, JSON.treeToValue(strip(node), LedgerHeader.class), patientsKept);
            }
            switch (type) {
                case "patient" -> ledger.index(JSON.treeToValue(strip(node), LedgerPatient.class), line.offset(), line.length());
                case "item" -> ledger.index(JSON.treeToValue(strip(node), LedgerItem.class));
                case "intent" -> ledger.intents.incrementAndGet();
                case "torn" -> {
                    // the marker after a torn fragment: handled where the fragment is read
                }
                case "cohort" -> {
                    LedgerCohort cohort = JSON.treeToValue(strip(node), LedgerCohort.class);
                    ledger.cohorts.put(cohort.cohort(), cohort);
                }
                case "fixtures" -> node.path("values").fields().forEachRemaining(e -> ledger.fixtures.put(e.getKey(), e.getValue().asText()));
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
        long[] at = append("patient", JSON.valueToTree(patient));
        index(patient, at[0], (int) at[1]);
    }

    public void recordItem(LedgerItem item) {
        append("item", JSON.valueToTree(item));
        index(item);
    }

    public void recordIntent(LedgerIntent intent) {
        append("intent", JSON.valueToTree(intent));
        intents.incrementAndGet();
    }

    /** The values the run's fixtures extracted, recorded once: later invocations reuse them instead of making new ones. */
    public void recordFixtures(Map<String, String> values) {
        ObjectNode line = JSON.createObjectNode();
        line.set("values", JSON.valueToTree(new java.util.TreeMap<>(values)));
        append("fixtures", line);
        fixtures.putAll(values);
    }

    /** The fixtures' values this run recorded (empty: none made yet). */
    public Map<String, String> fixtures() {
        return Map.copyOf(fixtures);
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

    private String name(String text) {
        return text == null ? null : names.computeIfAbsent(text, t -> t);
    }

    private void index(LedgerPatient patient, long offset, int length) {
        PatientEntry entry;
        synchronized (order) {
            entry = patients.get(patient.key());
            if (entry == null) {
                entry = new PatientEntry(patient.key(), name(patient.cohort()));
                patients.put(entry.key, entry);
                order.add(entry);
            }
            if (entry.targetId != null && !entry.targetId.equals(patient.targetId())) {
                PatientEntry moved = entry;
                byTargetId.computeIfPresent(entry.targetId, (id, all) -> without(all, moved));
            }
            entry.offset = offset;
            entry.length = length;
            entry.targetId = patient.targetId();
            entry.kept = order.size() <= patientsKept || entry.kept != null ? patient : null;
        }
        PatientEntry indexed = entry;
        if (patient.targetId() == null) {
            return; // no owner key yet (its set-up has not run): not a patient any check or lookup may name
        }
        byTargetId.merge(patient.targetId(), new PatientEntry[] {entry},
                (all, one) -> Arrays.asList(all).contains(indexed) ? all : with(all, indexed));
    }

    private static PatientEntry[] with(PatientEntry[] all, PatientEntry one) {
        PatientEntry[] more = Arrays.copyOf(all, all.length + 1);
        more[all.length] = one;
        return more;
    }

    private static PatientEntry[] without(PatientEntry[] all, PatientEntry one) {
        PatientEntry[] fewer = Arrays.stream(all).filter(e -> e != one).toArray(PatientEntry[]::new);
        return fewer.length == 0 ? null : fewer;
    }

    private void index(LedgerItem item) {
        PatientEntry owner = patients.get(item.patientKey());
        if (owner == null) {
            // An item whose patient line is missing (a torn line): keep it as known, owned by a key without a record.
            synchronized (order) {
                owner = patients.computeIfAbsent(item.patientKey(), k -> new PatientEntry(k, name(item.cohort())));
            }
        }
        ItemEntry entry = new ItemEntry(name(item.resource()), item.itemId(), owner, name(item.cohort()), name(item.via()),
                item.reconciled(), item.partial());
        ItemEntry old = itemsByResource.computeIfAbsent(entry.resource, r -> new ConcurrentHashMap<>()).put(entry.itemId, entry);
        if (old != null) {
            old.owner.remove(old);
        }
        owner.add(entry);
        synchronized (settledByResource) {
            settledByResource.remove(entry.resource);
        }
    }

    /** Appends one complete line, flushed at once; answers where it starts in the file and how long it is. */
    private synchronized long[] append(String type, JsonNode body) {
        ObjectNode line = JSON.createObjectNode().put("type", type);
        line.setAll((ObjectNode) body);
        try {
            // One write per complete line, flushed at once: the file never holds half a confirmed record.
            byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            out.write(bytes);
            out.flush();
            long at = position;
            position += bytes.length;
            return new long[] {at, bytes.length - 1};
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
        PatientEntry entry = patients.get(key);
        return entry == null || entry.targetId == null ? Optional.empty() : Optional.of(record(entry));
    }

    /** A patient's record even before it has an owner key (its set-up did not finish): for cleanup, never for checks. */
    public Optional<LedgerPatient> anyPatient(String key) {
        PatientEntry entry = patients.get(key);
        return entry == null || entry.length == 0 && entry.kept == null ? Optional.empty() : Optional.of(record(entry));
    }

    public Optional<LedgerPatient> patientByTargetId(String targetId) {
        PatientEntry[] all = targetId == null ? null : byTargetId.get(targetId);
        return all == null || all.length == 0 ? Optional.empty() : Optional.of(record(all[all.length - 1]));
    }

    /** The key of the patient with this owner id, from the index alone (no record read). */
    public Optional<String> patientKeyByTargetId(String targetId) {
        PatientEntry[] all = targetId == null ? null : byTargetId.get(targetId);
        return all == null || all.length == 0 ? Optional.empty() : Optional.of(all[all.length - 1].key);
    }

    /** The other synthetic patients the target gave the same owner id as this one (a merged account: never right). */
    public List<String> othersWithTargetId(LedgerPatient patient) {
        PatientEntry[] all = byTargetId.get(patient.targetId());
        if (all == null) {
            return List.of();
        }
        return Arrays.stream(all).map(e -> e.key).filter(key -> !key.equals(patient.key())).sorted().toList();
    }

    public Optional<LedgerItem> item(String resource, String itemId) {
        Map<String, ItemEntry> ofResource = itemsByResource.get(resource);
        ItemEntry entry = ofResource == null ? null : ofResource.get(itemId);
        return entry == null ? Optional.empty() : Optional.of(entry.item());
    }

    /** How many patients the ledger holds. */
    public int patientCount() {
        synchronized (order) {
            return (int) order.stream().filter(e -> e.targetId != null).count();
        }
    }

    /** How many items the ledger holds, settled or not. */
    public int itemTotal() {
        return itemsByResource.values().stream().mapToInt(Map::size).sum();
    }

    /** The cohorts the ledger's patients belong to (patients with a record, as {@link #patients()} lists them). */
    public Set<String> patientCohorts() {
        synchronized (order) {
            Set<String> cohortsSeen = new LinkedHashSet<>();
            order.stream().filter(e -> e.targetId != null).forEach(e -> cohortsSeen.add(e.cohort));
            return cohortsSeen;
        }
    }

    /**
     * Patients in the order they were confirmed. The list is a view over the index: a patient's record is read from
     * the file when the list is asked for it (unless kept), so walking it does not hold the population in memory.
     */
    public List<LedgerPatient> patients() {
        return view(null);
    }

    public List<LedgerPatient> patients(String cohort) {
        return view(cohort);
    }

    private List<LedgerPatient> view(String cohort) {
        PatientEntry[] chosen;
        synchronized (order) {
            chosen = order.stream().filter(e -> e.targetId != null && (cohort == null || cohort.equals(e.cohort)))
                    .toArray(PatientEntry[]::new);
        }
        return ListView.of(chosen.length, index -> record(chosen[index]));
    }

    private LedgerPatient record(PatientEntry entry) {
        LedgerPatient kept = entry.kept;
        if (kept != null) {
            return kept;
        }
        long offset;
        int length;
        synchronized (order) {
            offset = entry.offset;
            length = entry.length;
        }
        try {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            FileChannel channel = channel();
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw new IOException("the file ends inside the line at byte " + offset);
                }
            }
            return PATIENT_LINE.readValue(buffer.array());
        } catch (IOException e) {
            throw new LedgerException("cannot read patient " + entry.key + " back from the ledger " + path + ": "
                    + e.getMessage() + " (was the file changed while Cordon ran?)", e);
        }
    }

    private FileChannel channel() throws IOException {
        FileChannel open = reader;
        if (open == null) {
            synchronized (this) {
                if (reader == null) {
                    reader = FileChannel.open(path, StandardOpenOption.READ);
                }
                open = reader;
            }
        }
        return open;
    }

    /** Every item, settled or not, as a view over the index. */
    public Collection<LedgerItem> items() {
        List<ItemEntry> all = new ArrayList<>();
        itemsByResource.values().forEach(m -> all.addAll(m.values()));
        return asItems(all.toArray(ItemEntry[]::new));
    }

    /** Every settled (not partial) item of one resource, in id order (a stable order for sampling). */
    public List<LedgerItem> items(String resource) {
        ItemEntry[] sorted;
        synchronized (settledByResource) {
            sorted = settledByResource.computeIfAbsent(resource, r -> itemsByResource.getOrDefault(r, Map.of()).values()
                    .stream().filter(ItemEntry::settled).sorted(BY_ID).toArray(ItemEntry[]::new));
        }
        return asItems(sorted);
    }

    private static List<LedgerItem> asItems(ItemEntry[] entries) {
        return ListView.of(entries.length, index -> entries[index].item());
    }

    /**
     * The finished items of one resource made for Cordon's own writes (write probes, delete proofs, cleanup), in id
     * order: their owner's, but a probe may change or remove them, so no listing must hold them.
     */
    public List<LedgerItem> sacrificialItems(String resource) {
        return asItems(itemsByResource.getOrDefault(resource, Map.of()).values().stream()
                .filter(i -> !i.partial && LedgerItem.isSacrificial(i.via)).sorted(BY_ID).toArray(ItemEntry[]::new));
    }

    /** The ids of a patient's own settled items of one resource, sorted: what their listings must hold. */
    public List<String> itemsOf(String patientKey, String resource) {
        PatientEntry entry = patients.get(patientKey);
        if (entry == null) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (ItemEntry item : entry.items) {
            if (item.settled() && item.resource.equals(resource)) {
                ids.add(item.itemId);
            }
        }
        ids.sort(null);
        return ids;
    }

    /** How many items a patient owns, all resources together. */
    public int itemCount(String patientKey) {
        PatientEntry entry = patients.get(patientKey);
        return entry == null ? 0 : (int) Arrays.stream(entry.items).filter(ItemEntry::settled).count();
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
            if (reader != null) {
                reader.close();
                reader = null;
            }
        } catch (IOException e) {
            throw new LedgerException("cannot close the ledger " + path, e);
        }
    }

    /** A patient in the index: the key, the cohort, and where the full record is (or the record itself, if kept). */
    private static final class PatientEntry {
        final String key;
        final String cohort;
        volatile String targetId;
        long offset; // guarded by Ledger.order
        int length; // guarded by Ledger.order
        volatile LedgerPatient kept;
        /** The patient's items, copied on write (a patient has a handful). */
        volatile ItemEntry[] items = new ItemEntry[0];

        PatientEntry(String key, String cohort) {
            this.key = key;
            this.cohort = cohort;
        }

        synchronized void add(ItemEntry item) {
            ItemEntry[] more = Arrays.copyOf(items, items.length + 1);
            more[items.length] = item;
            items = more;
        }

        synchronized void remove(ItemEntry item) {
            items = Arrays.stream(items).filter(i -> i != item).toArray(ItemEntry[]::new);
        }
    }

    /** An item in the index; names (resource, cohort, via) are shared with every other item that has them. */
    private record ItemEntry(String resource, String itemId, PatientEntry owner, String cohort, String via,
                             boolean reconciled, boolean partial) {
        LedgerItem item() {
            return new LedgerItem(resource, itemId, owner.key, cohort, via, reconciled, partial);
        }

        /** What a listing must hold and a check may sample: neither unfinished nor made for Cordon's own writes. */
        boolean settled() {
            return !partial && !LedgerItem.isSacrificial(via);
        }
    }

    /** One line of the file: its bytes (without the newline) and where it starts. */
    private record Line(byte[] bytes, long offset) {
        int length() {
            return bytes.length;
        }

        boolean blank() {
            for (byte b : bytes) {
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Splits a stream into lines on '\n', keeping each line's byte offset (a reader of characters would lose it). */
    private static final class Lines implements AutoCloseable {
        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        private int at;
        private int filled;
        private long offset;
        private boolean ended;

        Lines(InputStream in) {
            this.in = in;
        }

        Line next() throws IOException {
            if (ended) {
                return null;
            }
            line.reset();
            long start = offset;
            while (true) {
                if (at == filled) {
                    filled = in.read(buffer);
                    at = 0;
                    if (filled <= 0) {
                        filled = 0;
                        ended = true;
                        return line.size() == 0 ? null : new Line(line.toByteArray(), start);
                    }
                }
                int from = at;
                while (at < filled && buffer[at] != '\n') {
                    at++;
                }
                line.write(buffer, from, at - from);
                offset += at - from;
                if (at < filled) {
                    at++;
                    offset++;
                    return new Line(line.toByteArray(), start);
                }
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
