package dev.cordon.clinic;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** A few synthetic patients with completed consultations, and what each should see. */
final class Population {
    static final Instant FIRST_SLOT = Instant.parse("2026-12-01T09:00:00Z");

    final Map<String, Long> patientIds = new LinkedHashMap<>();
    final Map<String, List<Long>> recordings = new LinkedHashMap<>();

    /** Patients p0..p(n-1), interleaved so consultation ids do not follow patient ids. */
    static Population create(TestClinic c, int patients, int consultationsEach) {
        Population p = new Population();
        for (int i = 0; i < patients; i++) {
            String name = "p" + i;
            p.patientIds.put(name, c.createPatient(name));
            p.recordings.put(name, new ArrayList<>());
        }
        Map<String, String> tokens = p.login(c);
        int slot = 0;
        for (int k = 0; k < consultationsEach; k++) {
            for (String name : p.patientIds.keySet()) {
                p.recordings.get(name).addAll(c.completedConsultation(tokens.get(name), FIRST_SLOT.plusSeconds(1800L * slot++)));
            }
        }
        return p;
    }

    /** Like {@link #create} but each patient completes all their consultations before the next patient starts. */
    static Population createSequentially(TestClinic c, int patients, int consultationsEach) {
        Population p = new Population();
        int slot = 0;
        for (int i = 0; i < patients; i++) {
            String name = "p" + i;
            p.patientIds.put(name, c.createPatient(name));
            p.recordings.put(name, new ArrayList<>());
            String token = c.login(name);
            for (int k = 0; k < consultationsEach; k++) {
                p.recordings.get(name).addAll(c.completedConsultation(token, FIRST_SLOT.plusSeconds(1800L * slot++)));
            }
        }
        return p;
    }

    Map<String, String> login(TestClinic c) {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String name : patientIds.keySet()) tokens.put(name, c.login(name));
        return tokens;
    }

    Map<String, List<Long>> listings(TestClinic c) {
        Map<String, List<Long>> seen = new LinkedHashMap<>();
        login(c).forEach((name, token) -> seen.put(name, c.listing(token)));
        return seen;
    }

    /** Every caller asks for page 1 at the same instant; what each got. */
    static Map<String, List<Long>> concurrentFirstPages(TestClinic c, Map<String, String> tokens) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(tokens.size());
        ExecutorService pool = Executors.newFixedThreadPool(tokens.size());
        try {
            Map<String, Future<List<Long>>> futures = new LinkedHashMap<>();
            tokens.forEach((name, token) -> futures.put(name, pool.submit(() -> {
                barrier.await(10, TimeUnit.SECONDS);
                TestClinic.Response r = c.get("/api/replays?page=1&size=100", token);
                return TestClinic.ids(idsNode(r));
            })));
            Map<String, List<Long>> result = new LinkedHashMap<>();
            for (var e : futures.entrySet()) result.put(e.getKey(), e.getValue().get(30, TimeUnit.SECONDS));
            return result;
        } finally {
            pool.shutdownNow();
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode idsNode(TestClinic.Response r) {
        var array = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        r.json().get("items").forEach(item -> array.add(item.get("id").asLong()));
        return array;
    }
}
