package dev.cordon.steps;

import dev.cordon.extension.StepDoc;
import dev.cordon.gate.GateRun;
import dev.cordon.profile.Profile;
import io.cucumber.java.en.Given;

/** Who exists on the target, and at which release. */
public class PopulationSteps {
    private final World world;

    public PopulationSteps(World world) {
        this.world = world;
    }

    @Given("a synthetic population with recorded consultations on the release before the update")
    @StepDoc(value = "Seeds the synthetic population (patients and their items, by the profile's recipes) on the release before the update, or in phase verify loads it from the seed phase's ledger; the scenario is then about these patients.",
            example = "Given a synthetic population with recorded consultations on the release before the update")
    public void populationBeforeUpdate() {
        world.run().ensurePopulationBeforeUpdate();
        world.focusOn(GateRun.BEFORE_UPDATE);
    }

    @Given("the clinic has been updated to the release under test")
    @StepDoc(value = "Performs the software update to the release under test (rehearse), or waits for the release the pipeline deployed (verify); once per run. Phase seed ends before it.",
            example = "And the clinic has been updated to the release under test")
    public void updated() {
        world.run().ensureUpdated();
    }

    @Given("a second synthetic population with recorded consultations on the release under test")
    @StepDoc(value = "Seeds a second population on the release under test; the scenario is then about both populations.",
            example = "And a second synthetic population with recorded consultations on the release under test")
    public void populationAfterUpdate() {
        var population = world.run().environment().population();
        world.run().ensureCohort(GateRun.AFTER_UPDATE, population.patientsAfterUpdate(), population.consultationsPerPatient(), null);
        world.focusOn(GateRun.BEFORE_UPDATE, GateRun.AFTER_UPDATE);
    }

    @Given("patients who share consultation time slots switch their consultations from audio to video mid-call")
    @StepDoc(value = "Seeds patients who share time slots and runs the recipe variant switch-to-video (not applicable where the profile has none); the scenario is then about them.",
            example = "Given patients who share consultation time slots switch their consultations from audio to video mid-call")
    public void patientsSwitchToVideo() {
        if (!world.run().hasVariant(Profile.SWITCH_VARIANT)) {
            world.notApplicable("the profile " + world.run().profileName() + " has no recipe step for the variant "
                    + Profile.SWITCH_VARIANT + " on " + GateRun.releaseWords(world.run().runningRelease()));
        }
        world.run().ensureCohort(GateRun.VIDEO_SWITCH, world.run().environment().population().switchPatients(), 2, Profile.SWITCH_VARIANT);
        world.focusOn(GateRun.VIDEO_SWITCH);
    }
}
