package dev.cordon.steps;

import io.cucumber.java.en.Then;

/** The checks, in the words of the features; each delegates to the oracle's checks for the scenario's population. */
public class IsolationSteps {
    private final World world;

    public IsolationSteps(World world) {
        this.world = world;
    }

    @Then("every patient's replay listing holds exactly their own recordings")
    public void listingsHoldExactlyOwnRecordings() {
        world.report("replay listings", () -> world.run().checks().listings(world.run().cohort(world.cohort())));
    }

    @Then("every patient's session resolves to that patient")
    public void sessionsResolveToTheirPatient() {
        world.report("who-am-I", () -> world.run().checks().identities(world.run().cohort(world.cohort())));
    }

    @Then("every patient can open each of their own recordings")
    public void ownRecordingsOpen() {
        world.report("own recordings", () -> world.run().checks().ownRecordings(world.run().cohort(world.cohort())));
    }

    @Then("no patient can open the replay of another patient")
    public void foreignReplaysRefused() {
        world.report("other patients' replays", () -> world.run().checks().foreignRecordings(world.run().cohort(world.cohort()),
                world.run().environment().checks().foreignSamplePerPatient(), false));
    }

    @Then("no patient can fetch the recording media of another patient")
    public void foreignMediaRefused() {
        world.report("other patients' media", () -> world.run().checks().foreignRecordings(world.run().cohort(world.cohort()),
                world.run().environment().checks().foreignSamplePerPatient(), true));
    }

    @Then("patients asking for their replays at the same instant each receive only their own recordings")
    public void noCrosstalk() {
        var checks = world.run().environment().checks();
        world.report("simultaneous listings", () -> world.run().checks().crosstalk(world.run().cohort(world.cohort()),
                checks.crosstalkCallers(), checks.crosstalkRounds()));
    }

    @Then("naming another patient in the request does not widen what a patient receives")
    public void noParameterTampering() {
        var checks = world.run().environment().checks();
        world.report("owner-selecting parameters " + checks.ownerParameters(), () -> world.run().checks().parameterTampering(
                world.run().cohort(world.cohort()), checks.ownerParameters(), checks.tamperingSample()));
    }

    @Then("no private response may be stored by a shared cache")
    public void privateResponsesAreNotCacheable() {
        world.report("cache policy of private responses", () -> world.run().checks().cachePolicy(world.run().cohort(world.cohort()),
                world.run().environment().checks().cachePolicySample()));
    }
}
