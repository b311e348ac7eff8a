package dev.cordon.gherkin.duplicate;

import io.cucumber.java.en.Then;

/** Not glue of the suite (cucumber.glue is dev.cordon.steps): a second definition of a step, for GherkinCheckTest's ambiguity. */
public class DuplicateSteps {
    @Then("every patient's session resolves to that patient")
    public void same() {
        throw new UnsupportedOperationException("never run: GherkinCheckTest only matches against it");
    }
}
