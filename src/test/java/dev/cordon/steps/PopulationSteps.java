package dev.cordon.steps;

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
    public void populationBeforeUpdate() {
        world.run().ensurePopulationBeforeUpdate();
        world.focusOn(GateRun.BEFORE_UPDATE);
    }

    @Given("the clinic has been updated to the release under test")
    public void updated() {
        world.run().ensureUpdated();
    }

    @Given("a second synthetic population with recorded consultations on the release under test")
    public void populationAfterUpdate() {
        var population = world.run().environment().population();
        world.run().ensureCohort(GateRun.AFTER_UPDATE, population.patientsAfterUpdate(), population.consultationsPerPatient(), null);
        world.focusOn(GateRun.BEFORE_UPDATE, GateRun.AFTER_UPDATE);
    }

    @Given("patients who share consultation time slots switch their consultations from audio to video mid-call")
    public void patientsSwitchToVideo() {
        if (!world.run().hasVariant(Profile.SWITCH_VARIANT)) {
            world.notApplicable("the profile " + world.run().profileName() + " has no recipe step for the variant "
                    + Profile.SWITCH_VARIANT + " on " + GateRun.releaseWords(world.run().runningRelease()));
        }
        world.run().ensureCohort(GateRun.VIDEO_SWITCH, world.run().environment().population().switchPatients(), 2, Profile.SWITCH_VARIANT);
        world.focusOn(GateRun.VIDEO_SWITCH);
    }
}
