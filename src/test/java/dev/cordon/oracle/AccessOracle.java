package dev.cordon.oracle;

import dev.cordon.ledger.LedgerPatient;
import dev.cordon.adapter.Observation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Judges opening (or writing to) an item by its id: a patient must open each of their own items through every opener
 * and must be refused every other patient's. A refusal counts only on the refusal statuses (401, 403, 404 by
 * default) and only when the caller's session is known to be live; 5xx, no answer or any other status is UNVERIFIED.
 */
public final class AccessOracle {
    public static final Set<Integer> REFUSALS = Set.of(401, 403, 404);

    /**
     * A 2xx answer to another patient's item is a breach only when it is the item: the same bytes its owner receives
     * through the same opener ({@code ownersView}, asked only then), or an answer of the same shape (media type and
     * top-level fields: answers such as FHIR Bundles carry per-response ids and timestamps). A 2xx that is something
     * else (a maintenance page, an error dressed as success) is UNVERIFIED: infrastructure never makes a breach. The
     * owner's view is asked twice before a breach is said, so one injected page on each side is not enough.
     */
    public Optional<Finding> foreign(LedgerPatient caller, String resource, String itemId, String owner, Observation answer,
                                     FindingKind kind, Supplier<Observation> ownersView) {
        if (answer.ok()) {
            Observation mine = ownersView.get();
            // Asked a second time when the first agrees: a page a proxy or a maintenance mode hands to every request
            // alike (the same bytes for any item) must not pass for the item by coincidence; the item itself agrees again.
            Observation again = mine.ok() && answer.sameContentAs(mine) ? ownersView.get() : mine;
            if (!mine.ok() || !answer.sameContentAs(mine) || !again.ok() || !answer.sameContentAs(again)) {
                Map<String, Object> evidence = evidence(caller, resource, itemId, owner, answer);
                evidence.put("ownersView", mine.request() + " -> " + mine.status());
                return Optional.of(new Finding(FindingKind.UNVERIFIED, caller.key(), ("%s's %s for %s %s (of %s) answered %d, but not with"
                        + " what its owner receives (%d): not counted as opened").formatted(caller.key(), answer.request(), resource,
                        itemId, owner, answer.status(), mine.status()), evidence));
            }
            return Optional.of(new Finding(kind, caller.key(), "%s opened %s %s through %s, which belongs to %s (%s answered %d with the owner's own content)"
                    .formatted(caller.key(), resource, itemId, answer.operation(), owner, answer.request(), answer.status()),
                    evidence(caller, resource, itemId, owner, answer)));
        }
        if (!REFUSALS.contains(answer.status())) {
            return Optional.of(unverified(caller, resource, itemId, answer));
        }
        return Optional.empty();
    }

    public Optional<Finding> own(LedgerPatient caller, String resource, String itemId, Observation answer) {
        if (answer.ok()) {
            return Optional.empty();
        }
        if (answer.status() == 404 || answer.status() == 403) {
            return Optional.of(new Finding(FindingKind.MISSING_FROM_LISTING, caller.key(),
                    "%s cannot open their own %s %s through %s (%s answered %d)".formatted(caller.key(), resource, itemId,
                            answer.operation(), answer.request(), answer.status()), evidence(caller, resource, itemId, caller.key(), answer)));
        }
        return Optional.of(unverified(caller, resource, itemId, answer));
    }

    public static Finding unverified(LedgerPatient caller, String resource, String itemId, Observation answer) {
        return new Finding(FindingKind.UNVERIFIED, caller.key(), "could not check %s %s for %s: %s answered %d"
                .formatted(resource, itemId, caller.key(), answer.request(), answer.status()),
                evidence(caller, resource, itemId, null, answer));
    }

    static Map<String, Object> evidence(LedgerPatient caller, String resource, String itemId, String owner, Observation answer) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("patient", caller.key());
        evidence.put("resource", resource);
        evidence.put("item", itemId);
        if (owner != null) {
            evidence.put("rightfulOwner", owner);
        }
        evidence.put("where", answer.operation());
        evidence.put("request", answer.request());
        evidence.put("status", answer.status());
        if (!answer.extracted().isEmpty()) {
            evidence.put("answered", answer.extracted());
        }
        return evidence;
    }

    public static List<String> requests(List<Observation> observations) {
        return observations.stream().map(o -> o.request() + " -> " + o.status()).toList();
    }
}
