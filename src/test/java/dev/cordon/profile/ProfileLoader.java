package dev.cordon.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.config.ConfigException;
import dev.cordon.config.ConfigNode;
import dev.cordon.profile.Profile.Actor;
import dev.cordon.profile.Profile.CreateBatch;
import dev.cordon.profile.Profile.Listing;
import dev.cordon.profile.Profile.Multipart;
import dev.cordon.profile.Profile.Opener;
import dev.cordon.profile.Profile.OperatorAuth;
import dev.cordon.profile.Profile.Pages;
import dev.cordon.profile.Profile.Paging;
import dev.cordon.profile.Profile.Patients;
import dev.cordon.profile.Profile.Request;
import dev.cordon.profile.Profile.Resource;
import dev.cordon.profile.Profile.Session;
import dev.cordon.profile.Profile.Step;
import dev.cordon.profile.Profile.Tampering;
import dev.cordon.profile.Profile.Version;
import dev.cordon.profile.Profile.WriteProbe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and validates a v2 profile before any request: unknown keys are refused, every JSON path is parsed, every
 * placeholder must be resolvable from what the patient, the recipe run, the fixtures and earlier steps provide, and
 * every reference (owned resource, page listing) must exist. Each error names the file, the key and the fix.
 */
public final class ProfileLoader {
    /** Values every synthetic patient brings to account creation, login and recipes. */
    public static final List<String> PATIENT_VALUES = List.of("name", "givenName", "familyName", "dateOfBirth", "nhsNumber",
            "username", "email", "password", "externalRef", "runTag");
    /**
     * Patient values Cordon itself chooses that may be an owner key (for a target whose sign-up answer carries no id:
     * the account is known by the username or e-mail Cordon registered).
     */
    public static final List<String> CHOSEN_KEYS = List.of("username", "email", "nhsNumber");
    /** Values each recipe run brings (one run per planned consultation). */
    public static final List<String> RUN_VALUES = List.of("slot", "clinician", "index", "title");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");
    private static final Set<String> PAGING = Set.of("none", "page-size", "offset-limit", "next-link", "cursor");
    /** The CSS selectors (and login path) the browser check reads from pages; all are required. */
    static final String[] PAGE_SELECTORS = {"loginPath", "username", "password", "submit", "loginError", "replaysTitle",
            "replaysTitleText", "replayRow", "replayRowIdAttribute", "nextPage", "replayTitle", "replayPlayer", "replayMedia"};
    private static final String[] REQUEST_KEYS = {"method", "path", "query", "headers", "body", "form", "multipart"};
    /** Patient values that tell one synthetic patient from every other, so a batch answer item can be matched by them. */
    static final List<String> MATCH_VALUES = List.of("username", "email");
    private static final String[] BATCH_KEYS = {"as", "method", "path", "query", "headers", "size", "wrapper", "item", "items",
            "extract", "match", "since"};

    private final String file;

    private ProfileLoader(String file) {
        this.file = file;
    }

    public static Profile load(Path path) {
        ConfigNode root = ConfigNode.load(path);
        return new ProfileLoader(root.file()).read(root);
    }

    private Profile read(ConfigNode root) {
        root.onlyKeys("schema", "name", "description", "version", "health", "operator", "patients", "fixtures", "resources",
                "tampering", "pages", "requests");
        if (!root.has("schema") || root.intAtLeast("schema", 1) != 2) {
            throw ConfigException.at(file, "schema", "2 (this is the v2 profile schema; see docs/target-profile.md for the"
                    + " upgrade from v1 'operations')", root.has("schema") ? root.raw("schema").asText() : null);
        }
        String name = root.text("name");
        Version version = version(root);
        Request health = root.has("health") ? request(root.section("health"), "GET") : null;
        OperatorAuth operator = operator(root.section("operator"));

        ConfigNode patientsNode = root.section("patients").onlyKeys("create", "createBatch", "signup", "ownerKey", "login",
                "session", "whoAmI", "list", "delete", "setup", "accountKey");
        Step create = patientsNode.has("create") ? step(patientsNode.section("create"), Actor.operator, false) : null;
        Step signup = patientsNode.has("signup") ? step(patientsNode.section("signup"), Actor.anonymous, true) : null;
        if (create == null && signup == null) {
            throw ConfigException.at(file, "patients.create", "how patient accounts are made: patients.create (by the operator)"
                    + " or patients.signup (self sign-up)", null);
        }
        if (signup != null && create == null && signup.since() != null) {
            throw ConfigException.at(file, "patients.signup.since", "no 'since' when there is no patients.create to fall back on", signup.since());
        }
        Set<String> accountValues = new LinkedHashSet<>();
        for (Step s : new Step[]{create, signup}) {
            if (s != null) {
                requirePlaceholders(s.request(), known(PATIENT_VALUES), "patients." + (s == create ? "create" : "signup"));
            }
        }
        CreateBatch createBatch = patientsNode.has("createBatch") ? createBatch(patientsNode.section("createBatch"), create) : null;
        if (create != null && signup != null) {
            accountValues.addAll(create.extract().keySet());
            accountValues.retainAll(signup.extract().keySet());
        } else {
            accountValues.addAll((create != null ? create : signup).extract().keySet());
        }
        if (createBatch != null) {
            accountValues.retainAll(createBatch.extract().keySet()); // a patient's account may come from either
        }
        String ownerKey = patientsNode.text("ownerKey");
        // Fixtures: made once per run by the operator; what they extract is known to every recipe and set-up step.
        Set<String> fixtureValues = new LinkedHashSet<>();
        List<Step> fixtures = new ArrayList<>();
        for (ConfigNode node : root.list("fixtures")) {
            Step fixture = step(node, Actor.operator, false);
            if (fixture.as() != Actor.operator) {
                throw ConfigException.at(file, node.key() + ".as", "operator (fixtures are made once per run by the operator)", fixture.as());
            }
            Set<String> available = new LinkedHashSet<>(fixtureValues);
            available.add("runTag");
            requirePlaceholders(fixture.request(), available, node.key());
            fixtureValues.addAll(fixture.extract().keySet());
            fixtures.add(fixture);
        }
        // Set-up: steps each account runs once after it exists (e.g. "create my patient record"); what they extract
        // (an owner key among them) is recorded with the patient and known to every later template.
        Set<String> resourceNames = root.section("resources").sections().keySet();
        List<Step> setup = new ArrayList<>();
        Set<String> setupValues = new LinkedHashSet<>();
        for (ConfigNode node : patientsNode.list("setup")) {
            Step step = step(node, Actor.patient, false);
            Set<String> available = known(PATIENT_VALUES);
            available.addAll(accountValues);
            available.addAll(fixtureValues);
            available.addAll(setupValues);
            requirePlaceholders(step.request(), available, node.key());
            for (String owned : step.owns().keySet()) {
                if (!resourceNames.contains(owned)) {
                    throw ConfigException.at(file, node.key() + ".owns." + owned, "the name of a resource " + resourceNames, owned);
                }
            }
            if (step.variant() != null) {
                throw ConfigException.at(file, node.keyOf("variant"), "no variant on a set-up step (it runs once per account)", step.variant());
            }
            setupValues.addAll(step.extract().keySet());
            setup.add(step);
        }
        if (!accountValues.contains(ownerKey) && !setupValues.contains(ownerKey) && !CHOSEN_KEYS.contains(ownerKey)) {
            throw ConfigException.at(file, "patients.ownerKey", "the name of an id every account creation extracts "
                    + accountValues + (setup.isEmpty() ? "" : " or a set-up step extracts " + setupValues)
                    + ", or a value Cordon chose at sign-up " + CHOSEN_KEYS, ownerKey);
        }
        if (CHOSEN_KEYS.contains(ownerKey)) {
            accountValues.add(ownerKey); // Cordon's own choice: known for every account before anything is sent
        }
        String accountKey = patientsNode.text("accountKey", accountValues.contains(ownerKey) ? ownerKey : null);
        if (accountKey == null) {
            throw ConfigException.at(file, "patients.accountKey", "the account id that who-am-I and the patient list answer with,"
                    + " one of " + accountValues + " (required: the owner key " + ownerKey + " comes from a set-up step)", null);
        }
        if (!accountValues.contains(accountKey)) {
            throw ConfigException.at(file, "patients.accountKey", "the name of an id every account creation extracts " + accountValues, accountKey);
        }
        Set<String> loginValues = known(PATIENT_VALUES);
        loginValues.addAll(accountValues);
        Request login = request(patientsNode.section("login"), "POST");
        requirePlaceholders(login, loginValues, "patients.login");
        Session session = session(patientsNode.section("session"));
        Request whoAmI = null;
        ValuePath whoAmIId = null;
        if (patientsNode.has("whoAmI")) {
            ConfigNode who = patientsNode.section("whoAmI");
            whoAmI = request(who, "GET", "id");
            whoAmIId = path(who, "id");
            requirePlaceholders(whoAmI, accountValues, "patients.whoAmI");
        }
        Listing list = patientsNode.has("list") ? listing(patientsNode.section("list"), "patients", "patients",
                Set.of(), Set.of("externalRef", "createdAt"), Set.of()) : null;
        Request delete = null;
        if (patientsNode.has("delete")) {
            delete = request(patientsNode.section("delete"), "DELETE");
            requirePlaceholders(delete, accountValues, "patients.delete");
        }
        Patients patients = new Patients(signup, create, createBatch, ownerKey, login, session, whoAmI, whoAmIId, list, delete,
                List.copyOf(setup), accountKey);
        Set<String> patientIds = new LinkedHashSet<>(accountValues);
        patientIds.addAll(setupValues); // every template after set-up may use the set-up's values (owner keys)

        Map<String, Resource> resources = new LinkedHashMap<>();
        ConfigNode resourcesNode = root.section("resources");
        if (resourcesNode.sections().isEmpty()) {
            throw ConfigException.at(file, "resources", "at least one owned resource (e.g. recording: {...})", null);
        }
        Set<String> earlierRecipes = new LinkedHashSet<>();
        for (Map.Entry<String, ConfigNode> entry : resourcesNode.sections().entrySet()) {
            Resource resource = resource(entry.getKey(), entry.getValue(), resourceNames, patientIds, fixtureValues, earlierRecipes);
            resources.put(entry.getKey(), resource);
            resource.recipe().forEach(step -> earlierRecipes.addAll(step.extract().keySet()));
        }
        if (resources.values().stream().noneMatch(r -> r.recipe().stream().anyMatch(s -> !s.owns().isEmpty()))
                && setup.stream().allMatch(s -> s.owns().isEmpty())) {
            throw ConfigException.at(file, "resources", "a recipe step that declares owned items (owns:)", null);
        }
        // A resource without a recipe of its own is made by another resource's recipe (an encounter made on the way
        // to a recording): some step elsewhere must declare it owned, or nothing would ever create it.
        for (Resource r : resources.values()) {
            boolean ownedElsewhere = resources.values().stream().filter(other -> other != r)
                    .flatMap(other -> other.recipe().stream()).anyMatch(s -> s.owns().containsKey(r.name()))
                    || setup.stream().anyMatch(s -> s.owns().containsKey(r.name()));
            if (r.recipe().isEmpty() && !ownedElsewhere) {
                throw ConfigException.at(file, "resources." + r.name() + ".recipe", "the ordered steps that create one " + r.one()
                        + " (or an owns: {" + r.name() + ": $.path} on a step of another resource's recipe or of patients.setup"
                        + " that makes them)", null);
            }
        }

        ConfigNode tamperingNode = root.optionalSection("tampering").onlyKeys("query", "headers", "body");
        Tampering tampering = new Tampering(tamperingNode.textList("query"), tamperingNode.textList("headers"),
                tamperingNode.textList("body"));

        Pages pages = pages(root, resources);
        ProfileExtras extras = new ProfileExtras(namedRequests(root, accountValues), Map.copyOf(filtered));
        return new Profile(name, file, root.text("description", name), version, health, operator, patients,
                List.copyOf(fixtures), resources, tampering, pages, extras);
    }

    /**
     * patients.createBatch: the bulk form of patients.create. Its body is built (the wrapper holding one filled item
     * per patient), so it declares no body of its own; each answer item is matched to a patient and extracted.
     */
    private CreateBatch createBatch(ConfigNode node, Step create) {
        if (create == null) {
            throw ConfigException.at(file, "patients.create", "patients.create beside patients.createBatch (the batch is the"
                    + " bulk form of the operator's create: releases before its 'since' and patients a batch could not"
                    + " confirm are made one by one with create)", null);
        }
        for (String body : new String[]{"body", "form", "multipart"}) {
            if (node.has(body)) {
                throw ConfigException.at(file, node.keyOf(body), "no " + body + " here: the batch body is built from 'wrapper'"
                        + " and 'item' (item: one patient's JSON body; it defaults to patients.create's body)", body);
            }
        }
        node.onlyKeys(BATCH_KEYS);
        if (node.has("as") && !"operator".equals(node.text("as"))) {
            throw ConfigException.at(file, node.keyOf("as"), "operator (a batch create is the operator's)", node.text("as"));
        }
        Request request = request(node, null, "as", "size", "wrapper", "item", "items", "extract", "match", "since");
        requirePlaceholders(request, Set.of("runTag"), node.key());
        int size = node.intAtLeast("size", 1);
        JsonNode item = node.has("item") ? node.raw("item") : create.request().json();
        if (item == null || item.isNull()) {
            throw ConfigException.at(file, node.keyOf("item"), "one patient's JSON body, e.g. { username: \"${username}\", ... }"
                    + " (patients.create has no JSON body to reuse)", null);
        }
        Set<String> used = Templates.names(item);
        for (String name : used) {
            if (!PATIENT_VALUES.contains(name)) {
                throw ConfigException.at(file, node.keyOf("item"), "placeholders that are known at that point: "
                        + new TreeSet<>(PATIENT_VALUES) + " (fix the name)", "{" + name + "}");
            }
        }
        Map<String, ValuePath> extract = new LinkedHashMap<>();
        ConfigNode ex = node.section("extract");
        for (String key : iterable(ex)) {
            extract.put(key, path(ex, key));
        }
        if (extract.isEmpty()) {
            throw ConfigException.at(file, node.keyOf("extract"), "the ids to read from each answer item, e.g. { patientId: $.id }", null);
        }
        String matchBy = null;
        ValuePath matchAt = null;
        String how = "'position' (the n-th answer item is the n-th patient asked for) or { by: username, at: $.username }"
                + " (the answer item that carries the patient's username)";
        if (!node.has("match")) {
            throw ConfigException.at(file, node.keyOf("match"), "how an answer item is matched to its patient: " + how, null);
        }
        if (node.isValue("match")) {
            if (!"position".equals(node.text("match"))) {
                throw ConfigException.at(file, node.keyOf("match"), how, node.text("match"));
            }
        } else {
            ConfigNode match = node.section("match").onlyKeys("by", "at");
            matchBy = match.oneOf("by", new LinkedHashSet<>(MATCH_VALUES), null);
            if (!used.contains(matchBy)) {
                throw ConfigException.at(file, match.keyOf("by"), "a patient value the item sends (its ${" + matchBy
                        + "} is not in item), or match: position", matchBy);
            }
            matchAt = path(match, "at");
        }
        return new CreateBatch(node.key(), request, size, node.text("wrapper", null), item, path(node, "items"),
                java.util.Collections.unmodifiableMap(extract), matchBy, matchAt, node.text("since", null));
    }

    private Version version(ConfigNode root) {
        if (!root.has("version")) {
            throw ConfigException.at(file, "version", "where the running release is read ({path, release: $.json.path} or"
                    + " {path, header: Name}) or 'none'", null);
        }
        if (root.isValue("version")) {
            if (!"none".equals(root.text("version"))) {
                throw ConfigException.at(file, "version", "'none' or a mapping {path, release | header}", root.text("version"));
            }
            return Version.NONE;
        }
        ConfigNode node = root.section("version");
        Request request = request(node, "GET", "release", "header");
        if (node.has("release") == node.has("header")) {
            throw ConfigException.at(file, "version", "exactly one of release (a JSON path) or header (a response header name)", null);
        }
        return new Version(request, node.has("release") ? path(node, "release") : null, node.text("header", null));
    }

    private OperatorAuth operator(ConfigNode node) {
        node.onlyKeys("auth", "header", "prefix", "user", "login", "token");
        String style = node.oneOf("auth", Set.of("header", "basic", "login"), null);
        return switch (style) {
            case "header" -> new OperatorAuth(style, node.text("header"), prefix(node), null, null, null);
            case "basic" -> new OperatorAuth(style, "Authorization", "", node.text("user"), null, null);
            default -> {
                Request login = request(node.section("login"), "POST");
                requirePlaceholders(login, Set.of("secret"), "operator.login");
                yield new OperatorAuth(style, node.text("header", "Authorization"), node.has("prefix") ? prefix(node) : "Bearer ",
                        null, login, path(node, "token"));
            }
        };
    }

    /** A prefix may be empty ("" sends the bare secret); YAML gives an empty string, which text() would refuse. */
    private static String prefix(ConfigNode node) {
        JsonNode raw = node.raw("prefix");
        return raw == null || raw.isNull() ? "" : raw.asText();
    }

    private Session session(ConfigNode node) {
        node.onlyKeys("style", "token", "cookie", "header", "prefix");
        String style = node.oneOf("style", Set.of("bearer", "cookie", "header"), null);
        return switch (style) {
            case "bearer" -> new Session(style, path(node, "token"), null, "Authorization", "Bearer ");
            case "cookie" -> new Session(style, null, node.text("cookie"), null, null);
            default -> new Session(style, path(node, "token"), null, node.text("header"), prefix(node));
        };
    }

    /**
     * {@code accountValues}: the patient's ids (account creation and set-up); {@code earlierRecipes}: what the recipes
     * of resources declared before this one extract — a run may use the values of the same patient's run of those
     * (a prescription made on an appointment).
     */
    private Resource resource(String name, ConfigNode node, Set<String> resourceNames, Set<String> accountValues,
                              Set<String> fixtureValues, Set<String> earlierRecipes) {
        node.onlyKeys("words", "since", "recipe", "listings", "openers", "writeProbes", "count", "delete", "readBack", "filtered");
        ConfigNode words = node.section("words").onlyKeys("one", "many");
        String since = node.text("since", null);
        Integer count = node.has("count") ? node.intAtLeast("count", 0) : null;
        Set<String> available = known(PATIENT_VALUES);
        available.addAll(RUN_VALUES);
        available.addAll(accountValues);
        available.addAll(fixtureValues);
        available.addAll(earlierRecipes);
        List<Step> recipe = new ArrayList<>();
        List<ConfigNode> steps = node.has("recipe") ? node.list("recipe") : List.of();
        if (node.has("recipe") && steps.isEmpty()) {
            throw ConfigException.at(file, node.keyOf("recipe"), "the ordered steps that create one " + words.text("one"), null);
        }
        for (ConfigNode stepNode : steps) {
            Step step = step(stepNode, Actor.patient, false);
            requirePlaceholders(step.request(), available, stepNode.key());
            for (String owned : step.owns().keySet()) {
                if (!resourceNames.contains(owned)) {
                    throw ConfigException.at(file, stepNode.key() + ".owns." + owned, "the name of a resource " + resourceNames, owned);
                }
            }
            available.addAll(step.extract().keySet());
            recipe.add(step);
        }
        Set<String> perItem = new LinkedHashSet<>(accountValues);
        perItem.add("id");
        Map<String, Listing> listings = new LinkedHashMap<>();
        if (node.has("listings")) {
            node.section("listings").sections().forEach((key, value) -> {
                Listing listing = listing(value, name, key, accountValues, Set.of(), resourceNames);
                listings.put(key, listing);
            });
        }
        Map<String, Opener> openers = new LinkedHashMap<>();
        if (node.has("openers")) {
            node.section("openers").sections().forEach((key, value) -> {
                Request request = request(value, "GET");
                requireId(request, value.key());
                requirePlaceholders(request, perItem, value.key());
                openers.put(key, new Opener(key, name, request));
            });
        }
        Map<String, WriteProbe> probes = new LinkedHashMap<>();
        if (node.has("writeProbes")) {
            node.section("writeProbes").sections().forEach((key, value) -> probes.put(key, writeProbe(key, name, value, perItem, openers)));
        }
        if (!probes.isEmpty() && openers.isEmpty()) {
            throw ConfigException.at(file, node.keyOf("openers"), "an opener: a write probe is judged by reading the item back as its owner", null);
        }
        Set<String> withRun = new LinkedHashSet<>(perItem);
        withRun.add("runTag");
        Profile.Deletion delete = null;
        if (node.has("delete")) {
            ConfigNode del = node.section("delete");
            Actor as = del.has("as") ? Actor.valueOf(del.oneOf("as", Set.of("operator", "patient"), null)) : Actor.patient;
            Request request = request(del, "DELETE", "as");
            requireId(request, del.key());
            requirePlaceholders(request, withRun, del.key());
            delete = new Profile.Deletion(as, request);
        }
        Request readBack = null;
        if (node.has("readBack")) {
            readBack = request(node.section("readBack"), "GET");
            requireId(readBack, node.keyOf("readBack"));
            requirePlaceholders(readBack, withRun, node.keyOf("readBack"));
        }
        filteredListings(name, node, resourceNames, accountValues);
        return new Resource(name, words.text("one"), words.text("many"), since, List.copyOf(recipe), listings, openers, probes,
                count, delete, readBack);
    }

    /**
     * A write probe: its request, and how its body is made — the request's own body template, or {@code from} an
     * opener (the owner's view of the item) with {@code set} fields changed — and which opener reads it back.
     */
    private WriteProbe writeProbe(String key, String resource, ConfigNode value, Set<String> perItem, Map<String, Opener> openers) {
        Request request = request(value, null, "from", "set", "verify");
        requireId(request, value.key());
        Set<String> withRun = new LinkedHashSet<>(perItem);
        withRun.add("runTag");
        requirePlaceholders(request, withRun, value.key());
        String from = value.text("from", null);
        String verify = value.text("verify", from);
        for (String opener : new String[]{from, verify}) {
            if (opener != null && !openers.containsKey(opener)) {
                throw ConfigException.at(file, value.keyOf(opener.equals(from) ? "from" : "verify"), "the name of an opener of "
                        + resource + " " + openers.keySet(), opener);
            }
        }
        Map<String, String> set = value.has("set") ? value.textMap("set") : Map.of();
        set.values().forEach(v -> requirePlaceholders(new Request(value.keyOf("set"), "GET", "/", Map.of("v", v), Map.of(),
                null, Map.of(), null), withRun, value.keyOf("set")));
        if (from != null && request.json() != null) {
            throw ConfigException.at(file, value.keyOf("body"), "either body (a template) or from (the owner's view of the item), not both", null);
        }
        if (!set.isEmpty() && from == null && request.json() == null) {
            throw ConfigException.at(file, value.keyOf("from"), "the opener whose answer (the owner's view) is the body that set changes", null);
        }
        if (!"DELETE".equals(request.method()) && set.isEmpty() && request.json() == null) {
            throw ConfigException.at(file, value.keyOf("set"), "the fields the probe changes to a marker, e.g. from: <opener>,"
                    + " set: { clinician: \"probe ${runTag}\" }, or a body template (the owner's read-back finding the change"
                    + " is what proves the write was applied)", null);
        }
        return new WriteProbe(key, resource, request, from, Map.copyOf(set), verify);
    }

    // --- named requests and filtered listings (ProfileExtras): kept together, apart from the rest ---

    /** Filtered listings by resource, collected while the resources are read. */
    private final Map<String, List<ProfileExtras.FilteredListing>> filtered = new LinkedHashMap<>();

    /** requests: NAME: { as, method, path, query, headers, body | form | multipart } — named requests steps may send. */
    private Map<String, ProfileExtras.NamedRequest> namedRequests(ConfigNode root, Set<String> accountValues) {
        Map<String, ProfileExtras.NamedRequest> requests = new LinkedHashMap<>();
        if (!root.has("requests")) {
            return requests;
        }
        Set<String> available = known(PATIENT_VALUES);
        available.addAll(accountValues);
        root.section("requests").sections().forEach((key, value) -> {
            Actor as = value.has("as") ? Actor.valueOf(value.oneOf("as", Set.of("operator", "patient", "anonymous"), null)) : Actor.patient;
            Request request = request(value, "POST", "as");
            requirePlaceholders(request, available, value.key());
            requests.put(key, new ProfileExtras.NamedRequest(key, as, request));
        });
        return java.util.Collections.unmodifiableMap(requests);
    }

    /** resources.R.filtered: NAME: a listing (as under listings:) plus filter: { by: RESOURCE }. */
    private void filteredListings(String resource, ConfigNode node, Set<String> resourceNames, Set<String> accountValues) {
        if (!node.has("filtered")) {
            return;
        }
        List<ProfileExtras.FilteredListing> listings = new ArrayList<>();
        node.section("filtered").sections().forEach((key, value) -> {
            ConfigNode filter = value.section("filter").onlyKeys("by");
            String by = filter.text("by");
            if (!resourceNames.contains(by)) {
                throw ConfigException.at(file, filter.keyOf("by"), "the name of a resource " + resourceNames
                        + " whose items select the subset", by);
            }
            Set<String> values = new LinkedHashSet<>(accountValues);
            values.add(by);
            Listing listing = listing(value, resource, key, values, Set.of(), resourceNames, new String[]{"filter"});
            if (!placeholders(listing.request()).contains(by)) {
                throw ConfigException.at(file, value.key(), "a request that uses ${" + by + "} (or {" + by + "} in the path): the"
                        + " filter the listing is asked for", listing.request().describe());
            }
            listings.add(new ProfileExtras.FilteredListing(listing, by));
        });
        filtered.put(resource, List.copyOf(listings));
    }

    private void requireId(Request request, String key) {
        if (!placeholders(request).contains("id")) {
            throw ConfigException.at(file, key + ".path", "a path with the item's {id}", request.path());
        }
    }

    /** {@code relatedNames}: what a {@code related:} entry may name (empty: the listing may not declare any). */
    private Listing listing(ConfigNode node, String resource, String name, Set<String> values, Set<String> fieldNames,
                            Set<String> relatedNames) {
        return listing(node, resource, name, values, fieldNames, relatedNames, new String[0]);
    }

    /** {@code extraKeys}: keys of the listing's mapping read by the caller (a filtered listing's filter). */
    private Listing listing(ConfigNode node, String resource, String name, Set<String> values, Set<String> fieldNames,
                            Set<String> relatedNames, String[] extraKeys) {
        String[] own = concat(relatedNames.isEmpty() ? new String[]{"paging", "items", "id", "fields", "externalRef", "createdAt"}
                : new String[]{"paging", "items", "id", "fields", "externalRef", "createdAt", "related"}, extraKeys);
        node.onlyKeys(concat(REQUEST_KEYS, own));
        Request request = request(node, "GET", own);
        requirePlaceholders(request, values, node.key());
        Paging paging = paging(node.has("paging") ? node.section("paging") : null, node.keyOf("paging"));
        Map<String, ValuePath> fields = new LinkedHashMap<>();
        for (String field : fieldNames) {
            if (node.has(field)) {
                fields.put(field, path(node, field));
            }
        }
        Map<String, Profile.Related> related = new LinkedHashMap<>();
        if (node.has("related")) {
            ConfigNode relatedNode = node.section("related");
            for (Map.Entry<String, ConfigNode> entry : relatedNode.sections().entrySet()) {
                if (!relatedNames.contains(entry.getKey()) && !Profile.ACCOUNTS.equals(entry.getKey())) {
                    throw ConfigException.at(file, relatedNode.keyOf(entry.getKey()), "the name of a resource " + relatedNames
                            + " or '" + Profile.ACCOUNTS + "' (patient accounts, judged by the owner key)", entry.getKey());
                }
                ConfigNode one = entry.getValue().onlyKeys("items", "id");
                related.put(entry.getKey(), new Profile.Related(entry.getKey(), path(one, "items"), path(one, "id")));
            }
            if (related.isEmpty()) {
                throw ConfigException.at(file, node.keyOf("related"), "a mapping of resource (or patients) to {items, id}", null);
            }
        }
        return new Listing(name, resource, request, paging, path(node, "items"), path(node, "id"), fields, java.util.Collections.unmodifiableMap(related));
    }

    private Paging paging(ConfigNode node, String key) {
        if (node == null) {
            return new Paging("none", null, null, 1, null, null, null, null, null);
        }
        node.onlyKeys("style", "page", "size", "first", "offset", "limit", "cursor", "next", "total");
        String style = node.oneOf("style", PAGING, null);
        ValuePath next = node.has("next") ? path(node, "next") : null;
        if (("next-link".equals(style) || "cursor".equals(style)) && next == null) {
            throw ConfigException.at(file, key + ".next", "the JSON path of the next " + ("cursor".equals(style) ? "cursor" : "link")
                    + " in each page", null);
        }
        String size = switch (style) {
            case "offset-limit" -> null;
            case "none" -> node.text("size", null);
            default -> node.text("size", "page-size".equals(style) ? "size" : null);
        };
        return new Paging(style, node.text("page", "page"), size, node.intAtLeast("first", 0, 1),
                node.text("offset", "offset"), "offset-limit".equals(style) ? node.text("limit", "limit") : node.text("limit", null),
                "cursor".equals(style) ? node.text("cursor") : null, next, node.has("total") ? path(node, "total") : null);
    }

    private Pages pages(ConfigNode root, Map<String, Resource> resources) {
        if (!root.has("pages")) {
            return null;
        }
        ConfigNode node = root.section("pages");
        node.onlyKeys(concat(new String[] {"listing"}, PAGE_SELECTORS));
        Map<String, String> selectors = new LinkedHashMap<>();
        for (String key : PAGE_SELECTORS) {
            selectors.put(key, node.text(key)); // each is required: the browser check uses all of them
        }
        String shows = node.has("listing") ? node.text("listing") : null;
        if (shows == null) {
            throw ConfigException.at(file, "pages.listing", "the listing the web page shows, as resource.listing (e.g. recording.replay)", null);
        }
        String[] parts = shows.split("\\.", 2);
        if (parts.length != 2 || !resources.containsKey(parts[0]) || !resources.get(parts[0]).listings().containsKey(parts[1])) {
            throw ConfigException.at(file, "pages.listing", "resource.listing naming a declared listing", shows);
        }
        return new Pages(parts[0], parts[1], selectors);
    }

    private static Iterable<String> iterable(ConfigNode node) {
        return node.keys();
    }

    private Step step(ConfigNode node, Actor defaultActor, boolean sinceAllowed) {
        node.onlyKeys(concat(REQUEST_KEYS, "as", "extract", "owns", "variant", "since"));
        Actor as = node.has("as") ? Actor.valueOf(node.oneOf("as", Set.of("operator", "patient", "anonymous"), null)) : defaultActor;
        Request request = request(node, null, "as", "extract", "owns", "variant", "since");
        Map<String, ValuePath> extract = new LinkedHashMap<>();
        if (node.has("extract")) {
            ConfigNode ex = node.section("extract");
            for (String key : iterable(ex)) {
                extract.put(key, path(ex, key));
            }
        }
        Map<String, ValuePath> owns = new LinkedHashMap<>();
        if (node.has("owns")) {
            if (node.isValue("owns")) {
                owns.put(ownerResource(node), path(node, "owns"));
            } else {
                ConfigNode ownsNode = node.section("owns");
                for (String key : iterable(ownsNode)) {
                    owns.put(key, path(ownsNode, key));
                }
            }
        }
        String since = node.text("since", null);
        if (since != null && !sinceAllowed) {
            throw ConfigException.at(file, node.keyOf("since"), "no 'since' here (it is allowed on a resource and on patients.signup)", since);
        }
        return new Step(node.key(), as, request, extract, owns, node.text("variant", null), since);
    }

    /** {@code owns: "$.ids[*]"} on a step of resources.NAME.recipe means items of NAME. */
    private String ownerResource(ConfigNode node) {
        String key = node.key();
        if (key.startsWith("resources.")) {
            String rest = key.substring("resources.".length());
            return rest.substring(0, rest.indexOf('.'));
        }
        throw ConfigException.at(file, node.keyOf("owns"), "a mapping resource: JSON path (outside a resource's recipe)", null);
    }

    private Request request(ConfigNode node, String defaultMethod, String... otherKeys) {
        node.onlyKeys(concat(REQUEST_KEYS, otherKeys));
        String method = node.has("method") ? node.text("method").toUpperCase() : defaultMethod;
        if (method == null || !METHODS.contains(method)) {
            throw ConfigException.at(file, node.keyOf("method"), "one of " + new TreeSet<>(METHODS), method);
        }
        String path = node.text("path");
        if (!path.startsWith("/")) {
            throw ConfigException.at(file, node.keyOf("path"), "a path starting with / (relative to the environment's base URL)", path);
        }
        int bodies = (node.has("body") ? 1 : 0) + (node.has("form") ? 1 : 0) + (node.has("multipart") ? 1 : 0);
        if (bodies > 1) {
            throw ConfigException.at(file, node.key(), "at most one of body (JSON), form, multipart", null);
        }
        Multipart multipart = null;
        if (node.has("multipart")) {
            ConfigNode mp = node.section("multipart").onlyKeys("fields", "file");
            ConfigNode fileNode = mp.section("file").onlyKeys("field", "name", "contentType");
            multipart = new Multipart(mp.textMap("fields"), fileNode.text("field"), fileNode.text("name", "synthetic-${index}"),
                    fileNode.text("contentType"));
        }
        return new Request(node.key(), method, path, node.textMap("query"), node.textMap("headers"), node.raw("body"),
                node.textMap("form"), multipart);
    }

    private ValuePath path(ConfigNode node, String key) {
        return ValuePath.parse(file, node.keyOf(key), node.text(key));
    }

    /** Every {name} / ${name} a request uses must be provided by something that runs before it. */
    private void requirePlaceholders(Request request, Set<String> available, String key) {
        for (String used : placeholders(request)) {
            if (!available.contains(used)) {
                throw ConfigException.at(file, key, "placeholders that are known at that point: " + new TreeSet<>(available)
                        + " (add an extract: {" + used + ": $.path} to an earlier step, or fix the name)", "{" + used + "}");
            }
        }
    }

    public static Set<String> placeholders(Request request) {
        Set<String> used = new LinkedHashSet<>(Templates.names(request.path()));
        request.query().values().forEach(v -> used.addAll(Templates.names(v)));
        request.headers().values().forEach(v -> used.addAll(Templates.names(v)));
        request.form().values().forEach(v -> used.addAll(Templates.names(v)));
        if (request.json() != null) {
            used.addAll(Templates.names(request.json()));
        }
        if (request.multipart() != null) {
            request.multipart().fields().values().forEach(v -> used.addAll(Templates.names(v)));
            used.addAll(Templates.names(request.multipart().fileName()));
        }
        return used;
    }

    private static Set<String> known(List<String> values) {
        return new LinkedHashSet<>(values);
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
