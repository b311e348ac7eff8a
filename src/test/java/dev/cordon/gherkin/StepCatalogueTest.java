package dev.cordon.gherkin;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The step catalogue cannot go stale: every step of the glue documents itself (@StepDoc) with an example that is a
 * real use of that step and of no other, and docs/steps.md is exactly what the glue generates today.
 */
class StepCatalogueTest {
    private static final Glue GLUE = Glue.ofThisProject();

    @Test
    void everyStepSaysWhatItChecksWithAnExampleThatMatchesItAndNoOtherStep() {
        assertThat(GLUE.steps()).hasSizeGreaterThanOrEqualTo(15);
        for (Glue.StepDefinition step : GLUE.steps()) {
            assertThat(step.doc()).as("@StepDoc on %s (%s)", step.location(), step.pattern()).isNotNull();
            String example = Glue.stripKeyword(step.doc().example());
            assertThat(step.doc().example().strip()).as("example of %s starts with a keyword", step.location())
                    .matches("(Given|When|Then|And|But) .*");
            assertThat(GLUE.matching(example)).as("steps matching the example of %s", step.location())
                    .extracting(Glue.StepDefinition::location).containsExactly(step.location());
        }
    }

    @Test
    void docsStepsMdIsWhatTheGlueGenerates() throws IOException {
        String generated = new StepCatalogue(GLUE).markdown();
        String committed = Files.readString(Path.of("docs/steps.md"));
        assertThat(committed).as("docs/steps.md is stale: regenerate it with `%s`", StepCatalogue.REGENERATE).isEqualTo(generated);
    }

    @Test
    void theConsoleListNamesEveryPatternAndExample() {
        String text = new StepCatalogue(GLUE).text();
        for (Glue.StepDefinition step : GLUE.steps()) {
            assertThat(text).contains(step.keyword() + " " + step.pattern(), step.doc().example().strip());
        }
        assertThat(List.of(text.split("\n"))).filteredOn(l -> l.matches("^(Given|When|Then) .*")).hasSize(GLUE.steps().size());
    }
}
