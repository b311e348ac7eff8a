package dev.cordon.gherkin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The preflight's Gherkin check against this project's glue: each mistake a dry run would find (undefined, ambiguous)
 * and those it would let pass (a misspelt keyword that empties a scenario, a scenario without steps) is named with
 * file:line and the nearest step; the project's own features, and a correct feature, pass.
 */
class GherkinCheckTest {
    private static final Glue GLUE = Glue.ofThisProject();
    private static final GherkinCheck CHECK = new GherkinCheck(GLUE);

    @TempDir
    Path dir;

    private List<GherkinCheck.Problem> check(String feature) throws IOException {
        Path file = dir.resolve("x.feature");
        Files.writeString(file, feature);
        return CHECK.check(List.of(file), tags -> true, p -> p.getFileName().toString());
    }

    @Test
    void theProjectsOwnFeaturesMatchTheGlue() throws IOException {
        List<Path> files;
        try (var walk = Files.walk(Path.of("features"))) {
            files = walk.filter(p -> p.toString().endsWith(".feature")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        assertThat(CHECK.check(files, tags -> true, Path::toString)).isEmpty();
    }

    @Test
    void aCorrectFeaturePasses() throws IOException {
        assertThat(check("""
                Feature: fine
                  Scenario: listings
                    Given a synthetic population with recorded consultations on the release before the update
                    Then every patient's listings hold exactly their own items
                """)).isEmpty();
    }

    @Test
    void aMisspeltKeywordIsNamedAtItsLineWithTheKeywordAndTheNearestStep() throws IOException {
        List<GherkinCheck.Problem> problems = check("""
                Feature: typo
                  Scenario: a misspelt first keyword turns the step into a description
                    Than every patient's listings hold exactly their own items
                """);
        assertThat(problems).extracting(Object::toString).anySatisfy(p -> assertThat(p)
                .startsWith("x.feature:3: 'Than' is not a Gherkin keyword").contains("did you mean 'Then'")
                .contains("'Then every patient's listings hold exactly their own items'"));
        assertThat(problems).extracting(Object::toString).anySatisfy(p -> assertThat(p)
                .startsWith("x.feature:2: the scenario 'a misspelt first keyword turns the step into a description' has no step"));
    }

    @Test
    void aScenarioWithOnlyBackgroundStepsAndAMisspeltThenIsCaught() throws IOException {
        assertThat(check("""
                Feature: typo after a background
                  Background:
                    Given a synthetic population with recorded consultations on the release before the update
                  Scenario: the Then is prose
                    Thne every patient's session resolves to that patient
                """)).extracting(Object::toString).anySatisfy(p -> assertThat(p).startsWith("x.feature:5: 'Thne' is not a Gherkin keyword"));
    }

    @Test
    void proseInADescriptionIsNotAKeyword() throws IOException {
        assertThat(check("""
                Feature: prose
                  Scenario: described
                    The patients below share slots, and then some.
                    Then every patient's session resolves to that patient
                """)).isEmpty();
    }

    @Test
    void anUndefinedStepNamesTheNearestExistingStep() throws IOException {
        assertThat(check("""
                Feature: undefined
                  Scenario: a word off
                    Then every patients listings hold exactly their own items
                """)).extracting(Object::toString).containsExactly("x.feature:3: undefined step 'Then every patients listings hold exactly"
                + " their own items': no step definition matches it; the nearest existing step: 'Then every patient's listings hold"
                + " exactly their own items' (ci/release-gate.sh --list-steps lists every step)");
    }

    @Test
    void anAmbiguousStepNamesEveryDefinitionItMatches() throws IOException {
        // "{listing} listing holds exactly their own {resources}" and "{names} listings hold ..." differ; an ambiguous
        // text needs two patterns that both match: the glue has none, so a glue with a duplicate is made from the steps.
        Glue twice = Glue.of(List.of("dev.cordon.steps", "dev.cordon.gherkin.duplicate"));
        Path file = dir.resolve("y.feature");
        Files.writeString(file, """
                Feature: ambiguous
                  Scenario: two definitions
                    Then every patient's session resolves to that patient
                """);
        assertThat(new GherkinCheck(twice).check(List.of(file), tags -> true, p -> p.getFileName().toString()))
                .extracting(Object::toString).singleElement().satisfies(p -> assertThat(p)
                        .startsWith("y.feature:3: ambiguous step 'Then every patient's session resolves to that patient': 2 step definitions")
                        .contains("IsolationSteps.sessionsResolveToTheirPatient", "DuplicateSteps.same"));
    }

    @Test
    void scenariosOutOfScopeAreNotChecked() throws IOException {
        Path file = dir.resolve("z.feature");
        Files.writeString(file, """
                @profile:elsewhere
                Feature: another API's
                  Scenario: its own steps
                    Then something only that API's glue knows
                """);
        ProfileScope scope = new ProfileScope("reference-clinic");
        assertThat(CHECK.check(List.of(file), scope::includes, Path::toString)).isEmpty();
        assertThat(CHECK.check(List.of(file), new ProfileScope("elsewhere")::includes, p -> p.getFileName().toString()))
                .extracting(Object::toString).singleElement().satisfies(p -> assertThat(p).startsWith("z.feature:4: undefined step"));
    }

    @Test
    void keywordsMisspeltOrInTheWrongCaseAreTold() {
        assertThat(GherkinCheck.nearestKeyword("Than")).isEqualTo("Then");
        assertThat(GherkinCheck.nearestKeyword("Givne")).isEqualTo("Given");
        assertThat(GherkinCheck.nearestKeyword("then")).isEqualTo("Then");
        assertThat(GherkinCheck.nearestKeyword("Whn")).isEqualTo("When");
        assertThat(GherkinCheck.nearestKeyword("The")).isNull();
        assertThat(GherkinCheck.nearestKeyword("Patients")).isNull();
        assertThat(GherkinCheck.nearestKeyword("Why")).isNull();
    }
}
