package dev.cordon.gate;

import dev.cordon.adapter.LoginRefusedException;
import dev.cordon.adapter.StepAnswer;
import dev.cordon.adapter.TargetApi;
import dev.cordon.adapter.TargetUnavailableException;
import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerItem;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.oracle.Finding;
import dev.cordon.oracle.FindingKind;
import dev.cordon.oracle.Sessions;
import dev.cordon.population.PopulationPlanner;
import dev.cordon.profile.Profile;
import dev.cordon.profile.Profile.Resource;

import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes synthetic records and proves it. For the ledger's run: every item the ledger knows (sacrificial ones too) is
 * deleted where its resource declares how, in reverse order of creation (resources in reverse order, set-up records
 * last), then the patients' accounts; then everything is read back — each item through its resource's operator
 * readBack (or, before the accounts go, the owner's opener), the accounts through the operator's patient list. The
 * verdict is PASS only when nothing of the run remains and every item and account was read back as gone; otherwise it
 * is UNVERIFIED (exit 3) with the counts per resource. With {@code --older-than-hours} the same by run tag (no ledger,
 * so only accounts can be read back). Idempotent: what is already gone is counted, never an error.
 */
final class Cleanup {
    private static final Set<Integer> GONE = Set.of(404, 410);

    private final GateRun run;
    private final PrintStream out;

    Cleanup(GateRun run, PrintStream out) {
        this.run = run;
        this.out = out;
    }

    /** Per resource: what was deleted and what reading back showed. */
    private static final class Tally {
        final Resource resource;
        int items;
        int deleted;
        int alreadyGone;
        int deleteFailed;
        int readGone;
        int remain;
        int unconfirmed;
        String whyUnconfirmed;

        Tally(Resource resource) {
            this.resource = resource;
        }

        String line() {
            StringBuilder line = new StringBuilder(resource.many() + ": " + items + " in the ledger");
            if (resource.delete() != null) {
                line.append(", ").append(deleted).append(" deleted, ").append(alreadyGone).append(" already gone");
                if (deleteFailed > 0) {
                    line.append(", ").append(deleteFailed).append(" could not be deleted");
                }
            } else {
                line.append(" (no delete declared: removed with their patient's account, if the target cascades)");
            }
            line.append("; read back: ").append(readGone).append(" gone");
            if (remain > 0) {
                line.append(", ").append(remain).append(" STILL there");
            }
            if (unconfirmed > 0) {
                line.append(", ").append(unconfirmed).append(" not read back (").append(whyUnconfirmed).append(")");
            }
            return line.toString();
        }
    }

    void run() {
        TargetApi target = run.connectForCleanup();
        if (run.options().olderThanHours() != null) {
            olderThan(target, run.options().olderThanHours());
            return;
        }
        Ledger ledger = run.ledger();
        String runId = ledger.header().runId();
        Sessions sessions = run.sessionsForCleanup();
        Map<String, Tally> tallies = new LinkedHashMap<>();
        for (Resource resource : removalOrder(target.profile())) {
            Tally tally = new Tally(resource);
            tallies.put(resource.name(), tally);
            List<LedgerItem> items = new ArrayList<>(ledger.items().stream().filter(i -> i.resource().equals(resource.name())).toList());
            items.sort(Comparator.comparing(LedgerItem::itemId, Comparator.comparing(String::length).thenComparing(Comparator.naturalOrder()))
                    .reversed());
            tally.items = items.size();
            for (LedgerItem item : items) {
                LedgerPatient owner = ledger.anyPatient(item.patientKey()).orElse(null);
                if (resource.delete() != null) {
                    deleteItem(target, sessions, resource, item, owner, tally);
                    if (resource.readBack() == null) {
                        // Read back now, while the owner can still log in: after the accounts go only the operator can.
                        readBackAsOwner(target, sessions, resource, item, owner, tally);
                    }
                } else if (resource.readBack() == null) {
                    unconfirmed(tally, "they go with their patient's account; declare resources." + resource.name()
                            + ".readBack (the operator's read by id) to confirm it");
                }
            }
        }
        int[] accounts = removeAccounts(target, ledger, runId);
        for (Tally tally : tallies.values()) {
            if (tally.resource.readBack() == null) {
                continue;
            }
            for (LedgerItem item : ledger.items()) {
                if (item.resource().equals(tally.resource.name())) {
                    readBackAsOperator(target, tally, item, ledger.anyPatient(item.patientKey()).orElse(null));
                }
            }
        }
        out.printf("cleanup: the target accepted the delete of %d synthetic patients of run %s (%d were already gone)%n", accounts[0], runId, accounts[1]);
        tallies.values().stream().filter(t -> t.items > 0).forEach(t -> out.println("cleanup: " + t.line()));
        long accountsRemaining = accountsStillListed(target, runId);
        int remain = tallies.values().stream().mapToInt(t -> t.remain).sum();
        int unconfirmed = tallies.values().stream().mapToInt(t -> t.unconfirmed).sum();
        int items = tallies.values().stream().mapToInt(t -> t.items).sum();
        List<String> problems = new ArrayList<>();
        tallies.values().stream().filter(t -> t.remain > 0).forEach(t -> problems.add(t.remain + " " + t.resource.many() + " remain"));
        tallies.values().stream().filter(t -> t.unconfirmed > 0).forEach(t -> problems.add(t.unconfirmed + " " + t.resource.many()
                + " not read back"));
        if (accountsRemaining != 0) {
            problems.add(accountsRemaining < 0 ? "the accounts could not be read back (the profile declares no patients.list)"
                    : accountsRemaining + " synthetic patients of the run are still listed");
        }
        if (problems.isEmpty()) {
            out.printf("cleanup: confirmed, nothing of run %s remains: %d items and every account read back as gone%n", runId, items);
            run.note("cleanup removed " + accounts[0] + " synthetic patients (" + accounts[1] + " already gone) and read back "
                    + items + " items and the accounts as gone");
        } else {
            String what = String.join("; ", problems);
            out.printf("cleanup: NOT confirmed for run %s: %s%n", runId, what);
            run.note("cleanup incomplete: " + what);
            Map<String, Object> evidence = new LinkedHashMap<>();
            tallies.values().forEach(t -> evidence.put(t.resource.name(), t.line()));
            evidence.put("accountsStillListed", accountsRemaining);
            run.record(List.of(new Finding(FindingKind.UNVERIFIED, "*", "cleanup of run " + runId + " is not confirmed: " + what
                    + " (remaining: " + remain + ", not read back: " + unconfirmed + ")", evidence)));
        }
    }

    /** Resources in reverse order of creation: later-declared first, those a set-up step makes (patient records) last. */
    static List<Resource> removalOrder(Profile profile) {
        Set<String> setupMade = new LinkedHashSet<>();
        profile.patients().setup().forEach(step -> setupMade.addAll(step.owns().keySet()));
        List<Resource> order = new ArrayList<>(profile.resources().values());
        java.util.Collections.reverse(order);
        order.sort(Comparator.comparing(r -> setupMade.contains(r.name())));
        return order;
    }

    private void deleteItem(TargetApi target, Sessions sessions, Resource resource, LedgerItem item, LedgerPatient owner, Tally tally) {
        Profile.Deletion deletion = resource.delete();
        try {
            Map<String, String> values = valuesOf(owner, item);
            StepAnswer answer;
            if (deletion.as() == Profile.Actor.patient) {
                if (owner == null) {
                    tally.deleteFailed++;
                    return;
                }
                answer = target.perform("cleanup delete " + resource.one(), deletion.request(), Profile.Actor.patient,
                        sessions.of(target, owner), values);
                if (answer.observation().status() == 401) {
                    answer = target.perform("cleanup delete " + resource.one(), deletion.request(), Profile.Actor.patient,
                            sessions.renew(target, owner), values);
                }
            } else {
                answer = target.perform("cleanup delete " + resource.one(), deletion.request(), Profile.Actor.operator, null, values);
            }
            if (answer.ok()) {
                tally.deleted++;
            } else if (GONE.contains(answer.observation().status())) {
                tally.alreadyGone++;
            } else {
                tally.deleteFailed++;
            }
        } catch (TargetUnavailableException e) {
            tally.deleteFailed++; // an owner who can no longer log in (already removed) cannot delete: read back decides
        }
    }

    private void readBackAsOwner(TargetApi target, Sessions sessions, Resource resource, LedgerItem item, LedgerPatient owner, Tally tally) {
        if (resource.openers().isEmpty()) {
            unconfirmed(tally, "the profile declares neither readBack nor an opener for " + resource.many());
            return;
        }
        if (owner == null) {
            unconfirmed(tally, "an owner without a complete ledger record cannot log in to read back");
            return;
        }
        Profile.Opener opener = resource.openers().values().iterator().next();
        try {
            Map<String, String> values = valuesOf(owner, item);
            StepAnswer answer = target.perform("cleanup read back " + resource.one(), opener.request(), Profile.Actor.patient,
                    sessions.of(target, owner), values);
            judge(tally, answer);
        } catch (LoginRefusedException e) {
            unconfirmed(tally, "the owner's account is gone: only readBack (the operator's read) could confirm");
        } catch (TargetUnavailableException e) {
            unconfirmed(tally, "the read-back failed: " + e.getMessage());
        }
    }

    private void readBackAsOperator(TargetApi target, Tally tally, LedgerItem item, LedgerPatient owner) {
        try {
            judge(tally, target.perform("cleanup read back " + tally.resource.one(), tally.resource.readBack(), Profile.Actor.operator,
                    null, valuesOf(owner, item)));
        } catch (TargetUnavailableException e) {
            unconfirmed(tally, "the read-back failed: " + e.getMessage());
        }
    }

    private static void judge(Tally tally, StepAnswer answer) {
        int status = answer.observation().status();
        if (GONE.contains(status)) {
            tally.readGone++;
        } else if (answer.ok()) {
            tally.remain++;
        } else {
            unconfirmed(tally, "the read-back answered " + status);
        }
    }

    private static void unconfirmed(Tally tally, String why) {
        tally.unconfirmed++;
        if (tally.whyUnconfirmed == null) {
            tally.whyUnconfirmed = why;
        }
    }

    private static Map<String, String> valuesOf(LedgerPatient owner, LedgerItem item) {
        Map<String, String> values = new LinkedHashMap<>(owner == null ? Map.of() : owner.values());
        values.put("id", item.itemId());
        return values;
    }

    /**
     * Every patient tagged with this run (also those a verify job or a shard added after the ledger was copied), and
     * never an id the ledger knows that the target now gives to a record without the run's tag. {removed, absent}.
     */
    private int[] removeAccounts(TargetApi target, Ledger ledger, String runId) {
        String accountKey = target.profile().patients().accountKey();
        int removed = 0;
        int absent = 0;
        int notOurs = 0;
        Map<String, Map<String, String>> toRemove = new LinkedHashMap<>();
        if (target.profile().patients().list() != null) {
            Map<String, String> refById = new LinkedHashMap<>();
            target.listPatients().forEach(p -> refById.put(p.targetId(), p.externalRef()));
            for (LedgerPatient patient : ledger.patients()) {
                String id = patient.ids().getOrDefault(accountKey, patient.targetId());
                String ref = refById.get(id);
                if (ref == null) {
                    absent++;
                } else if (GateRun.belongsToRun(ref, runId)) {
                    toRemove.put(id, patient.ids());
                } else {
                    notOurs++;
                }
            }
            refById.forEach((id, ref) -> {
                if (GateRun.belongsToRun(ref, runId)) {
                    toRemove.putIfAbsent(id, Map.of(accountKey, id));
                }
            });
        } else {
            for (LedgerPatient patient : ledger.patients()) {
                toRemove.put(patient.ids().getOrDefault(accountKey, patient.targetId()), patient.ids());
            }
        }
        for (Map<String, String> account : toRemove.values()) {
            if (target.deletePatient(account)) {
                removed++;
            } else {
                absent++;
            }
        }
        if (notOurs > 0) {
            out.printf("cleanup: left %d ledger ids alone: the target gives them to records not tagged with run %s%n", notOurs, runId);
            run.note("cleanup left " + notOurs + " ledger ids alone that the target no longer tags with run " + runId);
        }
        return new int[] {removed, absent};
    }

    /** How many patients of the run the target still lists; -1 when it cannot be read back (no patients.list). */
    private long accountsStillListed(TargetApi target, String runId) {
        if (target.profile().patients().list() == null) {
            return -1;
        }
        return target.listPatients().stream().filter(p -> GateRun.belongsToRun(p.externalRef(), runId)).count();
    }

    private void olderThan(TargetApi target, int hours) {
        Instant cutoff = Instant.now().minusSeconds(hours * 3600L);
        String accountKey = target.profile().patients().accountKey();
        int removed = 0;
        int absent = 0;
        for (TargetApi.TargetPatient patient : target.listPatients()) {
            if (PopulationPlanner.isSyntheticRef(patient.externalRef()) && olderThan(patient.createdAt(), cutoff)) {
                if (target.deletePatient(Map.of(accountKey, patient.targetId()))) {
                    removed++;
                } else {
                    absent++;
                }
            }
        }
        out.printf("cleanup: removed %d synthetic patients older than %d h (%d were already gone); without a ledger their"
                + " items are not known, so only the accounts are read back%n", removed, hours, absent);
        long left = target.listPatients().stream().filter(p -> PopulationPlanner.isSyntheticRef(p.externalRef())
                && olderThan(p.createdAt(), cutoff)).count();
        if (left > 0) {
            out.printf("cleanup: NOT confirmed: %d synthetic patients older than %d h are still listed%n", left, hours);
            run.record(List.of(new Finding(FindingKind.UNVERIFIED, "*", "cleanup is not confirmed: " + left
                    + " synthetic patients older than " + hours + " h are still listed", Map.of("stillListed", left))));
        }
        run.note("cleanup removed " + removed + " synthetic patients older than " + hours + " h (" + absent + " already gone)");
    }

    private static boolean olderThan(String createdAt, Instant cutoff) {
        try {
            return createdAt != null && Instant.parse(createdAt).isBefore(cutoff);
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
