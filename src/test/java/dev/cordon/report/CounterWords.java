package dev.cordon.report;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The counters of summary.json in plain words. summary.json keeps its machine keys (scripts read them) and carries
 * these words beside them under "labels"; the verdict page and the console show only the words. A counter added
 * without words here still reads as words (its key split at capitals), never as a raw name.
 */
public final class CounterWords {
    private static final Map<String, String> WORDS = new LinkedHashMap<>();

    static {
        WORDS.put("patientsSeeded", "synthetic patients seeded");
        WORDS.put("recordingsSeeded", "items seeded (recordings, documents, ...)");
        WORDS.put("accountBatchRequests", "requests that created several accounts at once (batch create)");
        WORDS.put("accountsReconciled", "accounts confirmed by logging in after a batch answer was lost");
        WORDS.put("itemsReconciled", "items confirmed by reading back after a write answer was lost");
        WORDS.put("patientsChecked", "patients checked (once per scenario that checked them)");
        WORDS.put("recordingsExpected", "items expected in the listings checked");
        WORDS.put("listingsChecked", "listings checked");
        WORDS.put("pagesFetched", "listing pages fetched");
        WORDS.put("ownRecordingsOpened", "own items opened by id");
        WORDS.put("foreignProbes", "other patients' items probed by id");
        WORDS.put("tamperingProbes", "requests naming another patient (parameters, headers, body fields)");
        WORDS.put("writeProbes", "writes tried on another patient's item");
        WORDS.put("sessionsChecked", "sessions checked against who-am-I");
        WORDS.put("crosstalkProbes", "simultaneous listing probes");
        WORDS.put("cacheResponsesChecked", "private responses checked for cache policy");
        WORDS.put("uiPagesChecked", "web pages checked in a browser");
        WORDS.put("uiPatientsChecked", "patients checked in a browser");
        WORDS.put("findings", "findings");
        WORDS.put("traffic.requests", "HTTP requests sent");
        WORDS.put("traffic.retries", "reads retried after an error");
        WORDS.put("traffic.backoffs", "pauses when the target asked to slow down");
        for (Outcome o : Outcome.values()) {
            WORDS.put("scenarios." + o.key(), "scenarios " + o.words());
        }
        WORDS.put("scenarios.skipped", "of the failed scenarios: did not run");
    }

    private CounterWords() {
    }

    /** The words for a counter key ("traffic.requests" for a nested one). */
    public static String of(String key) {
        String words = WORDS.get(key);
        return words != null ? words : split(key);
    }

    /** Whether the key has words of its own (not the fallback). */
    public static boolean known(String key) {
        return WORDS.containsKey(key);
    }

    /** Every key with words, in the page's order. */
    public static Map<String, String> all() {
        return java.util.Collections.unmodifiableMap(WORDS);
    }

    /** "accountBatchRequests" -> "account batch requests". */
    static String split(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1);
        return last.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }
}
