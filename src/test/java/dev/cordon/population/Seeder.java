package dev.cordon.population;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerIntent;
import dev.cordon.ledger.LedgerItem;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.ledger.TamperedVia;
import dev.cordon.oracle.Finding;
import dev.cordon.oracle.FindingKind;
import dev.cordon.profile.Profile;
import dev.cordon.profile.Profile.Actor;
import dev.cordon.profile.Profile.CreateBatch;
import dev.cordon.profile.Profile.Resource;
import dev.cordon.profile.Profile.Step;
import dev.cordon.profile.ValuePath;
import dev.cordon.adapter.ItemListing;
import dev.cordon.adapter.LoginRefusedException;
import dev.cordon.adapter.Observation;
import dev.cordon.adapter.PatientSession;
import dev.cordon.adapter.StepAnswer;
import dev.cordon.adapter.TargetApi;
import dev.cordon.adapter.TargetUnavailableException;
import dev.cordon.progress.Progress;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates a planned population on the target by following the profile's recipes, on a bounded pool. Every patient and
 * item goes to the ledger the moment the target confirms it; an intent goes there before each creating write. A write
 * is never blindly repeated: when its answer is lost, the seeder reads back what the target did (the account by
 * logging in, items through the patient's own listings) and only then runs what is provably missing once more.
 * A patient whose planned items could not all be confirmed is reported as incomplete (UNVERIFIED), never dropped.
 */
public final class Seeder {
    private final TargetApi target;
    private final Ledger ledger;
    private final Passwords passwords;
    private final int concurrency;
    private final Progress progress;
    private final String release;
    private final Map<String, String> fixtureValues;
    private BodyTampering bodyTampering = BodyTampering.NONE;
    private int recipeAttempts = DEFAULT_RECIPE_ATTEMPTS;
    private int sacrificialPatients;

    public Seeder(TargetApi target, Ledger ledger, Passwords passwords, int concurrency, Progress progress, String release,
                  Map<String, String> fixtureValues) {
        this.target = target;
        this.ledger = ledger;
        this.passwords = passwords;
        this.concurrency = concurrency;
        this.progress = progress;
        this.release = release;
        this.fixtureValues = Map.copyOf(fixtureValues);
    }

    /**
     * {@code accountBatches}: batch create requests sent (patients.createBatch; 0 when accounts are made one by one);
     * {@code accountsReconciled}: accounts of an unconfirmed batch that a login showed the target had made after all.
     */
    public record Outcome(int patients, int items, int reconciled, List<String> incomplete, List<Finding> problems,
                          int accountBatches, int accountsReconciled) {
        public Outcome(int patients, int items, int reconciled, List<String> incomplete, List<Finding> problems) {
            this(patients, items, reconciled, incomplete, problems, 0, 0);
        }
    }

    /**
     * Body fields that might select another owner (the profile's tampering.body) and how many patients of a cohort try
     * them: each tries one more recipe run whose patient-authored JSON body names the next patient by owner id.
     */
    public record BodyTampering(List<String> fields, int callers) {
        public static final BodyTampering NONE = new BodyTampering(List.of(), 0);
    }

    /** The placeholder a tampered body field carries: filled with the named patient's owner id, never interpreted. */
    static final String TAMPERED_OWNER = "cordonTamperedOwner";

    static final int DEFAULT_RECIPE_ATTEMPTS = 8;

    /** How often one patient's account create is sent at most: each resend only after a login found nothing (so never twice made). */
    static final int ACCOUNT_ATTEMPTS = 3;

    /** How often a recipe run that could not be confirmed is run (again after reconciling what the last one did). */
    public Seeder withRecipeAttempts(int attempts) {
        this.recipeAttempts = Math.max(1, attempts);
        return this;
    }

    public Seeder withBodyTampering(BodyTampering tampering) {
        this.bodyTampering = tampering;
        return this;
    }

    /**
     * How many patients of each cohort (the first ones) also get sacrificial items: one per write probe and one for the
     * delete proof of every resource that declares them, marked so in the ledger (see LedgerItem.SACRIFICIAL).
     * Cordon's own writes act on these only, so no probe ever changes or removes an item a check expects.
     */
    public Seeder withSacrificialPatients(int patients) {
        this.sacrificialPatients = Math.max(0, patients);
        return this;
    }

    private record PatientOutcome(int items, int reconciled, String incompleteReason) {
    }

    /**
     * What a batch create left for one patient: the account's ids (confirmed by the answer or found by logging in), or
     * none and how many single creates may still be sent for it (one fewer when the batch may have made it).
     */
    private record BatchedAccount(Map<String, String> ids, int singleAttempts, String failure) {
        BatchedAccount(Map<String, String> ids, int singleAttempts) {
            this(ids, singleAttempts, null);
        }
    }

    public Outcome seed(PopulationPlan plan, String variant) {
        Profile profile = target.profile();
        List<Resource> resources = profile.resources().values().stream().filter(r -> r.appliesTo(release)).toList();
        ledger.planCohort(plan.cohort(), plan.patients().size());
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "cordon-seed");
            t.setDaemon(true);
            return t;
        });
        Set<String> sacrificing = variant != null ? Set.of() : plan.patients().stream().limit(sacrificialPatients)
                .map(SyntheticPatient::key).collect(java.util.stream.Collectors.toSet());
        AtomicInteger complete = new AtomicInteger();
        AtomicInteger items = new AtomicInteger();
        AtomicInteger reconciled = new AtomicInteger();
        List<String> incomplete = Collections.synchronizedList(new ArrayList<>());
        List<Finding> problems = Collections.synchronizedList(new ArrayList<>());
        Optional<CreateBatch> batch = profile.patients().batchCreation(release);
        Map<String, BatchedAccount> batched = new ConcurrentHashMap<>();
        AtomicInteger batches = new AtomicInteger();
        AtomicInteger accountsReconciled = new AtomicInteger();
        if (batch.isPresent()) {
            try {
                createInBatches(plan, batch.get(), pool, batched, batches, accountsReconciled);
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating the accounts of " + plan.cohort(), e);
            }
        }
        Progress.Stage stage = progress.stage("seeding " + plan.cohort(), plan.patients().size(), "patients");
        try {
            // Look-alike usernames (equal to an earlier one but for letter case) are made once the rest of the cohort
            // exists: a target that confuses the two must meet the original first, whatever the pool's timing.
            Set<String> seen = new java.util.HashSet<>();
            List<SyntheticPatient> firstWave = new ArrayList<>();
            List<SyntheticPatient> lookAlikes = new ArrayList<>();
            for (SyntheticPatient patient : plan.patients()) {
                (seen.add(patient.username().toLowerCase(java.util.Locale.ROOT)) ? firstWave : lookAlikes).add(patient);
            }
            for (List<SyntheticPatient> wave : List.of(firstWave, lookAlikes)) {
                List<Future<?>> futures = new ArrayList<>();
                for (SyntheticPatient patient : wave) {
                    futures.add(pool.submit(() -> {
                        try {
                            PatientOutcome outcome = seedOne(patient, resources, variant, batched.get(patient.key()),
                                    sacrificing.contains(patient.key()));
                            items.addAndGet(outcome.items());
                            reconciled.addAndGet(outcome.reconciled());
                            if (outcome.incompleteReason() == null) {
                                complete.incrementAndGet();
                                stage.advance(1, outcome.items());
                            } else {
                                incomplete.add(patient.key());
                                problems.add(new Finding(FindingKind.UNVERIFIED, patient.key(), "the population is incomplete: "
                                        + patient.key() + " " + outcome.incompleteReason(), Map.of("patient", patient.key(),
                                        "cohort", plan.cohort())));
                            }
                        } catch (RuntimeException e) {
                            incomplete.add(patient.key());
                            problems.add(unverified(patient, e));
                        }
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
            }
            items.addAndGet(tamperBodies(plan, resources, variant, Set.copyOf(incomplete)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while seeding " + plan.cohort(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("seeding " + plan.cohort() + " failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
            stage.done();
        }
        ledger.closeCohort(plan.cohort(), complete.get(), List.copyOf(incomplete));
        return new Outcome(complete.get(), items.get(), reconciled.get(), List.copyOf(incomplete), List.copyOf(problems),
                batches.get(), accountsReconciled.get());
    }

    /**
     * Creates the cohort's accounts with the profile's batch create, {@code size} patients per request, batches in
     * parallel on the pool. Each confirmed account goes to the ledger at once; what a batch did not confirm is left to
     * the patient's own seeding (a single create, after reconciling where the batch may have made it).
     */
    private void createInBatches(PopulationPlan plan, CreateBatch batch, ExecutorService pool, Map<String, BatchedAccount> batched,
                                 AtomicInteger batches, AtomicInteger accountsReconciled) throws InterruptedException {
        List<SyntheticPatient> patients = plan.patients();
        Progress.Stage stage = progress.stage("creating accounts " + plan.cohort() + " in batches of up to " + batch.size(),
                patients.size(), "patients");
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int from = 0; from < patients.size(); from += batch.size()) {
                List<SyntheticPatient> group = patients.subList(from, Math.min(patients.size(), from + batch.size()));
                futures.add(pool.submit(() -> {
                    try {
                        batched.putAll(createBatch(group, batch, batches, accountsReconciled));
                    } catch (RuntimeException e) {
                        // The batch may have been sent: nothing of it is sent again; its patients are reported unverified.
                        group.forEach(p -> batched.putIfAbsent(p.key(), new BatchedAccount(null, 0, "the batch create failed: " + e)));
                    }
                    stage.advance(group.size(), 0);
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("creating accounts failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            stage.done();
        }
    }

    /**
     * One batch create: an intent for every patient of the batch before the write, the write (sent once), then each
     * answer item matched to its patient. A batch the target refused (4xx) made nothing: its patients are created one
     * by one as create would. A batch whose answer was lost, failed (5xx) or did not confirm some patients may have made
     * them: each such patient is reconciled by logging in, never by sending the batch again.
     */
    private Map<String, BatchedAccount> createBatch(List<SyntheticPatient> group, CreateBatch batch, AtomicInteger batches,
                                                    AtomicInteger accountsReconciled) {
        List<Map<String, String>> values = new ArrayList<>(group.size());
        for (SyntheticPatient patient : group) {
            values.add(patientValues(patient, passwords.of(ledger.header().runId(), patient.key())));
            ledger.recordIntent(new LedgerIntent(patient.key(), patient.cohort(), "account", patient.externalRef(), patient.username()));
        }
        Map<String, Map<String, String>> confirmed = new LinkedHashMap<>();
        boolean refused = false;
        try {
            batches.incrementAndGet();
            StepAnswer answer = target.createAccounts("account batch create", batch, values, Map.of("runTag", group.get(0).externalRef()));
            if (answer.ok()) {
                confirmed.putAll(matchAnswer(batch, group, values, answer.json()));
            } else {
                refused = !answer.observation().serverError();
            }
        } catch (TargetUnavailableException e) {
            // unanswered: the batch may or may not have been made; reconciled below, patient by patient
        }
        Map<String, BatchedAccount> result = new LinkedHashMap<>();
        for (int i = 0; i < group.size(); i++) {
            SyntheticPatient patient = group.get(i);
            Map<String, String> ids = confirmed.get(patient.key());
            if (ids == null && !refused) {
                try {
                    ids = accountByLogin(patient, values.get(i));
                } catch (TargetUnavailableException e) {
                    // Could not read back whether the batch made it: never sent again, reported (as the single create does).
                    result.put(patient.key(), new BatchedAccount(null, 0, "the account could not be reconciled after a batch"
                            + " create: " + e.getMessage()));
                    continue;
                }
                if (ids != null) {
                    accountsReconciled.incrementAndGet();
                }
            }
            if (ids != null) {
                recordPatient(patient, ids);
                result.put(patient.key(), new BatchedAccount(ids, 0));
            } else {
                result.put(patient.key(), new BatchedAccount(null, refused ? ACCOUNT_ATTEMPTS : ACCOUNT_ATTEMPTS - 1));
            }
        }
        return result;
    }

    /**
     * The ids of each patient whose answer item is found and holds what {@code extract} names (the owner key at least).
     * By position only when the answer holds exactly one item per patient; by a value only when exactly one item
     * carries it. Anything else leaves the patient unconfirmed.
     */
    private Map<String, Map<String, String>> matchAnswer(CreateBatch batch, List<SyntheticPatient> group,
                                                         List<Map<String, String>> values, JsonNode json) {
        List<JsonNode> items = batch.items().all(json).orElse(List.of());
        Map<String, JsonNode> itemOf = new LinkedHashMap<>();
        if (batch.matchesByPosition()) {
            if (items.size() == group.size()) {
                for (int i = 0; i < group.size(); i++) {
                    itemOf.put(group.get(i).key(), items.get(i));
                }
            }
        } else {
            Map<String, JsonNode> byValue = new LinkedHashMap<>();
            Set<String> repeated = new LinkedHashSet<>();
            for (JsonNode item : items) {
                batch.matchAt().text(item).ifPresent(v -> {
                    if (byValue.putIfAbsent(v, item) != null) {
                        repeated.add(v);
                    }
                });
            }
            repeated.forEach(byValue::remove);
            for (int i = 0; i < group.size(); i++) {
                JsonNode item = byValue.get(values.get(i).get(batch.matchBy()));
                if (item != null) {
                    itemOf.put(group.get(i).key(), item);
                }
            }
        }
        String accountKey = target.profile().patients().accountKey();
        Map<String, Map<String, String>> confirmed = new LinkedHashMap<>();
        itemOf.forEach((key, item) -> {
            Map<String, String> ids = new LinkedHashMap<>();
            batch.extract().forEach((name, path) -> path.text(item).ifPresent(v -> ids.put(name, v)));
            int at = group.stream().map(SyntheticPatient::key).toList().indexOf(key);
            ids.putAll(withChosenKeys(Map.of(), values.get(at)));
            if (ids.size() == batch.extract().size() && ids.get(accountKey) != null) {
                confirmed.put(key, Map.copyOf(ids));
            }
        });
        return confirmed;
    }

    /**
     * Records the patient with every id known so far. Where the owner key comes from a set-up step, the first record
     * has none (the patient is not checked as such until set-up recorded it again with its owner key).
     */
    private String recordPatient(SyntheticPatient patient, Map<String, String> account) {
        String ownerId = account.get(target.profile().patients().ownerKey());
        if (ownerId == null && dev.cordon.profile.ProfileLoader.CHOSEN_KEYS.contains(target.profile().patients().ownerKey())) {
            ownerId = patientValues(patient, "").get(target.profile().patients().ownerKey()); // the value Cordon registered
            account = new LinkedHashMap<>(account);
            account.put(target.profile().patients().ownerKey(), ownerId);
        }
        ledger.recordPatient(new LedgerPatient(patient.key(), patient.cohort(), ownerId, patient.username(),
                patient.email(), patient.externalRef(), patient.nhsNumber(), Instant.now().toString(), account));
        return ownerId;
    }

    /**
     * The account's ids with the owner and account keys that are values Cordon itself chose (the username or e-mail it
     * registered, for a target whose sign-up answer carries no id).
     */
    private Map<String, String> withChosenKeys(Map<String, String> account, Map<String, String> patientValues) {
        Map<String, String> ids = new LinkedHashMap<>(account);
        for (String key : List.of(target.profile().patients().ownerKey(), target.profile().patients().accountKey())) {
            if (dev.cordon.profile.ProfileLoader.CHOSEN_KEYS.contains(key) && !ids.containsKey(key) && patientValues.get(key) != null) {
                ids.put(key, patientValues.get(key));
            }
        }
        return ids;
    }

    private static Finding unverified(SyntheticPatient patient, RuntimeException e) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("patient", patient.key());
        if (e instanceof TargetUnavailableException t) {
            evidence.put("request", t.request());
            evidence.put("status", t.status());
        }
        return new Finding(FindingKind.UNVERIFIED, patient.key(), "could not seed " + patient.key() + ": " + e.getMessage(), evidence);
    }

    /** {@code batched}: what a batch create left for this patient (null: no batch create; the account is made here). */
    private PatientOutcome seedOne(SyntheticPatient patient, List<Resource> resources, String variant, BatchedAccount batched,
                                   boolean sacrificing) {
        Profile profile = target.profile();
        String password = passwords.of(ledger.header().runId(), patient.key());
        Map<String, String> values = new LinkedHashMap<>(patientValues(patient, password));
        values.putAll(fixtureValues);

        Map<String, String> account;
        if (batched != null && batched.ids() != null) {
            account = batched.ids(); // confirmed by the batch (and in the ledger already)
        } else if (batched != null && batched.failure() != null) {
            throw new TargetUnavailableException("account of " + patient.key(), -1, batched.failure(), null);
        } else {
            account = createAccount(patient, values, batched == null ? ACCOUNT_ATTEMPTS : batched.singleAttempts());
            recordPatient(patient, account);
        }
        values.putAll(account);
        String accountId = account.get(profile.patients().accountKey());

        SessionHolder session = new SessionHolder(patient.key(), values);
        if (profile.hasIdentity()) {
            String notThisPatient = confirmIdentity(session, account, accountId);
            if (notThisPatient != null) {
                // Creating items with a session that is not (provably) this patient's would put someone else's data in
                // the ledger: no items are made, and the patient is incomplete, never counted as seeded with nothing.
                return new PatientOutcome(0, 0, notThisPatient);
            }
        }
        int created = 0;
        if (!profile.patients().setup().isEmpty()) {
            SetupResult setup = runSetup(patient, values, session, account);
            if (setup.failure() != null) {
                return new PatientOutcome(setup.items(), 0, "its set-up could not be confirmed (" + setup.failure() + ")");
            }
            created += setup.items();
        }
        int reconciledItems = 0;
        List<String> failures = new ArrayList<>();
        // An account an earlier attempt of this run made (a retried verify on a fresh copy of the seed ledger): what it
        // already owns is read back first, and only the shortfall is made.
        int alreadyMade = adoptedAccounts.contains(patient.key()) ? readBackAdopted(patient, resources, session) : 0;
        reconciledItems += alreadyMade;
        // What each resource's runs extracted, by run: a later resource's run i may use them (chained resources).
        Map<String, Map<Integer, Map<String, String>>> extractedByResource = new LinkedHashMap<>();
        for (Resource resource : resources) {
            if (resource.recipe().isEmpty()) {
                continue; // made by another resource's recipe or a set-up step (a step there owns it)
            }
            int runs = resource.countPerPatient(patient.consultations().size());
            Map<Integer, Map<String, String>> extracted = new LinkedHashMap<>();
            extractedByResource.put(resource.name(), extracted);
            List<Integer> pending = new ArrayList<>();
            for (int i = Math.min(alreadyMade, runs); i < runs; i++) {
                pending.add(i);
            }
            for (int attempt = 1; attempt <= recipeAttempts && !pending.isEmpty(); attempt++) {
                List<Integer> failed = new ArrayList<>();
                String lastFailure = null;
                for (int run : pending) {
                    Map<String, String> runValues = new LinkedHashMap<>(values);
                    extractedByResource.forEach((earlier, byRun) -> {
                        if (!byRun.isEmpty() && byRun != extracted) {
                            Map<String, String> of = byRun.get(run % Math.max(1, runsOf(resources, earlier, patient)));
                            if (of != null) {
                                runValues.putAll(of);
                            }
                        }
                    });
                    RunResult result = runRecipe(patient, resource, run, runValues, session, variant, null, null);
                    created += result.items;
                    if (result.failure != null) {
                        failed.add(run);
                        lastFailure = result.failure;
                    } else {
                        extracted.put(run, result.extracted());
                    }
                }
                if (!failed.isEmpty()) {
                    // What did the target do with the writes whose answers were lost? Read back as the patient.
                    reconciledItems += reconcile(patient, resource, session);
                    if (attempt == recipeAttempts) {
                        failures.add(failed.size() + " of " + runs + " " + resource.many()
                                + " recipe runs could not be confirmed in " + recipeAttempts + " attempts, the retry budget"
                                + " (target.recipeAttempts); the last: " + lastFailure);
                    }
                }
                pending = failed;
            }
        }
        if (sacrificing && failures.isEmpty()) {
            Map<String, String> withChained = new LinkedHashMap<>(values);
            extractedByResource.values().forEach(byRun -> {
                if (byRun.get(0) != null) {
                    withChained.putAll(byRun.get(0)); // a sacrificial run may build on the patient's first runs (chained)
                }
            });
            created += sacrifices(patient, resources, withChained, session);
        }
        return new PatientOutcome(created + reconciledItems, reconciledItems, failures.isEmpty() ? null : String.join("; ", failures));
    }

    private static int runsOf(List<Resource> resources, String name, SyntheticPatient patient) {
        return resources.stream().filter(r -> r.name().equals(name)).findFirst()
                .map(r -> r.countPerPatient(patient.consultations().size())).orElse(1);
    }

    /**
     * Items made for Cordon's own writes: one per write probe and one for the delete proof of each resource that
     * declares them, each recorded with a sacrificial via. A run that fails makes no sacrifice (nothing to reconcile:
     * its items, if any, stay partial and are never expected anywhere).
     */
    private int sacrifices(SyntheticPatient patient, List<Resource> resources, Map<String, String> values, SessionHolder session) {
        int made = 0;
        for (Resource resource : resources) {
            Resource maker = recipeMaking(resources, resource);
            if (maker == null) {
                continue;
            }
            List<String> purposes = new ArrayList<>(resource.writeProbes().keySet());
            if (resource.delete() != null) {
                purposes.add(LedgerItem.DELETE_PROOF);
            }
            for (String purpose : purposes) {
                String via = LedgerItem.SACRIFICIAL + purpose + ":" + resource.name();
                made += runRecipe(patient, maker, 0, values, session, null, null, via).items();
            }
        }
        return made;
    }

    /** The recipe that makes items of a resource: its own, or the first other recipe with a step that owns them. */
    private static Resource recipeMaking(List<Resource> resources, Resource resource) {
        if (!resource.recipe().isEmpty()) {
            return resource;
        }
        return resources.stream().filter(r -> r.recipe().stream().anyMatch(s -> s.owns().containsKey(resource.name())))
                .findFirst().orElse(null);
    }

    private record SetupResult(int items, String failure) {
    }

    /**
     * The account's set-up steps (patients.setup), once: each answer's values join the patient's ids and the patient is
     * recorded again with them (its owner key among them). A step whose answer was lost is sent once more; a refusal
     * that still names every value to extract (409 "you have one already: this one") is the record the lost write made.
     */
    private SetupResult runSetup(SyntheticPatient patient, Map<String, String> values, SessionHolder session,
                                 Map<String, String> account) {
        Profile profile = target.profile();
        Map<String, String> learnt = new LinkedHashMap<>();
        int items = 0;
        for (Step step : profile.patients().setup()) {
            ledger.recordIntent(new LedgerIntent(patient.key(), patient.cohort(), "setup " + step.key(), patient.externalRef(), patient.username()));
            StepAnswer answer = null;
            String failure = null;
            for (int attempt = 1; attempt <= 2; attempt++) {
                try {
                    answer = perform(step, values, session);
                } catch (TargetUnavailableException e) {
                    failure = e.getMessage();
                    answer = null;
                    continue;
                }
                if (answer.ok() || answer.observation().status() == 409 && holdsAll(step, answer)) {
                    failure = null;
                    break;
                }
                failure = answer.observation().request() + " answered " + answer.observation().status();
                if (!answer.observation().serverError()) {
                    break;
                }
            }
            if (failure != null) {
                return new SetupResult(items, failure);
            }
            Map<String, String> extracted;
            try {
                extracted = extract(step, answer);
            } catch (TargetUnavailableException e) {
                return new SetupResult(items, e.getMessage());
            }
            values.putAll(extracted);
            learnt.putAll(extracted);
            for (Map.Entry<String, ValuePath> owns : step.owns().entrySet()) {
                for (JsonNode id : owns.getValue().all(answer.json()).orElse(List.of())) {
                    String itemId = id.isValueNode() ? id.asText() : id.toString();
                    if (ledger.item(owns.getKey(), itemId).isEmpty()) {
                        ledger.recordItem(new LedgerItem(owns.getKey(), itemId, patient.key(), patient.cohort(), "setup", false));
                        items++;
                    }
                }
            }
        }
        Map<String, String> ids = new LinkedHashMap<>(account);
        ids.putAll(learnt);
        if (ids.get(profile.patients().ownerKey()) == null) {
            return new SetupResult(items, "no set-up step gave the owner key " + profile.patients().ownerKey());
        }
        recordPatient(patient, ids);
        return new SetupResult(items, null);
    }

    private static boolean holdsAll(Step step, StepAnswer answer) {
        return step.extract().values().stream().allMatch(path -> path.text(answer.json()).isPresent());
    }

    /**
     * Creates the account with at most {@code attempts} sends; an unconfirmed create is reconciled by logging in before
     * it is ever sent again.
     */
    private Map<String, String> createAccount(SyntheticPatient patient, Map<String, String> values, int attempts) {
        Profile profile = target.profile();
        Step step = profile.patients().creation(release).orElseThrow(() -> new IllegalStateException(
                "the profile has no way to create an account on release " + release));
        for (int attempt = 1; attempt <= attempts; attempt++) {
            ledger.recordIntent(new LedgerIntent(patient.key(), patient.cohort(), "account", patient.externalRef(), patient.username()));
            String lost;
            try {
                StepAnswer answer = target.perform("account " + (step == profile.patients().create() ? "create" : "sign-up"),
                        step.request(), step.as(), null, values);
                if (answer.ok()) {
                    Map<String, String> account = withChosenKeys(extract(step, answer), values);
                    if (account.get(profile.patients().accountKey()) == null) {
                        throw new TargetUnavailableException(answer.observation().request(), answer.observation().status(),
                                "the answer holds no " + profile.patients().accountKey() + " where the profile says it is", null);
                    }
                    return account;
                }
                if (!answer.observation().serverError()) {
                    // A refusal (a taken username) may mean the account is this run's already: made by a batch whose
                    // answer was lost, or by an earlier attempt of this run (a retried verify on a fresh copy of the
                    // seed ledger). Only this run's key derives the password, so a login that works proves it ours.
                    Map<String, String> madeBefore = accountByLogin(patient, values);
                    if (madeBefore != null) {
                        if (attempts >= ACCOUNT_ATTEMPTS) {
                            adoptedAccounts.add(patient.key());
                        }
                        return madeBefore;
                    }
                    throw new TargetUnavailableException(answer.observation().request(), answer.observation().status(),
                            "the target refused to create the account (" + answer.observation().status() + ")", null);
                }
                lost = "answered " + answer.observation().status();
            } catch (TargetUnavailableException e) {
                if (e.status() != -1) {
                    throw e;
                }
                lost = e.getMessage();
            }
            // The create may or may not have happened: ask the target by logging in as the patient.
            Map<String, String> reconciled = accountByLogin(patient, values);
            if (reconciled != null) {
                return reconciled;
            }
            if (attempt == attempts) {
                throw new TargetUnavailableException("account of " + patient.key(), -1, "the account could not be created: " + lost, null);
            }
        }
        throw new TargetUnavailableException("account of " + patient.key(), -1, "the account could not be created: no attempt left", null);
    }

    /** Accounts this seeding did not make but found made for this run already (their items are read back before any run). */
    private final Set<String> adoptedAccounts = ConcurrentHashMap.newKeySet();

    /** How often who-am-I is asked to confirm a fresh session before the patient is reported incomplete. */
    static final int IDENTITY_ATTEMPTS = 3;

    /**
     * Null when the session provably is this patient's (who-am-I answers the owner id); otherwise why not. An answer
     * lost or refused is asked again (a read), with a fresh login after a 401; a different id is never retried away.
     */
    private String confirmIdentity(SessionHolder session, Map<String, String> account, String ownerId) {
        if (ownerId == null) {
            return "got no items: the account's answer holds no " + target.profile().patients().accountKey();
        }
        String last = null;
        for (int attempt = 1; attempt <= IDENTITY_ATTEMPTS; attempt++) {
            Observation me;
            try {
                me = target.whoAmI(attempt == 1 ? session.get() : session.renew(), account);
            } catch (TargetUnavailableException e) {
                last = e.getMessage();
                continue;
            }
            if (me.ok()) {
                String id = me.value("id");
                return ownerId.equals(id) ? null : "got no items: the session resolves to another patient (who-am-I answered "
                        + id + ", not " + ownerId + ")";
            }
            last = me.request() + " answered " + me.status();
        }
        return "got no items: who-am-I could not confirm the session after " + IDENTITY_ATTEMPTS + " attempts (" + last + ")";
    }

    /** The items an adopted account already owns, read back from its own listings and recorded as reconciled. */
    private int readBackAdopted(SyntheticPatient patient, List<Resource> resources, SessionHolder session) {
        int found = Integer.MAX_VALUE;
        for (Resource resource : resources) {
            if (!resource.recipe().isEmpty()) {
                found = Math.min(found, reconcile(patient, resource, session));
            }
        }
        return found == Integer.MAX_VALUE ? 0 : found;
    }

    private Map<String, String> accountByLogin(SyntheticPatient patient, Map<String, String> values) {
        Profile profile = target.profile();
        if (!profile.hasIdentity()) {
            return null;
        }
        try {
            PatientSession session = target.logIn(patient.key(), values);
            Observation me = target.whoAmI(session, Map.of());
            if (me.ok() && me.value("id") != null) {
                return withChosenKeys(Map.of(profile.patients().accountKey(), me.value("id")), values);
            }
            return null;
        } catch (LoginRefusedException notCreated) {
            return null;
        }
    }

    /** {@code extracted}: what the run's steps extracted (for later resources' runs of the same patient). */
    private record RunResult(int items, String failure, Map<String, String> extracted) {
        RunResult(int items, String failure) {
            this(items, failure, Map.of());
        }
    }

    /**
     * One recipe run: its steps in order; a failed or unconfirmed step abandons the run (reconciled afterwards).
     * {@code sacrificialVia}: the run makes a sacrificial item (for a write probe or the delete proof), recorded so.
     */
    private RunResult runRecipe(SyntheticPatient patient, Resource resource, int run, Map<String, String> patientValues,
                                SessionHolder session, String variant, Tamper tamper, String sacrificialVia) {
        Map<String, String> values = new LinkedHashMap<>(patientValues);
        if (!patient.consultations().isEmpty()) {
            PlannedConsultation planned = patient.consultations().get(run % patient.consultations().size());
            values.put("slot", planned.slot().toString());
            values.put("clinician", planned.clinician());
        }
        values.put("index", String.valueOf(run + 1));
        values.put("title", "Synthetic " + resource.one() + " " + (run + 1) + " of " + patient.key());
        String via = sacrificialVia != null ? sacrificialVia : resource.name() + "#" + (run + 1);
        if (tamper != null) {
            via = new TamperedVia(via, tamper.field(), tamper.named().key()).via();
            values.put(TAMPERED_OWNER, tamper.named().targetId());
        }
        ledger.recordIntent(new LedgerIntent(patient.key(), patient.cohort(), via, patient.externalRef(), patient.username()));
        Map<String, Set<String>> owned = new LinkedHashMap<>();
        Map<String, String> extractedHere = new LinkedHashMap<>();
        String failure = null;
        for (Step step : resource.recipe()) {
            if (step.variant() != null && !step.variant().equals(variant)) {
                continue;
            }
            try {
                StepAnswer answer = perform(tamper == null ? step : tamper.onto(step), values, session);
                if (!answer.ok()) {
                    failure = answer.observation().request() + " answered " + answer.observation().status();
                    break;
                }
                Map<String, String> fromStep = extract(step, answer);
                values.putAll(fromStep);
                extractedHere.putAll(fromStep);
                for (Map.Entry<String, ValuePath> owns : step.owns().entrySet()) {
                    List<JsonNode> ids = owns.getValue().all(answer.json()).orElseThrow(() -> new TargetUnavailableException(
                            answer.observation().request(), answer.observation().status(), "the answer has no owned ids at "
                            + owns.getValue(), null));
                    ids.forEach(id -> owned.computeIfAbsent(owns.getKey(), k -> new LinkedHashSet<>()).add(id.isValueNode() ? id.asText() : id.toString()));
                }
            } catch (TargetUnavailableException e) {
                failure = e.getMessage();
                break;
            }
        }
        boolean declaresOwned = resource.recipe().stream().anyMatch(step -> !step.owns().isEmpty()
                && (step.variant() == null || step.variant().equals(variant)));
        if (failure == null && owned.isEmpty() && declaresOwned) {
            // Every step answered, yet none named an item it made: nothing is confirmed, so the run is not done.
            failure = "the recipe run for " + via + " was answered but named no " + resource.one() + " it made";
        }
        int count = 0;
        for (Map.Entry<String, Set<String>> entry : owned.entrySet()) {
            for (String id : entry.getValue()) {
                // The same id from a mid-call step and the final step is one item, recorded once.
                // A run that did not finish leaves its items partial: the patient's, but perhaps never visible.
                if (ledger.item(entry.getKey(), id).isEmpty()) {
                    ledger.recordItem(new LedgerItem(entry.getKey(), id, patient.key(), patient.cohort(), via, false, failure != null));
                    count += failure == null ? 1 : 0;
                }
            }
        }
        return new RunResult(count, failure, Map.copyOf(extractedHere));
    }

    private StepAnswer perform(Step step, Map<String, String> values, SessionHolder session) {
        PatientSession who = step.as() == Actor.patient ? session.get() : null;
        StepAnswer answer = target.perform(step.key(), step.request(), step.as(), who, values);
        if (answer.observation().status() == 401 && step.as() == Actor.patient) {
            // A refused session was not processed: log in again once and repeat.
            answer = target.perform(step.key(), step.request(), step.as(), session.renew(), values);
        }
        return answer;
    }

    private static Map<String, String> extract(Step step, StepAnswer answer) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, ValuePath> e : step.extract().entrySet()) {
            String value = e.getValue().text(answer.json()).orElseThrow(() -> new TargetUnavailableException(
                    answer.observation().request(), answer.observation().status(), "the answer holds no " + e.getKey() + " at "
                    + e.getValue(), null));
            values.put(e.getKey(), value);
        }
        return values;
    }

    /** Items of this resource in the patient's own listings that the ledger does not know: made by an unconfirmed write. */
    private int reconcile(SyntheticPatient patient, Resource resource, SessionHolder session) {
        int adopted = 0;
        for (Profile.Listing listing : resource.listings().values()) {
            try {
                ItemListing seen = target.list(listing, session.get(), session.values(), Map.of(), Map.of());
                for (String id : seen.itemIds()) {
                    Optional<LedgerItem> known = ledger.item(resource.name(), id);
                    if (known.isEmpty()) {
                        ledger.recordItem(new LedgerItem(resource.name(), id, patient.key(), patient.cohort(), "reconciled", true));
                        adopted++;
                    } else if (known.get().partial() && known.get().patientKey().equals(patient.key())) {
                        // An item of an unfinished run that the patient's own listing shows after all: settled.
                        ledger.recordItem(new LedgerItem(resource.name(), id, patient.key(), patient.cohort(), known.get().via(), true));
                        adopted++;
                    }
                }
                return adopted;
            } catch (TargetUnavailableException e) {
                // try the next listing; what cannot be read back stays unconfirmed
            }
        }
        return adopted;
    }

    /** A body field set to another patient's owner id on every patient-authored step with a JSON object body. */
    private record Tamper(String field, LedgerPatient named) {
        static boolean applies(Step step) {
            return step.as() == Actor.patient && step.request().json() != null && step.request().json().isObject();
        }

        Step onto(Step step) {
            if (!applies(step)) {
                return step;
            }
            Profile.Request r = step.request();
            ObjectNode body = ((ObjectNode) r.json()).deepCopy();
            body.put(field, "${" + TAMPERED_OWNER + "}");
            return new Step(step.key(), step.as(), new Profile.Request(r.key(), r.method(), r.path(), r.query(), r.headers(),
                    body, r.form(), r.multipart()), step.extract(), step.owns(), step.variant(), step.since());
        }
    }

    /**
     * Mass assignment through a request body: the first patients of a cohort each make one more item of every resource
     * whose recipe has a patient-authored JSON body, with a declared body field naming the next patient. The item is
     * recorded as the caller's (what a correct target does); the listings then show whether the named patient got it.
     * A run the target refuses or does not finish makes nothing; its intent stays in the ledger for cleanup.
     */
    private int tamperBodies(PopulationPlan plan, List<Resource> resources, String variant, Set<String> incomplete) {
        List<String> fields = bodyTampering.fields();
        List<Resource> tamperable = resources.stream().filter(r -> r.recipe().stream().anyMatch(Tamper::applies)).toList();
        if (fields.isEmpty() || variant != null || tamperable.isEmpty()) {
            return 0;
        }
        int made = 0;
        List<SyntheticPatient> seeded = plan.patients().stream()
                .filter(p -> !incomplete.contains(p.key()) && ledger.patient(p.key()).isPresent()).toList();
        int callers = Math.min(bodyTampering.callers(), seeded.size() - 1);
        for (int j = 0; callers > 0 && j < Math.max(callers, fields.size()); j++) {
            SyntheticPatient caller = seeded.get(j % callers);
            LedgerPatient named = ledger.patient(seeded.get(j % callers + 1).key()).orElseThrow();
            Map<String, String> values = new LinkedHashMap<>(patientValues(caller, passwords.of(ledger.header().runId(), caller.key())));
            values.putAll(fixtureValues);
            values.putAll(ledger.patient(caller.key()).orElseThrow().ids());
            SessionHolder session = new SessionHolder(caller.key(), values);
            for (Resource resource : tamperable) {
                try {
                    made += runRecipe(caller, resource, 0, values, session, null, new Tamper(fields.get(j % fields.size()), named), null).items();
                } catch (RuntimeException e) {
                    // nothing confirmed: nothing recorded as made; the listings still check the whole population
                }
            }
        }
        return made;
    }

    static Map<String, String> patientValues(SyntheticPatient patient, String password) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("name", patient.name());
        int space = patient.name().indexOf(' ');
        values.put("givenName", space > 0 ? patient.name().substring(0, space) : patient.name());
        values.put("familyName", space > 0 ? patient.name().substring(space + 1) : patient.name());
        values.put("dateOfBirth", patient.dateOfBirth().toString());
        values.put("nhsNumber", patient.nhsNumber());
        values.put("username", patient.username());
        values.put("email", patient.email());
        values.put("password", password);
        values.put("externalRef", patient.externalRef());
        values.put("runTag", patient.externalRef());
        return values;
    }

    /** The patient's session during seeding, renewed once when the target stops honouring it. */
    private final class SessionHolder {
        private final String patientKey;
        private final Map<String, String> values;
        private PatientSession session;

        SessionHolder(String patientKey, Map<String, String> values) {
            this.patientKey = patientKey;
            this.values = values;
        }

        PatientSession get() {
            if (session == null) {
                session = target.logIn(patientKey, values);
            }
            return session;
        }

        PatientSession renew() {
            session = null;
            return get();
        }

        Map<String, String> values() {
            return values;
        }
    }
}
