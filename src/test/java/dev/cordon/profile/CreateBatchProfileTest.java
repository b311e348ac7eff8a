package dev.cordon.profile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cordon.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** patients.createBatch as ProfileLoader reads it: what a good declaration means, and what a bad one is told. */
class CreateBatchProfileTest {
    private static final Path REFERENCE = Path.of("environments/profiles/reference-clinic.yaml");
    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path dir;

    @Test
    void theReferenceClinicDeclaresABatchCreateThatReusesCreatesBody() {
        Profile profile = ProfileLoader.load(REFERENCE);
        Profile.CreateBatch batch = profile.patients().createBatch();
        assertThat(batch.request().describe()).isEqualTo("POST /api/operator/patients/batch");
        assertThat(batch.size()).isBetween(1, 100);
        assertThat(batch.wrapper()).isEqualTo("patients");
        assertThat(batch.item()).as("item defaults to patients.create's body").isEqualTo(profile.patients().create().request().json());
        assertThat(batch.extract()).containsOnlyKeys("patientId");
        assertThat(batch.matchesByPosition()).isFalse();
        assertThat(batch.describeMatch()).isEqualTo("by username at $.username");
        assertThat(profile.patients().batchCreation("1.4.0")).as("create makes accounts on 1.4.0").contains(batch);
        assertThat(profile.patients().batchCreation("2.1.0")).as("sign-up makes them on 2.1.0: no batch").isEmpty();
    }

    @Test
    void positionMatchingSinceAndABareArrayBody() throws IOException {
        Profile profile = load(p -> {
            ObjectNode batch = batch(p);
            batch.put("match", "position");
            batch.remove("wrapper");
            batch.put("since", "2.0.0");
        });
        Profile.CreateBatch batch = profile.patients().createBatch();
        assertThat(batch.matchesByPosition()).isTrue();
        assertThat(batch.wrapper()).isNull();
        assertThat(profile.patients().batchCreation("1.4.0")).as("before its since: one by one").isEmpty();
        assertThat(profile.patients().batchCreation("2.0.0")).contains(batch);
    }

    @Test
    void withoutTheDeclarationAccountsAreMadeOneByOne() throws IOException {
        Profile profile = load(p -> ((ObjectNode) p.get("patients")).remove("createBatch"));
        assertThat(profile.patients().createBatch()).isNull();
        assertThat(profile.patients().batchCreation("1.4.0")).isEmpty();
    }

    @Test
    void badDeclarationsNameTheFileTheKeyAndTheFix() {
        refused(p -> {
            ((ObjectNode) p.get("patients")).remove("create");
            ((ObjectNode) p.get("patients").get("signup")).remove("since");
        }, "key 'patients.create'",
                "patients.create beside patients.createBatch");
        refused(p -> batch(p).putObject("body").put("patients", "${username}"), "key 'patients.createBatch.body'",
                "built from 'wrapper' and 'item'");
        refused(p -> batch(p).remove("match"), "key 'patients.createBatch.match'", "'position'", "{ by: username, at: $.username }");
        refused(p -> batch(p).put("match", "order"), "key 'patients.createBatch.match'", "found 'order'");
        refused(p -> ((ObjectNode) batch(p).get("match")).put("by", "name"), "key 'patients.createBatch.match.by'",
                "one of username, email", "found 'name'");
        refused(p -> batch(p).putObject("item").put("email", "${email}"), "key 'patients.createBatch.match.by'",
                "a patient value the item sends");
        refused(p -> batch(p).putObject("item").put("username", "${login}"), "key 'patients.createBatch.item'", "found '{login}'");
        refused(p -> batch(p).put("size", 0), "key 'patients.createBatch.size'", "an integer of at least 1");
        refused(p -> batch(p).put("as", "patient"), "key 'patients.createBatch.as'", "operator");
        refused(p -> batch(p).put("items", "items"), "key 'patients.createBatch.items'", "JSONPath starting with $");
        refused(p -> batch(p).put("sizes", 5), "key 'patients.createBatch.sizes'", "one of the known keys");
        refused(p -> batch(p).putObject("extract").put("accountId", "$.accountId"), "key 'patients.ownerKey'",
                "every account creation extracts");
    }

    private void refused(Consumer<ObjectNode> change, String... expected) {
        assertThatThrownBy(() -> load(change)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(".yaml: ")
                .satisfies(e -> assertThat(e.getMessage()).contains(expected));
    }

    private static ObjectNode batch(ObjectNode profile) {
        return (ObjectNode) profile.get("patients").get("createBatch");
    }

    private Profile load(Consumer<ObjectNode> change) throws IOException {
        ObjectNode profile = (ObjectNode) YAML.readTree(REFERENCE.toFile());
        change.accept(profile);
        Path file = dir.resolve("batch-" + System.nanoTime() + ".yaml");
        YAML.writeValue(file.toFile(), profile);
        return ProfileLoader.load(file);
    }
}
