package dev.cordon.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cordon.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * environments/profiles/profile.schema.json (for editors) and ProfileLoader (the authority) must not drift: every
 * profile in environments/profiles validates against the schema, and at every mapping of a profile that uses every key,
 * the keys ProfileLoader accepts (read from its own "one of the known keys" refusal, not from its source) are exactly the
 * keys the schema declares there.
 */
class ProfileSchemaTest {
    private static final Path PROFILES = Path.of("environments/profiles");
    private static final String UNKNOWN = "zzUnknownKey";
    private static final Pattern KNOWN_KEYS = Pattern.compile("key '([^']*)': expected one of the known keys (.*), found '" + UNKNOWN + "'");
    private static final YAMLMapper YAML = new YAMLMapper();

    /** A profile that uses every key ProfileLoader accepts at least once, each mapping kind at least once. */
    static final String EVERY_KEY = """
            schema: 2
            name: every-key
            description: every key of profile schema v2, once
            version: { method: GET, path: /api/version, query: { detail: "1" }, headers: { Accept: application/json }, release: $.release }
            health: { method: HEAD, path: /health }
            operator:
              auth: login
              header: Authorization
              prefix: "Bearer "
              user: unused-with-login
              login: { method: POST, path: /api/operator/login, body: { secret: "${secret}" } }
              token: $.token
            patients:
              create:
                as: operator
                method: POST
                path: /api/operator/patients
                query: { notify: "false" }
                headers: { X-Run: "${runTag}" }
                body: { name: "${name}", email: "${email}", password: "${password}", ref: "${externalRef}" }
                extract: { patientId: $.id, accountId: $.accountId }
              createBatch:
                as: operator
                method: POST
                path: /api/operator/patients/batch
                query: { notify: "false" }
                headers: { X-Run: "${runTag}" }
                size: 25
                wrapper: patients
                item: { name: "${name}", email: "${email}", password: "${password}", ref: "${externalRef}" }
                items: "$.items[*]"
                extract: { patientId: $.id, accountId: $.accountId }
                match: { by: email, at: $.email }
                since: 1.2.0
              signup:
                as: anonymous
                method: post
                path: /api/signup
                form: { email: "${email}", password: "${password}", given: "${givenName}", family: "${familyName}",
                        dob: "${dateOfBirth}", nhs: "${nhsNumber}" }
                extract: { patientId: $.patientId, accountId: /accountId }
                since: 2.1.0
              ownerKey: patientId
              login: { path: /api/login, form: { username: "${username}", password: "${password}" } }
              session: { style: header, token: $.token, header: X-Session, prefix: "" }
              whoAmI: { path: "/api/accounts/{accountId}", headers: { Accept: application/json }, id: $.patientId }
              list: { path: /api/operator/patients, query: { state: all },
                      paging: { style: offset-limit, offset: from, limit: count, total: $.total },
                      items: "$.items[*]", id: $.id, externalRef: $.ref, createdAt: $.created }
              delete: { path: "/api/operator/patients/{patientId}" }
              setup:
                - { as: patient, method: POST, path: /api/care-records, query: { notify: "false" }, headers: { X-Run: "${runTag}" },
                    body: { practice: "${catalogueItem}", contact: "${name}" }, extract: { careRecord: $.id }, owns: { careRecord: $.id } }
              accountKey: patientId
            fixtures:
              - { as: operator, method: PUT, path: "/api/operator/catalogue/${runTag}", body: { label: "Synthetic ${runTag}" },
                  extract: { catalogueItem: $.id } }
            resources:
              appointment:
                words: { one: appointment, many: appointments }
                since: 1.0.0
                recipe:
                  - { method: POST, path: /api/appointments, body: { slot: "${slot}", clinician: "${clinician}", item: "${catalogueItem}" },
                      extract: { appointment: $.id }, owns: $.id }
                  - { as: operator, method: POST, path: "/api/operator/appointments/{appointment}/video",
                      owns: { appointment: $.id }, variant: switch-to-video }
                  - { as: patient, method: POST, path: "/api/appointments/{appointment}/documents",
                      multipart: { fields: { title: "${title}" }, file: { field: file, name: "letter-${index}.pdf", contentType: application/pdf } },
                      owns: { document: $.documentId } }
                listings:
                  mine: { path: /api/appointments, paging: { style: page-size, page: p, size: n, first: 0, total: $.total },
                          items: $.items, id: $.id }
                  all: { path: "/api/patients/{patientId}/appointments", paging: { style: none, size: n }, items: /items, id: /id }
                openers:
                  one: { path: "/api/appointments/{id}", headers: { Accept: application/json } }
                writeProbes:
                  cancel: { method: DELETE, path: "/api/appointments/{id}" }
                  reassign: { method: PUT, path: "/api/appointments/{id}", query: { notify: "false" }, headers: { X-Run: "${runTag}" },
                              from: one, set: { clinician: "Probe ${runTag}" }, verify: one }
                delete: { as: patient, method: DELETE, path: "/api/appointments/{id}", query: { hard: "true" },
                          headers: { X-Run: "${runTag}" } }
                readBack: { path: "/api/operator/appointments/{id}", headers: { Accept: application/json } }
                count: 2
              careRecord:
                words: { one: care record, many: care records }
                count: 1
                openers:
                  record: { path: "/api/care-records/{id}" }
              document:
                words: { one: document, many: documents }
                recipe:
                  - { method: POST, path: /api/documents, multipart: { file: { field: file, contentType: application/pdf } }, owns: $.id }
                listings:
                  library: { path: /api/documents, paging: { style: cursor, cursor: after, size: limit, next: $.nextCursor },
                             items: "$.items[*]", id: $.id }
                  feed: { path: /api/feed, paging: { style: next-link, next: $.links.next, limit: max }, items: "$.data[*]", id: $.id }
                openers:
                  download: { path: "/api/documents/{id}/file", headers: { Range: "bytes=0-99" } }
                filtered:
                  ofAppointment: { path: /api/documents, query: { appointment: "${appointment}" }, headers: { Accept: application/json },
                                   paging: { style: page-size, page: p, size: n }, items: "$.items[*]", id: $.id,
                                   filter: { by: appointment } }
            requests:
              signOut: { as: patient, method: POST, path: /api/logout, query: { all: "true" }, headers: { X-Run: "${runTag}" },
                         body: { username: "${username}" } }
            tampering: { query: [patientId], headers: [X-Patient-Id], body: [ownerId] }
            pages:
              listing: appointment.mine
              loginPath: /login
              username: "input[name=username]"
              password: "input[name=password]"
              submit: "button[type=submit]"
              loginError: ".error"
              replaysTitle: h1
              replaysTitleText: Appointments
              replayRow: tr.appointment
              replayRowIdAttribute: data-id
              nextPage: a.next
              replayTitle: h1
              replayPlayer: "#details"
              replayMedia: "#details a"
            """;

    private static JsonNode schemaNode;
    private static JsonSchema schema;

    @TempDir
    Path dir;

    @BeforeAll
    static void readSchema() throws IOException {
        schemaNode = new ObjectMapper().readTree(PROFILES.resolve("profile.schema.json").toFile());
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaNode);
    }

    static Stream<Path> profiles() throws IOException {
        try (Stream<Path> files = Files.list(PROFILES)) {
            List<Path> yaml = files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
            assertThat(yaml).as("profiles in %s", PROFILES).isNotEmpty();
            return yaml.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("profiles")
    void everyProfileValidatesAgainstTheSchemaAndTheLoader(Path profile) throws IOException {
        ProfileLoader.load(profile);
        assertThat(schema.validate(YAML.readTree(profile.toFile()))).as("schema errors of %s", profile).isEmpty();
    }

    @Test
    void theEveryKeyProfileIsValidForBoth() throws IOException {
        Profile profile = load(YAML.readTree(EVERY_KEY));
        assertThat(profile.resources()).containsOnlyKeys("appointment", "document", "careRecord");
        assertThat(schema.validate(YAML.readTree(EVERY_KEY))).isEmpty();
    }

    /**
     * An unknown key is put into every mapping of the every-key profile in turn. Where ProfileLoader refuses it, the
     * keys it names as known must be exactly the schema's properties there, and the schema must refuse it too; where
     * ProfileLoader takes any key (bodies, headers, extract, pages), the schema must take it as well.
     */
    @Test
    void theSchemaDeclaresExactlyTheKeysProfileLoaderAcceptsAtEveryMapping() throws IOException {
        JsonNode every = YAML.readTree(EVERY_KEY);
        Map<String, JsonNode> defs = new LinkedHashMap<>();
        schemaNode.get("$defs").fields().forEachRemaining(e -> defs.put(e.getKey(), e.getValue()));
        Set<String> closedDefsSeen = new TreeSet<>();
        List<String> mismatches = new ArrayList<>();
        int closed = 0;
        int open = 0;
        for (Location location : mappings(every, "", List.of())) {
            ObjectNode mutated = every.deepCopy();
            ((ObjectNode) at(mutated, location.route())).put(UNKNOWN, "$.zz");
            String refusal = refusal(mutated);
            List<JsonNode> here = new SchemaWalk(schemaNode).at(location.route());
            // Only what the schema says about the inserted key (its instance location names it).
            List<String> schemaErrors = schema.validate(mutated).stream().map(ValidationMessage::toString)
                    .filter(m -> m.contains(UNKNOWN)).toList();
            if (refusal == null) {
                open++;
                if (!schemaErrors.isEmpty()) {
                    mismatches.add(location.key() + ": ProfileLoader takes any key here, the schema refuses: " + schemaErrors);
                }
                continue;
            }
            Matcher known = KNOWN_KEYS.matcher(refusal);
            if (!known.find()) {
                continue; // refused for another reason (e.g. owns: a name that is no resource): no key list to compare
            }
            closed++;
            String expectedKey = location.key().isEmpty() ? UNKNOWN : location.key() + "." + UNKNOWN;
            assertThat(known.group(1)).as("the refusal names the mutated mapping").isEqualTo(expectedKey);
            Set<String> loaderKeys = new TreeSet<>(List.of(known.group(2).split(", ")));
            Set<String> schemaKeys = new TreeSet<>();
            for (JsonNode candidate : here) {
                if (candidate.has("properties")) {
                    candidate.get("properties").fieldNames().forEachRemaining(schemaKeys::add);
                }
                defs.forEach((name, def) -> {
                    if (def == candidate && def.path("additionalProperties").isBoolean()) {
                        closedDefsSeen.add(name);
                    }
                });
            }
            if (!loaderKeys.equals(schemaKeys)) {
                mismatches.add("%s: ProfileLoader accepts %s, the schema declares %s".formatted(location.key(), loaderKeys, schemaKeys));
            }
            if (schemaErrors.isEmpty()) {
                mismatches.add(location.key() + ": ProfileLoader refuses an unknown key here, the schema takes it");
            }
        }
        assertThat(mismatches).as("drift between ProfileLoader and profile.schema.json").isEmpty();
        Set<String> closedDefs = new TreeSet<>();
        defs.forEach((name, def) -> {
            if (def.path("additionalProperties").isBoolean() && !def.path("additionalProperties").asBoolean()) {
                closedDefs.add(name);
            }
        });
        assertThat(closedDefsSeen).as("every closed mapping of the schema was compared (extend EVERY_KEY otherwise)")
                .isEqualTo(closedDefs);
        assertThat(closed).as("mappings with a closed key set").isGreaterThanOrEqualTo(25);
        assertThat(open).as("free-form mappings (bodies, headers, extract, pages ...)").isGreaterThanOrEqualTo(10);
    }

    /** Each breaks the reference clinic's profile in one way; ProfileLoader and the schema both refuse it. */
    static Stream<Object[]> refusedByBoth() {
        return Stream.of(
                broken("a v1 key", p -> p.putObject("operations")),
                broken("schema 1", p -> p.put("schema", 1)),
                broken("version with release and header", p -> obj(p, "version").put("header", "X-Release")),
                broken("version neither none nor a mapping", p -> p.put("version", "latest")),
                broken("cursor paging without its parameter", p -> obj(p, "resources", "recording", "listings", "replay")
                        .putObject("paging").put("style", "cursor").put("next", "$.next")),
                broken("unknown paging style", p -> obj(p, "resources", "recording", "listings", "replay", "paging").put("style", "pages")),
                broken("a GPath instead of a JSON path", p -> obj(p, "resources", "recording", "listings", "replay").put("items", "items.id")),
                broken("a path without a leading slash", p -> obj(p, "patients", "login").put("path", "api/login")),
                broken("an unknown method", p -> obj(p, "patients", "login").put("method", "TRACE")),
                broken("a JSON body and a form", p -> obj(p, "patients", "login").putObject("form").put("username", "${username}")),
                broken("bearer session without a token", p -> obj(p, "patients", "session").remove("token")),
                broken("basic operator without a user", p -> obj(p, "operator").put("auth", "basic")),
                broken("no way to make accounts", p -> obj(p, "patients").remove("create")),
                broken("signup since without create", p -> {
                    ObjectNode patients = obj(p, "patients");
                    ObjectNode signup = patients.putObject("signup");
                    signup.setAll((ObjectNode) patients.remove("create"));
                    signup.put("since", "2.1.0");
                }),
                broken("since on a recipe step", p -> ((ObjectNode) p.at("/resources/recording/recipe/0")).put("since", "2.0.0")),
                broken("a fixture made by a patient", p -> p.putArray("fixtures").addObject().put("as", "patient")
                        .put("method", "POST").put("path", "/api/things")),
                broken("a write probe without a method", p -> obj(p, "resources", "recording").putObject("writeProbes")
                        .putObject("rename").put("path", "/api/replays/{id}")),
                broken("a write probe without an opener", p -> {
                    ObjectNode recording = obj(p, "resources", "recording");
                    recording.remove("openers");
                    recording.putObject("writeProbes").putObject("rename").put("method", "PATCH").put("path", "/api/replays/{id}");
                }),
                broken("a multipart file without a content type", p -> ((ObjectNode) p.at("/resources/recording/recipe/1"))
                        .putObject("multipart").putObject("file").put("field", "file")),
                broken("a resource without words", p -> obj(p, "resources", "recording").remove("words")),
                broken("an empty recipe", p -> obj(p, "resources", "recording").putArray("recipe")),
                broken("no resources", p -> p.putObject("resources")),
                broken("a blank name", p -> p.put("name", " ")),
                broken("pages without a listing", p -> obj(p, "pages").remove("listing")),
                broken("a batch create without create", p -> {
                    obj(p, "patients").remove("create");
                    obj(p, "patients", "signup").remove("since");
                }),
                broken("a batch create with a body of its own", p -> obj(p, "patients", "createBatch").putObject("body").put("a", "b")),
                broken("a batch create without a size", p -> obj(p, "patients", "createBatch").remove("size")),
                broken("a batch create of size 0", p -> obj(p, "patients", "createBatch").put("size", 0)),
                broken("a batch create by a patient", p -> obj(p, "patients", "createBatch").put("as", "patient")),
                broken("a batch create without a match", p -> obj(p, "patients", "createBatch").remove("match")),
                broken("a batch create matched by order", p -> obj(p, "patients", "createBatch").put("match", "order")),
                broken("a batch create matched by a value that is not unique", p -> obj(p, "patients", "createBatch", "match")
                        .put("by", "dateOfBirth")),
                broken("a batch create without items", p -> obj(p, "patients", "createBatch").remove("items")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedByBoth")
    void ProfileLoaderAndTheSchemaRefuseTheSameMistakes(String what, Consumer<ObjectNode> change) throws IOException {
        ObjectNode profile = referenceClinic();
        change.accept(profile);
        assertThatThrownBy(() -> load(profile)).as(what).isInstanceOf(ConfigException.class);
        assertThat(schema.validate(profile)).as(what).isNotEmpty();
    }

    /**
     * What only the loader can check (which names are known where): the schema takes these, so an editor's green tick
     * is not enough and docs/target-profile.md sends users to --check-profile.
     */
    static Stream<Object[]> refusedByTheLoaderOnly() {
        return Stream.of(
                broken("an unknown placeholder", p -> obj(p, "resources", "recording", "openers", "media").put("path", "/api/replays/{recording}/media")),
                broken("an owner key no account creation extracts", p -> obj(p, "patients").put("ownerKey", "accountId")),
                broken("owns names no resource", p -> ((ObjectNode) p.at("/resources/recording/recipe/1")).putObject("owns")
                        .put("replay", "$.recordingIds[*]")),
                broken("pages show an undeclared listing", p -> obj(p, "pages").put("listing", "recording.library")),
                broken("an opener without {id}", p -> obj(p, "resources", "recording", "openers", "media").put("path", "/api/replays")),
                broken("a batch item with an unknown placeholder", p -> obj(p, "patients", "createBatch").putObject("item")
                        .put("username", "${login}")),
                broken("a batch matched by a value its item does not send", p -> obj(p, "patients", "createBatch").putObject("item")
                        .put("email", "${email}")),
                broken("a batch create that does not extract the owner key", p -> obj(p, "patients", "createBatch")
                        .putObject("extract").put("accountId", "$.accountId")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedByTheLoaderOnly")
    void whatOnlyTheLoaderChecks(String what, Consumer<ObjectNode> change) throws IOException {
        ObjectNode profile = referenceClinic();
        change.accept(profile);
        assertThatThrownBy(() -> load(profile)).as(what).isInstanceOf(ConfigException.class);
        assertThat(schema.validate(profile)).as(what).isEmpty();
    }

    // --- helpers ---

    private static Object[] broken(String what, Consumer<ObjectNode> change) {
        return new Object[]{what, change};
    }

    private static ObjectNode obj(ObjectNode root, String... route) {
        JsonNode node = root;
        for (String name : route) {
            node = node.get(name);
        }
        return (ObjectNode) node;
    }

    private static ObjectNode referenceClinic() throws IOException {
        return (ObjectNode) YAML.readTree(PROFILES.resolve("reference-clinic.yaml").toFile());
    }

    private Profile load(JsonNode profile) throws IOException {
        Path file = dir.resolve("profile-" + System.nanoTime() + ".yaml");
        YAML.writeValue(file.toFile(), profile);
        return ProfileLoader.load(file);
    }

    /** ProfileLoader's refusal of a profile, or null when it takes it. */
    private String refusal(JsonNode profile) throws IOException {
        try {
            load(profile);
            return null;
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }

    /** A mapping of a profile: its route (field names and list indexes) and its key as ProfileLoader names it. */
    private record Location(List<Object> route, String key) {
    }

    private static List<Location> mappings(JsonNode node, String key, List<Object> route) {
        List<Location> found = new ArrayList<>();
        if (node.isObject()) {
            found.add(new Location(route, key));
            node.fields().forEachRemaining(e -> {
                List<Object> next = new ArrayList<>(route);
                next.add(e.getKey());
                found.addAll(mappings(e.getValue(), key.isEmpty() ? e.getKey() : key + "." + e.getKey(), next));
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                List<Object> next = new ArrayList<>(route);
                next.add(i);
                found.addAll(mappings(node.get(i), key + "[" + i + "]", next));
            }
        }
        return found;
    }

    private static JsonNode at(JsonNode root, List<Object> route) {
        JsonNode node = root;
        for (Object step : route) {
            node = step instanceof Integer i ? node.get(i) : node.get((String) step);
        }
        return node;
    }

    /**
     * The subschemas that apply at a place in a document: follows properties, additionalProperties and items, and
     * expands $ref and the branches of oneOf/anyOf/allOf (the schema keeps to what draft-07 editors understand).
     */
    private record SchemaWalk(JsonNode root) {
        List<JsonNode> at(List<Object> route) {
            List<JsonNode> here = expand(root);
            for (Object step : route) {
                List<JsonNode> next = new ArrayList<>();
                for (JsonNode candidate : here) {
                    JsonNode child;
                    if (step instanceof Integer) {
                        child = candidate.get("items");
                    } else if (candidate.path("properties").has((String) step)) {
                        child = candidate.get("properties").get((String) step);
                    } else {
                        child = candidate.get("additionalProperties");
                    }
                    if (child != null && child.isObject()) {
                        next.addAll(expand(child));
                    }
                }
                here = next;
            }
            return here;
        }

        private List<JsonNode> expand(JsonNode schema) {
            Set<JsonNode> all = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            List<JsonNode> pending = new ArrayList<>(List.of(schema));
            while (!pending.isEmpty()) {
                JsonNode s = pending.remove(pending.size() - 1);
                while (s.has("$ref")) {
                    s = root.at(s.get("$ref").asText().substring(1));
                    if (s.isMissingNode()) {
                        fail("a $ref that points nowhere in profile.schema.json");
                    }
                }
                if (all.add(s)) {
                    for (String combinator : new String[]{"oneOf", "anyOf", "allOf"}) {
                        s.path(combinator).forEach(branch -> {
                            if (branch.isObject()) {
                                pending.add(branch);
                            }
                        });
                    }
                }
            }
            return new ArrayList<>(all);
        }
    }
}
