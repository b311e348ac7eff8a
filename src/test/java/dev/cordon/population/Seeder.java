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
            List<Future<?>> futures = new ArrayList<>();
            for (SyntheticPatient patient : plan.patients()) {
                futures.add(pool.submit(() -> {
                    try {
                        PatientOutcome outcome = seedOne(patient, resources, variant, batched.get(patient.key()));
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
        String ownerKey = target.profile().patients().ownerKey();
        Map<String, Map<String, String>> confirmed = new LinkedHashMap<>();
        itemOf.forEach((key, item) -> {
            Map<String, String> ids = new LinkedHashMap<>();
            batch.extract().forEach((name, path) -> path.text(item).ifPresent(v -> ids.put(name, v)));
            if (ids.size() == batch.extract().size() && ids.get(ownerKey) != null) {
                confirmed.put(key, Map.copyOf(ids));
            }
        });
        return confirmed;
    }

    private String recordPatient(SyntheticPatient patient, Map<String, String> account) {
        String ownerId = account.get(target.profile().patients().ownerKey());
        ledger.recordPatient(new LedgerPatient(patient.key(), patient.cohort(), ownerId, patient.username(),
                patient.email(), patient.externalRef(), patient.nhsNumber(), Instant.now().toString(), account));
        return ownerId;
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
    private PatientOutcome seedOne(SyntheticPatient patient, List<Resource> resources, String variant, BatchedAccount batched) {
        Profile profile = target.profile();
        String password = passwords.of(ledger.header().runId(), patient.key());
        Map<String, String> values = new LinkedHashMap<>(patientValues(patient, password));
        values.putAll(fixtureValues);

        Map<String, String> account;
        String ownerId;
        if (batched != null && batched.ids() != null) {
            account = batched.ids(); // confirmed by the batch (and in the ledger already)
            ownerId = account.get(profile.patients().ownerKey());
        } else if (batched != null && batched.failure() != null) {
            throw new TargetUnavailableException("account of " + patient.key(), -1, batched.failure(), null);
        } else {
            account = createAccount(patient, values, batched == null ? ACCOUNT_ATTEMPTS : batched.singleAttempts());
            ownerId = recordPatient(patient, account);
        }
        values.putAll(account);

        SessionHolder session = new SessionHolder(patient.key(), values);
        if (profile.hasIdentity()) {
            String notThisPatient = confirmIdentity(session, account, ownerId);
            if (notThisPatient != null) {
                // Creating items with a session that is not (provably) this patient's would put someone else's data in
                // the ledger: no items are made, and the patient is incomplete, never counted as seeded with nothing.
                return new PatientOutcome(0, 0, notThisPatient);
            }
        }
        int created = 0;
        int reconciledItems = 0;
        List<String> failures = new ArrayList<>();
        // An account an earlier attempt of this run made (a retried verify on a fresh copy of the seed ledger): what it
        // already owns is read back first, and only the shortfall is made.
        int alreadyMade = adoptedAccounts.contains(patient.key()) ? readBackAdopted(patient, resources, session) : 0;
        reconciledItems += alreadyMade;
        for (Resource resource : resources) {
            if (resource.recipe().isEmpty()) {
                continue; // made by another resource's recipe (a step there owns it)
            }
            List<Integer> pending = new ArrayList<>();
            for (int i = Math.min(alreadyMade, patient.consultations().size()); i < patient.consultations().size(); i++) {
                pending.add(i);
            }
            for (int attempt = 1; attempt <= recipeAttempts && !pending.isEmpty(); attempt++) {
                List<Integer> failed = new ArrayList<>();
                String lastFailure = null;
                for (int run : pending) {
                    RunResult result = runRecipe(patient, resource, run, values, session, variant);
                    created += result.items;
                    if (result.failure != null) {
                        failed.add(run);
                        lastFailure = result.failure;
                    }
                }
                if (!failed.isEmpty()) {
                    // What did the target do with the writes whose answers were lost? Read back as the patient.
                    reconciledItems += reconcile(patient, resource, session);
                    if (attempt == recipeAttempts) {
                        failures.add(failed.size() + " of " + patient.consultations().size() + " " + resource.many()
                                + " recipe runs could not be confirmed in " + recipeAttempts + " attempts, the retry budget"
                                + " (target.recipeAttempts); the last: " + lastFailure);
                    }
                }
                pending = failed;
            }
        }
        return new PatientOutcome(created + reconciledItems, reconciledItems, failures.isEmpty() ? null : String.join("; ", failures));
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
                    Map<String, String> account = extract(step, answer);
                    if (account.get(profile.patients().ownerKey()) == null) {
                        throw new TargetUnavailableException(answer.observation().request(), answer.observation().status(),
                                "the answer holds no " + profile.patients().ownerKey() + " where the profile says it is", null);
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
                return Map.of(profile.patients().ownerKey(), me.value("id"));
            }
            return null;
        } catch (LoginRefusedException notCreated) {
            return null;
        }
    }

    private record RunResult(int items, String failure) {
    }

    /** One recipe run: its steps in order; a failed or unconfirmed step abandons the run (reconciled afterwards). */
    private RunResult runRecipe(SyntheticPatient patient, Resource resource, int run, Map<String, String> patientValues,
                                SessionHolder session, String variant) {
        return runRecipe(patient, resource, run, patientValues, session, variant, null);
    }

    private RunResult runRecipe(SyntheticPatient patient, Resource resource, int run, Map<String, String> patientValues,
                                SessionHolder session, String variant, Tamper tamper) {
        Map<String, String> values = new LinkedHashMap<>(patientValues);
        PlannedConsultation planned = patient.consultations().get(run);
        values.put("slot", planned.slot().toString());
        values.put("clinician", planned.clinician());
        values.put("index", String.valueOf(run + 1));
        values.put("title", "Synthetic " + resource.one() + " " + (run + 1) + " of " + patient.key());
        String via = resource.name() + "#" + (run + 1);
        if (tamper != null) {
            via = new TamperedVia(via, tamper.field(), tamper.named().key()).via();
            values.put(TAMPERED_OWNER, tamper.named().targetId());
        }
        ledger.recordIntent(new LedgerIntent(patient.key(), patient.cohort(), via, patient.externalRef(), patient.username()));
        Map<String, Set<String>> owned = new LinkedHashMap<>();
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
                values.putAll(extract(step, answer));
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
        return new RunResult(count, failure);
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
                    made += runRecipe(caller, resource, 0, values, session, null, new Tamper(fields.get(j % fields.size()), named)).items();
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
