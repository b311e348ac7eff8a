package dev.cordon.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.adapter.Observation;
import dev.cordon.adapter.PatientSession;
import dev.cordon.adapter.StepAnswer;
import dev.cordon.adapter.TargetApi;
import dev.cordon.adapter.TargetUnavailableException;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.profile.Profile;
import dev.cordon.profile.Profile.Opener;
import dev.cordon.profile.Profile.Resource;
import dev.cordon.profile.Profile.WriteProbe;
import dev.cordon.profile.Templates;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Judges Cordon's own writes by what the owner reads back, never by the status code alone: a write probe of another
 * patient's item is applied when the owner finds the probe's markers (or, for a DELETE, no item) afterwards; a patient's
 * delete of their own item removes it only when neither the owner nor the operator can read it afterwards.
 */
final class WriteProbeOracle {
    /** What a read-back answers for an item that is gone. */
    static final Set<Integer> GONE = Set.of(404, 410);

    private final TargetApi target;
    private final Sessions sessions;

    WriteProbeOracle(TargetApi target, Sessions sessions) {
        this.target = target;
        this.sessions = sessions;
    }

    /** One probe by {@code caller} on {@code victim}'s (sacrificial) item: DIRECT_ACCESS when applied, UNVERIFIED when it cannot tell. */
    Optional<Finding> judge(LedgerPatient caller, LedgerPatient victim, Resource resource, WriteProbe probe, String itemId) {
        Opener verify = probe.verify() != null ? resource.openers().get(probe.verify()) : resource.openers().values().iterator().next();
        Map<String, String> values = new LinkedHashMap<>(victim.values());
        values.put("id", itemId);
        StepAnswer before = ownerRead(victim, verify, itemId);
        if (!before.ok()) {
            throw new TargetUnavailableException(before.observation().request(), before.observation().status(), "the owner could"
                    + " not read " + resource.one() + " " + itemId + " back before the write probe (" + before.observation().status() + ")", null);
        }
        Map<String, String> markers = new LinkedHashMap<>();
        JsonNode body = body(victim, resource, probe, itemId, values, verify, before, markers);
        Observation attempt = withSession(caller, s -> target.write(probe, s, itemId, caller.values(), body));
        StepAnswer after = ownerRead(victim, verify, itemId);
        Map<String, Object> evidence = AccessOracle.evidence(caller, resource.name(), itemId, victim.key(), attempt);
        evidence.put("probe", probe.name());
        evidence.put("ownerReadBefore", before.observation().request() + " -> " + before.observation().status());
        evidence.put("ownerReadAfter", after.observation().request() + " -> " + after.observation().status());
        int status = after.observation().status();
        if (probe.removes() || GONE.contains(status)) {
            if (GONE.contains(status)) {
                return Optional.of(new Finding(FindingKind.DIRECT_ACCESS, caller.key(), "%s removed %s's %s %s with %s (%s answered %d): its owner's read-back answers %d"
                        .formatted(caller.key(), victim.key(), resource.one(), itemId, probe.name(), attempt.request(), attempt.status(), status), evidence));
            }
            return after.ok() ? Optional.empty() : Optional.of(cannotTell(caller, resource, probe, itemId, attempt, after, evidence));
        }
        if (!after.ok()) {
            return Optional.of(cannotTell(caller, resource, probe, itemId, attempt, after, evidence));
        }
        Map<String, Object> changed = new LinkedHashMap<>();
        markers.forEach((field, marker) -> {
            String now = text(after.json(), field);
            if (marker.equals(now) && !marker.equals(text(before.json(), field))) {
                changed.put(field, Map.of("before", String.valueOf(text(before.json(), field)), "after", now));
            }
        });
        if (changed.isEmpty()) {
            return Optional.empty(); // refused, or accepted without effect: the owner's item is as it was
        }
        evidence.put("changed", changed);
        return Optional.of(new Finding(FindingKind.DIRECT_ACCESS, caller.key(), "%s changed %s's %s %s with %s (%s answered %d): its owner now reads %s"
                .formatted(caller.key(), victim.key(), resource.one(), itemId, probe.name(), attempt.request(), attempt.status(),
                        String.join(", ", changed.keySet().stream().map(f -> f + " = the probe's marker").toList())), evidence));
    }

    /** The probe's body: the owner's view (from) or the template, with each set field changed to its marker. */
    private JsonNode body(LedgerPatient victim, Resource resource, WriteProbe probe, String itemId, Map<String, String> values,
                          Opener verify, StepAnswer before, Map<String, String> markers) {
        JsonNode base;
        if (probe.from() != null) {
            StepAnswer view = probe.from().equals(verify.name()) ? before : ownerRead(victim, resource.openers().get(probe.from()), itemId);
            if (!view.ok() || view.json() == null || !view.json().isObject()) {
                throw new TargetUnavailableException(view.observation().request(), view.observation().status(), "the owner's view of "
                        + resource.one() + " " + itemId + " through " + probe.from() + " is not a JSON object to build the probe's body from", null);
            }
            base = view.json().deepCopy();
        } else if (probe.request().json() != null) {
            base = Templates.json(probe.request().json(), values);
            if (probe.set().isEmpty() && base.isObject()) {
                // A template without set: its own top-level values are what the owner would find changed.
                base.fields().forEachRemaining(e -> {
                    if (e.getValue().isValueNode()) {
                        markers.put(e.getKey(), e.getValue().asText());
                    }
                });
            }
        } else {
            return null;
        }
        probe.set().forEach((field, template) -> {
            String marker = Templates.text(template, values);
            markers.put(field, marker);
            if (base.isObject()) {
                ((ObjectNode) base).put(field, marker);
            }
        });
        return base;
    }

    /** The owner deletes their own item, then reads it back: still there after a confirmed delete is KEPT_AFTER_DELETE. */
    Optional<Finding> judgeOwnDelete(LedgerPatient owner, Resource resource, String itemId) {
        Profile.Deletion deletion = resource.delete();
        Map<String, String> values = new LinkedHashMap<>(owner.values());
        values.put("id", itemId);
        StepAnswer attempt = deletion.as() == Profile.Actor.patient
                ? perform(owner, "delete " + resource.one(), deletion.request(), values)
                : target.perform("delete " + resource.one(), deletion.request(), Profile.Actor.operator, null, values);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("patient", owner.key());
        evidence.put("resource", resource.name());
        evidence.put("item", itemId);
        evidence.put("delete", attempt.observation().request() + " -> " + attempt.observation().status());
        if (!attempt.ok()) {
            return Optional.of(new Finding(FindingKind.UNVERIFIED, owner.key(), "%s's delete of their own %s %s answered %d: whether"
                    .formatted(owner.key(), resource.one(), itemId, attempt.observation().status())
                    + " deletes remove could not be proven", evidence));
        }
        StepAnswer read = readBack(owner, resource, itemId, values);
        evidence.put("readBack", read.observation().request() + " -> " + read.observation().status());
        if (GONE.contains(read.observation().status())) {
            return Optional.empty();
        }
        if (read.ok()) {
            return Optional.of(new Finding(FindingKind.KEPT_AFTER_DELETE, owner.key(), "%s deleted their own %s %s (%s answered %d), yet %s still answers %d"
                    .formatted(owner.key(), resource.one(), itemId, attempt.observation().request(), attempt.observation().status(),
                            read.observation().request(), read.observation().status()), evidence));
        }
        return Optional.of(new Finding(FindingKind.UNVERIFIED, owner.key(), "after %s deleted their own %s %s, its read-back answered %d: gone or not cannot be told"
                .formatted(owner.key(), resource.one(), itemId, read.observation().status()), evidence));
    }

    /** How an item is read back after a delete: the operator's readBack where declared, else the owner's first opener. */
    StepAnswer readBack(LedgerPatient owner, Resource resource, String itemId, Map<String, String> values) {
        if (resource.readBack() != null) {
            return target.perform("read back " + resource.one(), resource.readBack(), Profile.Actor.operator, null, values);
        }
        if (resource.openers().isEmpty()) {
            throw new TargetUnavailableException("read back " + resource.one(), -1, "the profile declares neither an opener nor"
                    + " readBack for " + resource.many() + ": a delete cannot be read back", null);
        }
        return ownerRead(owner, resource.openers().values().iterator().next(), itemId);
    }

    private StepAnswer ownerRead(LedgerPatient owner, Opener opener, String itemId) {
        Map<String, String> values = new LinkedHashMap<>(owner.values());
        values.put("id", itemId);
        return perform(owner, opener.resource() + " opener " + opener.name(), opener.request(), values);
    }

    private StepAnswer perform(LedgerPatient patient, String what, Profile.Request request, Map<String, String> values) {
        StepAnswer answer = target.perform(what, request, Profile.Actor.patient, sessions.of(target, patient), values);
        if (answer.observation().status() == 401) {
            answer = target.perform(what, request, Profile.Actor.patient, sessions.renew(target, patient), values);
        }
        return answer;
    }

    private Observation withSession(LedgerPatient patient, java.util.function.Function<PatientSession, Observation> call) {
        Observation answer = call.apply(sessions.of(target, patient));
        if (answer.status() == 401) {
            answer = call.apply(sessions.renew(target, patient));
        }
        return answer;
    }

    private static Finding cannotTell(LedgerPatient caller, Resource resource, WriteProbe probe, String itemId, Observation attempt,
                                      StepAnswer after, Map<String, Object> evidence) {
        return new Finding(FindingKind.UNVERIFIED, caller.key(), "%s's %s of %s %s answered %d and its owner's read-back %d: whether it was applied cannot be told"
                .formatted(caller.key(), probe.name(), resource.one(), itemId, attempt.status(), after.observation().status()), evidence);
    }

    private static String text(JsonNode json, String field) {
        if (json == null) {
            return null;
        }
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
