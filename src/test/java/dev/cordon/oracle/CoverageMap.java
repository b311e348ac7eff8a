package dev.cordon.oracle;

import dev.cordon.profile.Profile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every listing, opener, write probe and tampering channel the profile declares, and what happened to it in this run:
 * checked (for how many patients and items), unverified, not applicable (and why), or not checked (and why). A PASS
 * can then be read as "these were looked at", and nothing declared can pass unseen.
 */
public final class CoverageMap {
    public enum Status { CHECKED, UNVERIFIED, NOT_APPLICABLE, NOT_CHECKED }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    /** One line of the map. */
    public static final class Entry {
        private final String key;
        private final String kind;
        private final String resource;
        private final String name;
        private final AtomicLong patients = new AtomicLong();
        private final AtomicLong items = new AtomicLong();
        private final AtomicLong requests = new AtomicLong();
        private final AtomicLong unverified = new AtomicLong();
        private volatile String notApplicable;
        private final java.util.Set<String> notes = java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>());

        private Entry(String key, String kind, String resource, String name) {
            this.key = key;
            this.kind = kind;
            this.resource = resource;
            this.name = name;
        }

        public void checked(long patients, long items, long requests) {
            this.patients.addAndGet(patients);
            this.items.addAndGet(items);
            this.requests.addAndGet(requests);
        }

        public void unverified() {
            unverified.incrementAndGet();
        }

        /** Something a reader of the map should know about how it was checked (not a finding). */
        public Entry note(String note) {
            notes.add(note);
            return this;
        }

        public Entry notApplicable(String why) {
            notApplicable = why;
            return this;
        }

        public Status status() {
            if (unverified.get() > 0) {
                return Status.UNVERIFIED;
            }
            if (patients.get() > 0 || requests.get() > 0) {
                return Status.CHECKED;
            }
            return notApplicable != null ? Status.NOT_APPLICABLE : Status.NOT_CHECKED;
        }

        public Map<String, Object> asMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("what", key);
            map.put("kind", kind);
            map.put("resource", resource);
            map.put("name", name);
            Status status = status();
            map.put("status", status.name().toLowerCase().replace('_', '-'));
            map.put("checked", status == Status.CHECKED);
            map.put("patients", patients.get());
            map.put("items", items.get());
            map.put("requests", requests.get());
            if (unverified.get() > 0) {
                map.put("unverifiedPatients", unverified.get());
            }
            String why = switch (status) {
                case CHECKED -> "checked for " + patients.get() + " patient(s), " + items.get() + " item(s)";
                case UNVERIFIED -> unverified.get() + " patient(s) could not be checked (see the UNVERIFIED findings)";
                case NOT_APPLICABLE -> notApplicable;
                case NOT_CHECKED -> "no selected scenario checked it in this run (deselected by --tags, --skip-ui, a phase"
                        + " that ends before the update, or a check that did not run)";
            };
            synchronized (notes) {
                if (!notes.isEmpty()) {
                    map.put("notes", List.copyOf(notes));
                    why = why + "; note: " + String.join("; ", notes);
                }
            }
            map.put("why", why);
            return map;
        }
    }

    /** The map of everything a profile declares, all not checked yet. */
    public static CoverageMap of(Profile profile) {
        CoverageMap map = new CoverageMap();
        for (Profile.Resource r : profile.resources().values()) {
            r.listings().keySet().forEach(l -> map.entry("listing", r.name(), l));
            r.openers().keySet().forEach(o -> map.entry("opener", r.name(), o));
            r.writeProbes().keySet().forEach(w -> map.entry("write-probe", r.name(), w));
            if (r.delete() != null) {
                map.entry("delete", r.name(), "delete");
            }
            profile.extras().filtered(r.name()).forEach(f -> map.entry("filtered-listing", r.name(), f.name()));
        }
        profile.extras().requests().keySet().forEach(n -> map.entry("request", "*", n));
        for (Profile.Resource r : profile.resources().values()) {
            r.listings().keySet().forEach(l -> map.entry("final-sweep", r.name(), l)); // read again after the last write
        }
        profile.tampering().query().forEach(q -> map.entry("tampering-query", "*", q));
        profile.tampering().headers().forEach(h -> map.entry("tampering-header", "*", h));
        profile.tampering().body().forEach(b -> map.entry("tampering-body", "*", b));
        map.entry("identity", "*", "who-am-I");
        if (!profile.hasIdentity()) {
            map.entry("identity", "*", "who-am-I").notApplicable("the profile declares no patients.whoAmI");
        }
        map.entry("concurrency", "*", "simultaneous listings");
        map.entry("cache-policy", "*", "private responses");
        if (profile.pages() != null) {
            map.entry("web-page", profile.pages().resource(), profile.pages().listing());
        }
        return map;
    }

    public Entry entry(String kind, String resource, String name) {
        String key = kind + " " + resource + "/" + name;
        return entries.computeIfAbsent(key, k -> {
            order.add(k);
            return new Entry(k, kind, resource, name);
        });
    }

    public List<Map<String, Object>> asList() {
        synchronized (order) {
            return order.stream().map(k -> entries.get(k).asMap()).toList();
        }
    }

    /** Counts by status, for the verdict line. */
    public Map<Status, Long> counts() {
        Map<Status, Long> counts = new java.util.EnumMap<>(Status.class);
        entries.values().forEach(e -> counts.merge(e.status(), 1L, Long::sum));
        return counts;
    }
}
