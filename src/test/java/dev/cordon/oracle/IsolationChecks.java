package dev.cordon.oracle;

import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerItem;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.ledger.TamperedVia;
import dev.cordon.profile.Profile;
import dev.cordon.profile.Profile.Listing;
import dev.cordon.profile.Profile.Opener;
import dev.cordon.profile.Profile.Resource;
import dev.cordon.profile.Profile.WriteProbe;
import dev.cordon.progress.Progress;
import dev.cordon.adapter.ItemListing;
import dev.cordon.adapter.ListingRefusedException;
import dev.cordon.adapter.Observation;
import dev.cordon.adapter.PatientSession;
import dev.cordon.adapter.TargetApi;
import dev.cordon.adapter.TargetUnavailableException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Runs the checks for every patient of a population, each with that patient's own session, over every listing,
 * opener, write probe and tampering channel of every resource the profile declares, on a bounded pool; turns what was
 * observed into findings through the oracles and records coverage per listing/opener/probe. Findings survive errors:
 * a failure for one patient on one listing is an UNVERIFIED finding for that patient there, and the check goes on.
 */
public final class IsolationChecks {
    public static final String CROSSTALK_PROBES = "crosstalkProbes";
    public static final String TAMPERING_PROBES = "tamperingProbes";
    public static final String CACHE_RESPONSES_CHECKED = "cacheResponsesChecked";
    /** Private answers that only RFC 9111 §3.5 (an Authorization request) keeps out of shared caches: a coverage note. */
    public static final String CACHE_AUTHORIZATION_ONLY = "cacheResponsesSafeByAuthorizationOnly";
    public static final String WRITE_PROBES = "writeProbes";
    public static final String DELETE_PROOFS = "deleteProofs";

    private final TargetApi target;
    private final Ledger ledger;
    private final Sessions sessions;
    private final Coverage coverage;
    private final CoverageMap map;
    private final int concurrency;
    private final long seed;
    private final String release;
    private final Progress progress;
    private final ListingOracle listings;
    private final AccessOracle access = new AccessOracle();
    private final IdentityOracle identity;
    private final WriteProbeOracle probes;

    public IsolationChecks(TargetApi target, Ledger ledger, Sessions sessions, Coverage coverage, CoverageMap map,
                           int concurrency, long seed, String release, Progress progress) {
        this.target = target;
        this.ledger = ledger;
        this.sessions = sessions;
        this.coverage = coverage;
        this.map = map;
        this.concurrency = concurrency;
        this.seed = seed;
        this.release = release;
        this.progress = progress;
        this.listings = new ListingOracle(ledger);
        this.identity = new IdentityOracle(ledger, target.profile().patients().accountKey());
        this.probes = new WriteProbeOracle(target, sessions);
    }

    /** The resources that exist on the running release. */
    public List<Resource> resources() {
        return target.profile().resources().values().stream().filter(r -> r.appliesTo(release)).toList();
    }

    /** Every page of every listing (or those chosen) holds exactly the caller's own items of its resource. */
    public List<Finding> listings(List<LedgerPatient> patients, Predicate<Listing> which) {
        List<Listing> chosen = resources().stream().flatMap(r -> r.listings().values().stream()).filter(which).toList();
        return forEach("listings", patients, (patient, out) -> {
            for (Listing listing : chosen) {
                Resource resource = target.profile().resource(listing.resource());
                CoverageMap.Entry entry = map.entry("listing", resource.name(), listing.name());
                guard(out, entry, patient, "listing " + listing.name(), () -> {
                    ItemListing seen = list(patient, listing, Map.of(), Map.of());
                    int expected = ledger.itemsOf(patient.key(), resource.name()).size();
                    coverage.add(Coverage.LISTINGS_CHECKED, 1);
                    coverage.add(Coverage.PAGES_FETCHED, seen.pages().size());
                    coverage.add(Coverage.RECORDINGS_EXPECTED, expected);
                    entry.checked(1, expected, seen.pages().size());
                    out.addAll(listings.compare(patient, resource, seen));
                });
            }
            coverage.add(Coverage.PATIENTS_CHECKED, 1);
        });
    }

    public static final String SWEEP_PATIENTS = "sweepPatientsChecked";
    public static final String SWEEP_LISTINGS = "sweepListingsChecked";
    public static final String SWEEP_PAGES = "sweepPagesFetched";
    public static final String SWEEP_STAGE = "final sweep";

    /**
     * The final sweep: after the last write of the run, every patient's every listing (all resources of the running
     * release) read once more with the same oracle. Its findings say so in their evidence ({@code stage}); its coverage
     * has counters and map entries of its own ("final-sweep"), so the listings checked earlier are not counted twice.
     */
    public List<Finding> finalSweep(List<LedgerPatient> patients) {
        List<Listing> all = resources().stream().flatMap(r -> r.listings().values().stream()).toList();
        return forEach(SWEEP_STAGE, patients, (patient, out) -> {
            for (Listing listing : all) {
                Resource resource = target.profile().resource(listing.resource());
                CoverageMap.Entry entry = map.entry("final-sweep", resource.name(), listing.name());
                guard(out, entry, patient, "listing " + listing.name() + " (" + SWEEP_STAGE + ")", () -> {
                    ItemListing seen = list(patient, listing, Map.of(), Map.of());
                    coverage.add(SWEEP_LISTINGS, 1);
                    coverage.add(SWEEP_PAGES, seen.pages().size());
                    entry.checked(1, ledger.itemsOf(patient.key(), resource.name()).size(), seen.pages().size());
                    listings.compare(patient, resource, seen).forEach(f -> out.add(swept(f)));
                });
            }
            coverage.add(SWEEP_PATIENTS, 1);
        });
    }

    /** A finding of the final sweep: the same finding, marked as seen after the last write of the run. */
    private static Finding swept(Finding finding) {
        Map<String, Object> evidence = new LinkedHashMap<>(finding.evidence());
        evidence.put("stage", SWEEP_STAGE + " (after the last write of the run, all cohorts)");
        return new Finding(finding.kind(), finding.patient(), finding.summary() + " [" + SWEEP_STAGE + "]", evidence);
    }

    /** Each patient's session resolves to that patient. */
    public List<Finding> identities(List<LedgerPatient> patients) {
        CoverageMap.Entry entry = map.entry("identity", "*", "who-am-I");
        return forEach("who-am-I", patients, (patient, out) -> guard(out, entry, patient, "who-am-I", () -> {
            Observation me = withSession(patient, s -> target.whoAmI(s, patient.ids()));
            coverage.add(Coverage.SESSIONS_CHECKED, 1);
            entry.checked(1, 0, 1);
            identity.judge(patient, me).ifPresent(out::add);
        }));
    }

    /** Each patient opens each own item through every opener of its resource. */
    public List<Finding> ownItems(List<LedgerPatient> patients) {
        return ownItems(patients, opener -> true);
    }

    /** As above, through the openers chosen (a step limited to named openers). */
    public List<Finding> ownItems(List<LedgerPatient> patients, Predicate<Opener> which) {
        return forEach("own items", patients, (patient, out) -> {
            Map<String, String> values = patient.values();
            for (Resource resource : resources()) {
                for (Opener opener : resource.openers().values().stream().filter(which).toList()) {
                    CoverageMap.Entry entry = map.entry("opener", resource.name(), opener.name());
                    guard(out, entry, patient, "opener " + opener.name(), () -> {
                        List<String> own = ledger.itemsOf(patient.key(), resource.name());
                        for (String itemId : own) {
                            Observation answer = withSession(patient, s -> target.open(opener, s, itemId, values, Map.of(), Map.of()));
                            access.own(patient, resource.name(), itemId, answer).ifPresent(out::add);
                            coverage.add(Coverage.OWN_OPENS, 1);
                        }
                        entry.checked(1, own.size(), own.size());
                    });
                }
            }
        });
    }

    /**
     * Each patient tries a deterministic sample of other patients' items through every opener; each must be refused.
     * Refusals count only while the caller's session is live, which an own-item call confirms.
     */
    public List<Finding> foreignItems(List<LedgerPatient> patients, int samplePerPatient) {
        return foreignItems(patients, samplePerPatient, opener -> true);
    }

    /** As above, through the openers chosen (a step limited to named openers). */
    public List<Finding> foreignItems(List<LedgerPatient> patients, int samplePerPatient, Predicate<Opener> which) {
        return forEach("other patients' items", patients, (patient, out) -> {
            for (Resource resource : resources()) {
                ForeignSample others = ForeignSample.of(ledger.items(resource.name()), patient.key(),
                        ledger.itemsOf(patient.key(), resource.name()));
                if (others.size() == 0 || resource.openers().isEmpty()) {
                    continue;
                }
                Random random = new Random(seed ^ patient.key().hashCode() ^ resource.name().hashCode());
                List<LedgerItem> probes = new ArrayList<>();
                for (int i = 0; i < Math.min(samplePerPatient, others.size()); i++) {
                    probes.add(others.get(random.nextInt(others.size())));
                }
                for (Opener opener : resource.openers().values().stream().filter(which).toList()) {
                    CoverageMap.Entry entry = map.entry("opener", resource.name(), opener.name());
                    guard(out, entry, patient, "opener " + opener.name() + " (foreign)", () -> {
                        boolean refusedAny = false;
                        for (LedgerItem probe : probes) {
                            Observation answer = withSession(patient, s -> target.open(opener, s, probe.itemId(), patient.values(), Map.of(), Map.of()));
                            coverage.add(Coverage.FOREIGN_PROBES, 1);
                            LedgerPatient owner = ledger.patient(probe.patientKey()).orElseThrow();
                            var finding = access.foreign(patient, resource.name(), probe.itemId(), probe.patientKey(), answer, FindingKind.DIRECT_ACCESS,
                                    () -> withSession(owner, s -> target.open(opener, s, probe.itemId(), owner.values(), Map.of(), Map.of())));
                            finding.ifPresent(out::add);
                            refusedAny |= finding.isEmpty();
                        }
                        if (refusedAny) {
                            confirmLive(patient, resource, opener);
                        }
                        entry.checked(1, probes.size(), probes.size());
                    });
                }
            }
        });
    }

    /** A refusal means something only if the same session can still open the caller's own item. */
    private void confirmLive(LedgerPatient patient, Resource resource, Opener opener) {
        // An item of an ordinary recipe run: one made with a tampered body may rightly have gone elsewhere on a faulty target.
        List<String> own = ledger.itemsOf(patient.key(), resource.name()).stream().sorted(Comparator.comparing(
                id -> ledger.item(resource.name(), id).flatMap(LedgerItem::tampering).isPresent())).toList();
        Observation check;
        if (!own.isEmpty()) {
            check = withSession(patient, s -> target.open(opener, s, own.get(0), patient.values(), Map.of(), Map.of()));
        } else if (target.profile().hasIdentity()) {
            check = withSession(patient, s -> target.whoAmI(s, patient.ids()));
        } else {
            return; // nothing of the caller's own to confirm with: the refusals stand on the status alone
        }
        if (!check.ok()) {
            throw new TargetUnavailableException(check.request(), check.status(), "the refusals of other patients' "
                    + resource.many() + " cannot count: the same session could not open its own (" + check.status() + ")", null);
        }
    }

    /**
     * Write probes: another patient's item must not be changed or removed. Each probe acts on a sacrificial item (made
     * for it and marked so in the ledger, so no check ever expects it) of another patient, with a body built from the
     * owner's own view of the item (or the probe's template) and its {@code set} fields changed to markers. The owner
     * reads the item back before and after: the marker (or, for DELETE, the item's absence) found there proves the write
     * was applied; the status code alone decides nothing.
     */
    public List<Finding> writeProbes(List<LedgerPatient> patients, int sample) {
        List<LedgerPatient> callers = patients.stream().limit(sample).toList();
        Set<String> used = ConcurrentHashMap.newKeySet();
        return forEach("write probes", callers, 1, (patient, out) -> {
            for (Resource resource : resources()) {
                if (resource.writeProbes().isEmpty() || resource.openers().isEmpty()) {
                    continue;
                }
                for (WriteProbe probe : resource.writeProbes().values()) {
                    CoverageMap.Entry entry = map.entry("write-probe", resource.name(), probe.name());
                    Optional<LedgerItem> victimItem = sacrificial(resource, probe.name(), patient, used);
                    if (victimItem.isEmpty()) {
                        if (entry.status() == CoverageMap.Status.NOT_CHECKED) {
                            entry.notApplicable("no other patient has a sacrificial " + resource.one() + " made for this probe"
                                    + " (the population was seeded without them, or too few patients were seeded)");
                        }
                        continue;
                    }
                    LedgerItem item = victimItem.get();
                    LedgerPatient victim = ledger.patient(item.patientKey()).orElseThrow();
                    guard(out, entry, patient, "write probe " + probe.name(), () -> {
                        probes.judge(patient, victim, resource, probe, item.itemId()).ifPresent(out::add);
                        coverage.add(WRITE_PROBES, 1);
                        entry.checked(1, 1, 3);
                    });
                }
            }
        });
    }

    /**
     * Deletes remove: a patient deletes one of their own sacrificial items the way its resource declares
     * ({@code delete}) and reads it back; an item still there after a confirmed delete is KEPT_AFTER_DELETE. This is
     * also what makes cleanup's own deletes trustworthy.
     */
    public List<Finding> deletesRemove(List<LedgerPatient> patients, int sample) {
        Set<String> owners = new HashSet<>();
        for (Resource resource : resources()) {
            if (resource.delete() != null) {
                List<String> ownersHere = ledger.sacrificialItems(resource.name()).stream()
                        .filter(i -> LedgerItem.DELETE_PROOF.equals(i.sacrificedFor())).map(LedgerItem::patientKey).toList();
                owners.addAll(ownersHere);
                if (ownersHere.isEmpty()) {
                    boolean bySetup = resource.recipe().isEmpty() && target.profile().patients().setup().stream()
                            .anyMatch(step -> step.owns().containsKey(resource.name()));
                    map.entry("delete", resource.name(), "delete").notApplicable(bySetup
                            ? "a " + resource.one() + " is made once per account by the set-up, so none can be spared for the"
                            + " delete proof; cleanup deletes and reads back every one"
                            : "no patient has a sacrificial " + resource.one() + " for the delete proof (the population was seeded"
                            + " without them)");
                }
            }
        }
        List<LedgerPatient> callers = patients.stream().filter(p -> owners.contains(p.key())).limit(sample).toList();
        return forEach("delete proof", callers, 1, (patient, out) -> {
            for (Resource resource : resources()) {
                if (resource.delete() == null) {
                    continue;
                }
                CoverageMap.Entry entry = map.entry("delete", resource.name(), "delete");
                Optional<LedgerItem> own = ledger.sacrificialItems(resource.name()).stream()
                        .filter(i -> i.patientKey().equals(patient.key()) && LedgerItem.DELETE_PROOF.equals(i.sacrificedFor()))
                        .findFirst();
                if (own.isEmpty()) {
                    continue;
                }
                guard(out, entry, patient, "delete of " + resource.one(), () -> {
                    probes.judgeOwnDelete(patient, resource, own.get().itemId()).ifPresent(out::add);
                    coverage.add(DELETE_PROOFS, 1);
                    entry.checked(1, 1, 2);
                });
            }
        });
    }

    /** An unused sacrificial item of another patient made for this probe, picked deterministically per caller. */
    private Optional<LedgerItem> sacrificial(Resource resource, String probe, LedgerPatient caller, Set<String> used) {
        List<LedgerItem> candidates = ledger.sacrificialItems(resource.name()).stream()
                .filter(i -> probe.equals(i.sacrificedFor()) && !i.patientKey().equals(caller.key())
                        && ledger.patient(i.patientKey()).isPresent()).toList();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        int start = new Random(seed ^ caller.key().hashCode()).nextInt(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            LedgerItem candidate = candidates.get((start + i) % candidates.size());
            if (used.add(candidate.ref() + "#" + probe)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Many patients ask for a listing at the same instant (a barrier), for several rounds; every response is held
     * against its own caller's ledger. Only callers whose session resolves to themselves take part.
     */
    public List<Finding> crosstalk(List<LedgerPatient> patients, int callers, int rounds) {
        List<Finding> findings = new ArrayList<>();
        CoverageMap.Entry entry = map.entry("concurrency", "*", "simultaneous listings");
        for (Resource resource : resources()) {
            if (resource.listings().isEmpty()) {
                continue;
            }
            Listing listing = resource.listings().values().iterator().next();
            List<LedgerPatient> group = new ArrayList<>();
            for (LedgerPatient patient : patients) {
                if (group.size() == callers) {
                    break;
                }
                if (ledger.itemsOf(patient.key(), resource.name()).isEmpty()) {
                    continue;
                }
                try {
                    if (!target.profile().hasIdentity()) {
                        group.add(patient);
                        continue;
                    }
                    Observation me = withSession(patient, s -> target.whoAmI(s, patient.ids()));
                    if (me.ok() && identity.expectedId(patient).equals(me.value("id"))) {
                        group.add(patient);
                    }
                } catch (TargetUnavailableException e) {
                    // a caller we cannot log in does not take part
                }
            }
            if (group.size() < 2) {
                continue;
            }
            // What each caller's listing holds that is not theirs when read alone is the listing check's to report
            // (a misfiled or mass-assigned item); cross-talk is only what simultaneous calls add to it.
            Map<String, Set<String>> foreignAlone = new LinkedHashMap<>();
            for (LedgerPatient caller : List.copyOf(group)) {
                try {
                    Set<String> alone = new HashSet<>(list(caller, listing, Map.of(), Map.of()).itemIds());
                    alone.removeAll(ledger.itemsOf(caller.key(), resource.name()));
                    foreignAlone.put(caller.key(), alone);
                } catch (TargetUnavailableException e) {
                    group.remove(caller); // a caller whose listing cannot be read alone does not take part
                }
            }
            if (group.size() < 2) {
                continue;
            }
            findings.addAll(crosstalkRounds(resource, listing, group, foreignAlone, rounds, entry));
        }
        if (entry.status() == CoverageMap.Status.NOT_CHECKED) {
            findings.add(new Finding(FindingKind.UNVERIFIED, "-", "cross-talk needs at least two patients with items and"
                    + " their own sessions on some listing; found none", Map.of()));
            entry.unverified();
        }
        return findings;
    }

    private List<Finding> crosstalkRounds(Resource resource, Listing listing, List<LedgerPatient> group,
                                          Map<String, Set<String>> foreignAlone, int rounds, CoverageMap.Entry entry) {
        ExecutorService pool = Executors.newFixedThreadPool(group.size(), daemon("cordon-crosstalk"));
        List<Finding> findings = new ArrayList<>();
        try {
            for (int round = 1; round <= rounds; round++) {
                CyclicBarrier barrier = new CyclicBarrier(group.size());
                List<Future<ItemListing>> answers = new ArrayList<>();
                for (LedgerPatient caller : group) {
                    PatientSession session = sessions.of(target, caller);
                    answers.add(pool.submit(() -> {
                        barrier.await(30, TimeUnit.SECONDS);
                        return target.list(listing, session, caller.values(), Map.of(), Map.of());
                    }));
                }
                for (int i = 0; i < group.size(); i++) {
                    LedgerPatient caller = group.get(i);
                    try {
                        ItemListing seen = answers.get(i).get();
                        coverage.add(CROSSTALK_PROBES, 1);
                        entry.checked(1, seen.itemIds().size(), seen.pages().size());
                        Set<String> alone = foreignAlone.get(caller.key());
                        List<String> added = seen.itemIds().stream().filter(id -> !alone.contains(id)).toList();
                        findings.addAll(listings.compare(caller, resource, added, seen, FindingKind.CROSSTALK,
                                FindingKind.CROSSTALK, null, resource.one() + " listing " + listing.name() + " under "
                                        + group.size() + " simultaneous callers (round " + round + ")"));
                    } catch (ExecutionException e) {
                        findings.add(new Finding(FindingKind.UNVERIFIED, caller.key(), "cross-talk probe of " + caller.key()
                                + " in round " + round + " failed: " + e.getCause().getMessage(), Map.of("round", round)));
                        entry.unverified();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the cross-talk probe", e);
        } finally {
            pool.shutdownNow();
        }
        return findings;
    }

    /**
     * Repeats each listing and the first opener with every tampering channel (query parameter, request header) set to
     * another synthetic patient's owner id. A listing that gains another patient's items, or a refused item that
     * opens, is a finding; what the call already did without the channel is left to the other checks.
     */
    public List<Finding> tampering(List<LedgerPatient> patients, List<String> queryChannels, List<String> headerChannels, int sample) {
        List<Finding> all = new ArrayList<>();
        bodyChannelsCoverage();
        for (Resource resource : resources()) {
            List<LedgerPatient> owners = patients.stream().filter(p -> !ledger.itemsOf(p.key(), resource.name()).isEmpty()).toList();
            if (owners.size() < 2) {
                continue;
            }
            List<LedgerPatient> callers = owners.subList(0, Math.min(sample, owners.size()));
            // One caller at a time: a concurrency fault must not pass for a channel that widened the listing.
            all.addAll(forEach("tampering " + resource.many(), callers, 1, (caller, out) -> {
                LedgerPatient victim = owners.get((owners.indexOf(caller) + 1) % owners.size());
                List<Channel> channels = new ArrayList<>();
                queryChannels.forEach(q -> channels.add(new Channel("tampering-query", q, Map.of(q, victim.targetId()), Map.of())));
                headerChannels.forEach(h -> channels.add(new Channel("tampering-header", h, Map.of(), Map.of(h, victim.targetId()))));
                for (Listing listing : resource.listings().values()) {
                    Set<String> baseline = new HashSet<>(list(caller, listing, Map.of(), Map.of()).itemIds());
                    for (Channel channel : channels) {
                        CoverageMap.Entry entry = map.entry(channel.kind, "*", channel.name);
                        guard(out, entry, caller, channel.name + " on listing " + listing.name(), () -> {
                            ItemListing seen;
                            try {
                                seen = list(caller, listing, channel.query, channel.headers);
                            } catch (ListingRefusedException e) {
                                if (!refusedChannel(e.status())) {
                                    throw e;
                                }
                                // The same session just read its own listing: its first request refused now is the
                                // channel being refused (a refusal on a later page stays UNVERIFIED).
                                coverage.add(TAMPERING_PROBES, 1);
                                entry.checked(1, 0, 1);
                                return;
                            }
                            coverage.add(TAMPERING_PROBES, 1);
                            entry.checked(1, seen.itemIds().size(), seen.pages().size());
                            List<String> gained = seen.itemIds().stream().filter(id -> !baseline.contains(id)
                                    && ledger.item(resource.name(), id).map(i -> !i.patientKey().equals(caller.key())).orElse(true)).toList();
                            if (!gained.isEmpty()) {
                                Map<String, Object> evidence = new LinkedHashMap<>();
                                evidence.put("patient", caller.key());
                                evidence.put("resource", resource.name());
                                evidence.put("listing", listing.name());
                                evidence.put("channel", channel.describe(victim));
                                Map<String, String> owners2 = new LinkedHashMap<>();
                                gained.forEach(id -> owners2.put(id, ledger.item(resource.name(), id).map(LedgerItem::patientKey)
                                        .orElse("unknown to the ledger") + " (seen on " + seen.whereSeen(id) + ")"));
                                evidence.put("gained", owners2);
                                evidence.put("requests", seen.requests());
                                out.add(new Finding(FindingKind.PARAMETER_TAMPERING, caller.key(),
                                        "%s's %s listing %s with %s gained %d %s that are not theirs".formatted(caller.key(),
                                                resource.one(), listing.name(), channel.describe(victim), gained.size(), resource.many()), evidence));
                            }
                        });
                    }
                }
                if (!resource.openers().isEmpty()) {
                    Opener opener = resource.openers().values().iterator().next();
                    String victimItem = ledger.itemsOf(victim.key(), resource.name()).get(0);
                    Observation without = withSession(caller, s -> target.open(opener, s, victimItem, caller.values(), Map.of(), Map.of()));
                    if (!without.ok()) {
                        for (Channel channel : channels) {
                            CoverageMap.Entry entry = map.entry(channel.kind, "*", channel.name);
                            guard(out, entry, caller, channel.name + " on opener " + opener.name(), () -> {
                                Observation opened = withSession(caller, s -> target.open(opener, s, victimItem, caller.values(),
                                        channel.query, channel.headers));
                                coverage.add(TAMPERING_PROBES, 1);
                                entry.checked(1, 1, 1);
                                if (!refusedChannel(opened.status())) {
                                    access.foreign(caller, resource.name(), victimItem, victim.key(), opened, FindingKind.PARAMETER_TAMPERING,
                                            () -> withSession(victim, s -> target.open(opener, s, victimItem, victim.values(), Map.of(), Map.of())))
                                            .ifPresent(out::add);
                                }
                            });
                        }
                    }
                }
            }));
        }
        return all;
    }

    /**
     * Body fields were tried at seeding (see Seeder.BodyTampering): each item made with one is the caller's in the
     * ledger, so every listing of the patient it named is where a target that obeyed the field shows it (the listing
     * oracle reports PARAMETER_TAMPERING). Here the map says how many items each field made, or why none.
     */
    private void bodyChannelsCoverage() {
        for (String field : target.profile().tampering().body()) {
            CoverageMap.Entry entry = map.entry("tampering-body", "*", field);
            Set<String> named = new HashSet<>();
            long made = 0;
            for (LedgerItem item : ledger.items()) {
                Optional<TamperedVia> via = item.tampering().filter(t -> t.field().equals(field));
                if (via.isPresent()) {
                    named.add(via.get().namedPatient());
                    made++;
                }
            }
            if (made > 0) {
                entry.checked(named.size(), made, made);
            } else {
                entry.notApplicable("no item was made with it at seeding: no recipe has a patient-authored JSON body, "
                        + "the target refused the field, or the run did not finish");
            }
        }
    }

    /**
     * A tampering request the target turned down with the session live: 403 or 404, or 400, the answer of servers that
     * reject a parameter they do not accept there (a strict FHIR server does, for a read or a search). Either way it
     * selected nothing; only an answer with content can have been widened. (A 401 is renewed once, then UNVERIFIED.)
     */
    static boolean refusedChannel(int status) {
        return status == 400 || status == 403 || status == 404;
    }

    private record Channel(String kind, String name, Map<String, String> query, Map<String, String> headers) {
        String describe(LedgerPatient victim) {
            return ("tampering-query".equals(kind) ? "?" + name + "=" : "header " + name + ": ") + "<id of " + victim.key() + ">";
        }
    }

    /**
     * Private responses of a sample of patients (who-am-I, listing pages, each opener of an own item) against the cache
     * policy of RFC 9111 for the profile's way of authenticating ({@link CachePolicyOracle}). Answers that only §3.5
     * keeps out of shared caches (an Authorization request, no private/no-store) are counted and said in the coverage map.
     */
    public List<Finding> cachePolicy(List<LedgerPatient> patients, int sample) {
        CachePolicyOracle policy = new CachePolicyOracle(target.profile().patients().session());
        CoverageMap.Entry entry = map.entry("cache-policy", "*", "private responses");
        List<LedgerPatient> callers = patients.stream().filter(p -> ledger.itemCount(p.key()) > 0).limit(sample).toList();
        java.util.concurrent.atomic.AtomicLong noted = new java.util.concurrent.atomic.AtomicLong();
        List<Finding> found = forEach("cache policy", callers, (caller, out) -> guard(out, entry, caller, "cache policy", () -> {
            List<Observation> responses = new ArrayList<>();
            if (target.profile().hasIdentity()) {
                responses.add(withSession(caller, s -> target.whoAmI(s, caller.ids())));
            }
            for (Resource resource : resources()) {
                for (Listing listing : resource.listings().values()) {
                    responses.addAll(list(caller, listing, Map.of(), Map.of()).pages());
                }
                List<String> own = ledger.itemsOf(caller.key(), resource.name());
                if (!own.isEmpty()) {
                    for (Opener opener : resource.openers().values()) {
                        responses.add(withSession(caller, s -> target.open(opener, s, own.get(0), caller.values(), Map.of(), Map.of())));
                    }
                }
            }
            coverage.add(CACHE_RESPONSES_CHECKED, responses.size());
            entry.checked(1, 0, responses.size());
            CachePolicyOracle.Outcome outcome = policy.judge(caller, responses);
            noted.addAndGet(outcome.notedAuthorizationOnly());
            outcome.finding().ifPresent(out::add);
        }));
        if (noted.get() > 0) {
            coverage.add(CACHE_AUTHORIZATION_ONLY, noted.get());
            entry.note(noted.get() + " answer(s) to requests with an Authorization header carry neither no-store nor private:"
                    + " RFC 9111 §3.5 keeps shared caches from storing them (not a finding; a cache that ignores §3.5 would)");
        }
        return found;
    }

    // --- filtered listings (profile resources.R.filtered, ProfileExtras): the subset a filter selects ---

    /** Own items a filtered listing returned although its filter excludes them: the target ignored the filter. */
    public record IgnoredFilter(String patient, String listing, String request, List<String> outsideTheFilter) {
    }

    /** Findings of the filtered listings, and the listings whose filter the target ignored (for the step to report). */
    public record FilteredResult(List<Finding> findings, List<IgnoredFilter> ignored) {
    }

    /**
     * Each filtered listing, asked once per own item of its {@code by} resource: it must hold exactly the caller's items
     * made in the same recipe run as that item. Another patient's item is FOREIGN_IN_LISTING (or UNKNOWN), an own item
     * of that run that is absent is MISSING_FROM_LISTING, and own items outside the filter mean it was ignored.
     */
    public FilteredResult filteredListings(List<LedgerPatient> patients, Predicate<dev.cordon.profile.ProfileExtras.FilteredListing> which) {
        List<dev.cordon.profile.ProfileExtras.FilteredListing> chosen = resources().stream()
                .flatMap(r -> target.profile().extras().filtered(r.name()).stream()).filter(which).toList();
        List<IgnoredFilter> ignored = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Finding> findings = forEach("filtered listings", patients, (patient, out) -> {
            for (var filtered : chosen) {
                Listing listing = filtered.listing();
                Resource resource = target.profile().resource(listing.resource());
                CoverageMap.Entry entry = map.entry("filtered-listing", resource.name(), listing.name());
                guard(out, entry, patient, "filtered listing " + listing.name(), () -> {
                    List<String> ownAll = ledger.itemsOf(patient.key(), resource.name());
                    int pages = 0;
                    int expectedTotal = 0;
                    for (String selector : ledger.itemsOf(patient.key(), filtered.by())) {
                        String via = ledger.item(filtered.by(), selector).map(LedgerItem::via).orElse(null);
                        Set<String> expected = new java.util.LinkedHashSet<>();
                        for (String id : ownAll) {
                            if (via != null && ledger.item(resource.name(), id).map(LedgerItem::via).filter(via::equals).isPresent()) {
                                expected.add(id);
                            }
                        }
                        Map<String, String> values = new LinkedHashMap<>(patient.values());
                        values.put(filtered.by(), selector);
                        ItemListing seen;
                        try {
                            seen = target.list(listing, sessions.of(target, patient), values, Map.of(), Map.of());
                        } catch (TargetUnavailableException e) {
                            if (e.status() != 401) {
                                throw e;
                            }
                            seen = target.list(listing, sessions.renew(target, patient), values, Map.of(), Map.of());
                        }
                        pages += seen.pages().size();
                        expectedTotal += expected.size();
                        String what = resource.one() + " listing " + listing.name() + " filtered by " + filtered.by() + " " + selector;
                        out.addAll(listings.compare(patient, resource, seen.itemIds(), seen, FindingKind.FOREIGN_IN_LISTING,
                                FindingKind.UNKNOWN_IN_LISTING, null, what));
                        Set<String> observed = new java.util.LinkedHashSet<>(seen.itemIds());
                        List<String> missing = expected.stream().filter(id -> !observed.contains(id)).toList();
                        if (!missing.isEmpty()) {
                            Map<String, Object> evidence = new LinkedHashMap<>();
                            evidence.put("patient", patient.key());
                            evidence.put("where", what);
                            evidence.put("expected", List.copyOf(expected));
                            evidence.put("missing", missing);
                            evidence.put("requests", seen.requests());
                            out.add(new Finding(FindingKind.MISSING_FROM_LISTING, patient.key(), "%s's %s lacks %d own %s that match its filter: %s"
                                    .formatted(patient.key(), what, missing.size(), resource.many(), missing), evidence));
                        }
                        List<String> outside = observed.stream().filter(id -> ownAll.contains(id) && !expected.contains(id)).toList();
                        if (!outside.isEmpty()) {
                            ignored.add(new IgnoredFilter(patient.key(), what, String.valueOf(seen.requests()), outside));
                        }
                    }
                    coverage.add(Coverage.LISTINGS_CHECKED, 1);
                    coverage.add(Coverage.PAGES_FETCHED, pages);
                    entry.checked(1, expectedTotal, pages);
                });
            }
        });
        return new FilteredResult(findings, List.copyOf(ignored));
    }

    // --- sessions, errors and the pool ---

    /** Calls with the patient's session; a 401 is answered by logging in again once (a restart drops sessions). */
    private Observation withSession(LedgerPatient patient, Function<PatientSession, Observation> call) {
        Observation answer = call.apply(sessions.of(target, patient));
        if (answer.status() == 401) {
            answer = call.apply(sessions.renew(target, patient));
        }
        return answer;
    }

    private ItemListing list(LedgerPatient patient, Listing listing, Map<String, String> query, Map<String, String> headers) {
        try {
            return target.list(listing, sessions.of(target, patient), patient.values(), query, headers);
        } catch (TargetUnavailableException e) {
            if (e.status() != 401) {
                throw e;
            }
            return target.list(listing, sessions.renew(target, patient), patient.values(), query, headers);
        }
    }

    private interface Work {
        void run();
    }

    /** One unit of a check for one patient: an error becomes an UNVERIFIED finding there, and the rest goes on. */
    private static void guard(List<Finding> out, CoverageMap.Entry entry, LedgerPatient patient, String where, Work work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            entry.unverified();
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("patient", patient.key());
            evidence.put("where", where);
            if (e instanceof TargetUnavailableException t) {
                evidence.put("request", t.request());
                evidence.put("status", t.status());
            }
            out.add(new Finding(FindingKind.UNVERIFIED, patient.key(), "could not check " + where + " for " + patient.key()
                    + ": " + (e instanceof TargetUnavailableException ? e.getMessage() : e.toString()), evidence));
        }
    }

    private interface PatientCheck {
        void check(LedgerPatient patient, List<Finding> out);
    }

    private List<Finding> forEach(String name, List<LedgerPatient> patients, PatientCheck check) {
        return forEach(name, patients, concurrency, check);
    }

    /**
     * Runs a check for every patient on {@code threads} workers that each take the next patient as they finish one: the
     * patients list is a view of the ledger, so a patient's record is read when a worker reaches it and let go after
     * (a task queued per patient up front would hold the whole population). Findings come back in patient order
     * within each kind, however the workers interleaved.
     */
    private List<Finding> forEach(String name, List<LedgerPatient> patients, int threads, PatientCheck check) {
        int workers = Math.max(1, Math.min(threads, patients.size()));
        ExecutorService pool = Executors.newFixedThreadPool(workers, daemon("cordon-check"));
        Progress.Stage stage = progress.stage("checking " + name, patients.size(), "patients");
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        try {
            List<Future<List<Map.Entry<Integer, Finding>>>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    List<Map.Entry<Integer, Finding>> found = new ArrayList<>();
                    List<Finding> out = new ArrayList<>();
                    for (int i = next.getAndIncrement(); i < patients.size(); i = next.getAndIncrement()) {
                        LedgerPatient patient = patients.get(i);
                        out.clear();
                        try {
                            check.check(patient, out);
                        } catch (RuntimeException e) {
                            // Whatever was found before the error stands; the error is UNVERIFIED for this patient only.
                            out.add(new Finding(FindingKind.UNVERIFIED, patient.key(), "could not check " + name + " for "
                                    + patient.key() + ": " + e.getMessage(), Map.of("patient", patient.key())));
                        }
                        for (Finding finding : out) {
                            found.add(Map.entry(i, finding));
                        }
                        stage.advance(1, 0);
                    }
                    return found;
                }));
            }
            List<Map.Entry<Integer, Finding>> found = new ArrayList<>();
            for (Future<List<Map.Entry<Integer, Finding>>> future : futures) {
                found.addAll(future.get());
            }
            // Patient order, each patient's findings in the order found; then by kind (a stable sort keeps the rest).
            found.sort(Map.Entry.comparingByKey());
            List<Finding> findings = new ArrayList<>(found.size());
            found.forEach(e -> findings.add(e.getValue()));
            findings.sort(Comparator.comparing(f -> f.kind().ordinal()));
            return findings;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a check failed unexpectedly: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
            stage.done();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
