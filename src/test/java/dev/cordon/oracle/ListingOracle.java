package dev.cordon.oracle;

import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerItem;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.ledger.TamperedVia;
import dev.cordon.profile.Profile;
import dev.cordon.profile.Profile.Resource;
import dev.cordon.adapter.ItemListing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Holds what a caller was shown in a listing against the ledger: exactly the caller's own items of that resource,
 * nothing foreign, nothing unknown, nothing missing. The same comparison serves API listings, concurrent probes and
 * the web page. Findings name the resource, the listing and the page where each foreign item was seen.
 */
public final class ListingOracle {
    private final Ledger ledger;

    public ListingOracle(Ledger ledger) {
        this.ledger = ledger;
    }

    public List<Finding> compare(LedgerPatient caller, Resource resource, ItemListing listing) {
        String what = resource.one() + " listing " + listing.listing();
        List<Finding> findings = new ArrayList<>(compare(caller, resource, listing.itemIds(), listing, FindingKind.FOREIGN_IN_LISTING,
                FindingKind.UNKNOWN_IN_LISTING, FindingKind.MISSING_FROM_LISTING, what));
        Set<String> related = new LinkedHashSet<>();
        listing.relatedByPage().forEach(page -> related.addAll(page.keySet()));
        related.forEach(name -> findings.addAll(compareRelated(caller, name, listing.relatedIds(name), listing, what)));
        return findings;
    }

    /**
     * Related things a listing's answers held (included resources, patient records): each must be the caller's. One of
     * another synthetic patient is FOREIGN_IN_LISTING, one the ledger does not know is UNKNOWN_IN_LISTING; an absent
     * one is not missing, since an answer holds only the related things its own items refer to.
     */
    public List<Finding> compareRelated(LedgerPatient caller, String name, List<String> observedIds, ItemListing where, String what) {
        boolean accounts = Profile.ACCOUNTS.equals(name);
        Map<String, String> foreign = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String id : new LinkedHashSet<>(observedIds)) {
            Optional<String> owner = accounts
                    ? ledger.patientKeyByTargetId(id)
                    : ledger.item(name, id).map(LedgerItem::patientKey);
            if (owner.isEmpty()) {
                unknown.add(id);
            } else if (!owner.get().equals(caller.key())) {
                foreign.put(id, owner.get());
            }
        }
        if (foreign.isEmpty() && unknown.isEmpty()) {
            return List.of();
        }
        String words = accounts ? "patient record(s)" : name + " item(s)";
        List<Finding> findings = new ArrayList<>();
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("patient", caller.key());
        base.put("username", caller.username());
        base.put("related", name);
        base.put("where", what);
        base.put("observed", List.copyOf(observedIds));
        if (where != null) {
            base.put("requests", where.requests());
        }
        if (!foreign.isEmpty()) {
            Map<String, Object> evidence = new LinkedHashMap<>(base);
            Map<String, String> owners = new LinkedHashMap<>();
            StringBuilder text = new StringBuilder();
            foreign.forEach((id, owner) -> {
                String page = where == null ? null : where.whereSeenRelated(name, id);
                String seen = page == null ? "" : " (seen on " + page + ")";
                owners.put(id, owner + seen);
                text.append(text.isEmpty() ? "" : ", ").append(id).append(" (rightful owner ").append(owner).append(")").append(seen);
            });
            evidence.put("foreign", owners);
            findings.add(new Finding(FindingKind.FOREIGN_IN_LISTING, caller.key(), "%s's %s holds %d related %s of other patients: %s"
                    .formatted(caller.key(), what, foreign.size(), words, text), evidence));
        }
        if (!unknown.isEmpty()) {
            Map<String, Object> evidence = new LinkedHashMap<>(base);
            evidence.put("unknown", unknown);
            findings.add(new Finding(FindingKind.UNKNOWN_IN_LISTING, caller.key(), "%s's %s holds %d related %s the ledger does not know (possibly a real patient's): %s"
                    .formatted(caller.key(), what, unknown.size(), words, unknown), evidence));
        }
        return findings;
    }

    /** As above with the kinds to report; a null missingKind ignores own items that are absent. */
    public List<Finding> compare(LedgerPatient caller, Resource resource, List<String> observedIds, ItemListing where,
                                 FindingKind foreignKind, FindingKind unknownKind, FindingKind missingKind, String what) {
        Set<String> expected = new LinkedHashSet<>(ledger.itemsOf(caller.key(), resource.name()));
        Set<String> observed = new LinkedHashSet<>(observedIds);
        Map<String, String> foreign = new LinkedHashMap<>();
        Map<String, String> assigned = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String id : observed) {
            if (expected.contains(id)) {
                continue;
            }
            Optional<LedgerItem> known = ledger.item(resource.name(), id);
            if (known.isPresent() && known.get().patientKey().equals(caller.key())) {
                continue; // the caller's own item of an unfinished recipe run (partial): present is fine, absent is no loss
            }
            Optional<TamperedVia> namedCaller = known.flatMap(LedgerItem::tampering)
                    .filter(t -> t.namedPatient().equals(caller.key()));
            if (namedCaller.isPresent() && foreignKind == FindingKind.FOREIGN_IN_LISTING) {
                // Made by another patient whose request body named this caller: the target obeyed the body field.
                assigned.put(id, known.get().patientKey() + " sent body field " + namedCaller.get().field() + " naming " + caller.key());
            } else if (known.isPresent()) {
                foreign.put(id, known.get().patientKey());
            } else {
                unknown.add(id);
            }
        }
        if (!foreign.isEmpty() && !assigned.isEmpty()) {
            // Other patients' items beside the mass-assigned ones: the body field does not explain this listing, so
            // every item in it that is not the caller's is reported as foreign.
            assigned.keySet().forEach(id -> foreign.put(id, ledger.item(resource.name(), id).map(LedgerItem::patientKey).orElseThrow()));
            assigned.clear();
        }
        List<String> missing = expected.stream().filter(id -> !observed.contains(id)).toList();
        if (foreign.isEmpty() && assigned.isEmpty() && unknown.isEmpty() && (missing.isEmpty() || missingKind == null)) {
            return List.of(); // the common case: no evidence to assemble
        }

        List<Finding> findings = new ArrayList<>();
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("patient", caller.key());
        base.put("username", caller.username());
        base.put("resource", resource.name());
        base.put("where", what);
        base.put("expected", List.copyOf(expected));
        base.put("observed", List.copyOf(observedIds));
        if (where != null) {
            base.put("requests", where.requests());
        }
        if (!foreign.isEmpty()) {
            Map<String, Object> evidence = new LinkedHashMap<>(base);
            Map<String, String> owners = new LinkedHashMap<>();
            foreign.forEach((id, owner) -> owners.put(id, owner + seenOn(where, id)));
            evidence.put("foreign", owners);
            findings.add(new Finding(foreignKind, caller.key(), "%s's %s holds %d %s of other patients: %s"
                    .formatted(caller.key(), what, foreign.size(), resource.many(), describe(foreign, where)), evidence));
        }
        if (!assigned.isEmpty()) {
            Map<String, Object> evidence = new LinkedHashMap<>(base);
            Map<String, String> how = new LinkedHashMap<>();
            assigned.forEach((id, made) -> how.put(id, made + seenOn(where, id)));
            evidence.put("assignedThroughBody", how);
            findings.add(new Finding(FindingKind.PARAMETER_TAMPERING, caller.key(), "%s's %s holds %d %s made by other patients whose request body named %s: %s"
                    .formatted(caller.key(), what, assigned.size(), resource.many(), caller.key(), describeMade(how)), evidence));
        }
        if (!unknown.isEmpty()) {
            Map<String, Object> evidence = new LinkedHashMap<>(base);
            evidence.put("unknown", unknown);
            findings.add(new Finding(unknownKind, caller.key(), "%s's %s holds %d item(s) the ledger does not know (possibly a real patient's): %s"
                    .formatted(caller.key(), what, unknown.size(), unknown), evidence));
        }
        if (!missing.isEmpty() && missingKind != null) {
            Map<String, Object> evidence = new LinkedHashMap<>(base);
            evidence.put("missing", missing);
            findings.add(new Finding(missingKind, caller.key(), "%s's %s lacks %d of their own %s: %s"
                    .formatted(caller.key(), what, missing.size(), resource.many(), missing), evidence));
        }
        return findings;
    }

    private static String seenOn(ItemListing where, String id) {
        String page = where == null ? null : where.whereSeen(id);
        return page == null ? "" : " (seen on " + page + ")";
    }

    private static String describeMade(Map<String, String> how) {
        StringBuilder text = new StringBuilder();
        how.forEach((id, made) -> text.append(text.isEmpty() ? "" : ", ").append(id).append(" (").append(made).append(")"));
        return text.toString();
    }

    private static String describe(Map<String, String> foreign, ItemListing where) {
        StringBuilder text = new StringBuilder();
        foreign.forEach((id, owner) -> text.append(text.isEmpty() ? "" : ", ").append(id).append(" (rightful owner ")
                .append(owner).append(")").append(seenOn(where, id)));
        return text.toString();
    }
}
