package dev.cordon.oracle;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What was actually checked, so a pass can be read as "checked N of N", never as "nothing looked". */
public final class Coverage {
    public static final String PATIENTS_CHECKED = "patientsChecked";
    public static final String RECORDINGS_EXPECTED = "recordingsExpected";
    public static final String LISTINGS_CHECKED = "listingsChecked";
    public static final String PAGES_FETCHED = "pagesFetched";
    public static final String OWN_OPENS = "ownRecordingsOpened";
    public static final String FOREIGN_PROBES = "foreignProbes";
    public static final String SESSIONS_CHECKED = "sessionsChecked";
    public static final String PATIENTS_SEEDED = "patientsSeeded";
    public static final String RECORDINGS_SEEDED = "recordingsSeeded";

    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

    public void add(String counter, long amount) {
        counters.computeIfAbsent(counter, k -> new AtomicLong()).addAndGet(amount);
    }

    public long get(String counter) {
        AtomicLong value = counters.get(counter);
        return value == null ? 0 : value.get();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new LinkedHashMap<>();
        counters.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> copy.put(e.getKey(), e.getValue().get()));
        return copy;
    }
}
