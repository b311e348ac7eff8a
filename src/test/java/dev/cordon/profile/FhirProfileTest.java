package dev.cordon.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.config.ConfigException;
import dev.cordon.profile.Profile.Listing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shipped fhir-r4 profile as data: what it declares (related things of a listing, a resource made by another's
 * recipe), how its paths read real FHIR Bundles (mixed resource types, an empty Bundle without "entry", an answer
 * that is not a Bundle), and the validation of the two v2 additions it needs.
 */
class FhirProfileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SHIPPED = Path.of("environments/profiles/fhir-r4.yaml");

    @TempDir
    Path dir;

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    private static List<String> ids(ValuePath items, ValuePath id, JsonNode answer) {
        return items.all(answer).orElseThrow().stream().map(item -> id.text(item).orElseThrow()).toList();
    }

    @Test
    void declaresIncludedPatientsAndEncountersAsRelatedAndEncountersMadeByTheMediaRecipe() {
        Profile profile = ProfileLoader.load(SHIPPED);
        assertThat(profile.resource("encounter").recipe()).as("encounters have no recipe of their own").isEmpty();
        assertThat(profile.resource("media").recipe().get(0).owns()).containsKey("encounter");
        assertThat(profile.resource("media").listings().get("withPatient").related()).containsOnlyKeys(Profile.ACCOUNTS);
        assertThat(profile.resource("media").listings().get("everything").related()).containsOnlyKeys(Profile.ACCOUNTS, "encounter");
        assertThat(profile.resource("encounter").listings().get("withRecordings").related()).containsOnlyKeys("media");
        assertThat(profile.patients().login().form()).containsEntry("grant_type", "password").containsEntry("scope", "patient/*.read");
        assertThat(ProfilePlan.lines(profile, "1.4.0", "2.0.0")).anyMatch(l -> l.contains("made by the recipe of another resource"));
    }

    @Test
    void everyMediaOfABundleIsAnItemWhateverItsSearchModeAndIncludedPatientsAreRelated() throws Exception {
        Listing listing = ProfileLoader.load(SHIPPED).resource("media").listings().get("withPatient");
        JsonNode page = json("""
                {'resourceType':'Bundle','type':'searchset',
                 'link':[{'relation':'self','url':'http://h/fhir/Media'},{'relation':'next','url':'http://h/fhir?_getpages=x'}],
                 'entry':[{'search':{'mode':'match'},'resource':{'resourceType':'Media','id':'1'}},
                          {'search':{'mode':'include'},'resource':{'resourceType':'Patient','id':'7'}},
                          {'search':{'mode':'include'},'resource':{'resourceType':'Media','id':'9'}}]}""");
        assertThat(ids(listing.items(), listing.id(), page)).containsExactly("1", "9");
        Profile.Related patients = listing.related().get(Profile.ACCOUNTS);
        assertThat(ids(patients.items(), patients.id(), page)).containsExactly("7");
        assertThat(listing.paging().next().text(page)).contains("http://h/fhir?_getpages=x");
    }

    @Test
    void aBundleWithoutEntriesIsAnEmptyPageButAnAnswerThatIsNoBundleHasNoItems() throws Exception {
        Listing listing = ProfileLoader.load(SHIPPED).resource("media").listings().get("search");
        JsonNode empty = json("{'resourceType':'Bundle','type':'searchset','total':0,'link':[{'relation':'self','url':'u'}]}");
        assertThat(listing.items().all(empty)).as("FHIR leaves out an empty entry array").hasValue(List.of());
        assertThat(listing.paging().next().text(empty)).as("no next link: the last page").isEmpty();
        JsonNode outcome = json("{'resourceType':'OperationOutcome','issue':[{'severity':'error'}]}");
        assertThat(listing.items().all(outcome)).as("not a Bundle: not the listing's shape").isEmpty();
        JsonNode noType = json("{'entry':[{'resource':{'resourceType':'Media','id':'1'}}]}");
        assertThat(listing.items().all(noType)).as("the root filter is a shape check").isEmpty();
    }

    private static final String MINIMAL = """
            schema: 2
            name: t
            version: none
            operator: { auth: header, header: Authorization, prefix: "Bearer " }
            patients:
              create: { as: operator, method: POST, path: /p, body: { u: "${username}" }, extract: { patientId: $.id } }
              ownerKey: patientId
              login: { path: /token, form: { username: "${username}", password: "${password}" } }
              session: { style: bearer, token: $.access_token }
            resources:
              media:
                words: { one: Media, many: Media }
                recipe:
                  - { as: operator, method: POST, path: /m, owns: $.id }
                listings:
                  search:
                    path: /m
                    items: "$.entry[*].resource"
                    id: $.id
                    related:
            %s
              encounter:
                words: { one: Encounter, many: Encounters }
            %s
            """;

    private Path write(String related, String encounterRecipe) throws Exception {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, MINIMAL.formatted(related, encounterRecipe));
        return file;
    }

    @Test
    void relatedMustNameAResourceOrPatients() throws Exception {
        String ok = "          patients: { items: \"$.entry[*].resource\", id: $.id }";
        String recipe = "    recipe: [ { as: operator, method: POST, path: /e, owns: $.id } ]";
        assertThat(ProfileLoader.load(write(ok, recipe)).resource("media").listings().get("search").related())
                .containsOnlyKeys("patients");
        String wrong = "          observation: { items: \"$.entry[*].resource\", id: $.id }";
        assertThatThrownBy(() -> ProfileLoader.load(write(wrong, recipe))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("resources.media.listings.search.related.observation").hasMessageContaining("[media, encounter]");
    }

    @Test
    void aResourceWithoutRecipeMustBeOwnedByAnotherRecipe() throws Exception {
        String related = "          encounter: { items: \"$.entry[*].resource\", id: $.id }";
        assertThatThrownBy(() -> ProfileLoader.load(write(related, ""))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("resources.encounter.recipe").hasMessageContaining("owns: {encounter");
        Path owned = write(related, "").resolveSibling("owned.yaml");
        Files.writeString(owned, Files.readString(dir.resolve("p.yaml"))
                .replace("- { as: operator, method: POST, path: /m, owns: $.id }",
                        "- { as: operator, method: POST, path: /e, extract: { e: $.id }, owns: { encounter: $.id } }\n"
                                + "      - { as: operator, method: POST, path: /m, owns: $.id }"));
        assertThat(ProfileLoader.load(owned).resource("encounter").recipe()).isEmpty();
    }
}
