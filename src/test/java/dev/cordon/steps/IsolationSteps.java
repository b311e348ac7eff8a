package dev.cordon.steps;

import dev.cordon.extension.StepDoc;
import dev.cordon.profile.Profile;
import io.cucumber.java.en.Then;

import java.util.List;

/**
 * The checks, in the words of the features; each delegates to the oracle's checks for the scenario's patients.
 * {listing} and {resources} are the target profile's own words (see ParameterTypes): a feature can name a listing of the target.
 */
public class IsolationSteps {
    private final World world;

    public IsolationSteps(World world) {
        this.world = world;
    }

    @Then("every patient's listings hold exactly their own items")
    @StepDoc(value = "Every listing of every resource, every page, holds exactly the caller's own items: FOREIGN_IN_LISTING, UNKNOWN_IN_LISTING, MISSING_FROM_LISTING otherwise.",
            example = "Then every patient's listings hold exactly their own items")
    public void everyListingHoldsExactlyOwnItems() {
        world.report("every listing", () -> world.run().checks().listings(world.patients(), l -> true));
    }

    @Then("every patient's {listing} listing holds exactly their own {resources}")
    @StepDoc(value = "As the step above, for one listing of the profile named in its own words (not applicable where the profile has no such listing).",
            example = "Then every patient's replay listing holds exactly their own recordings")
    public void namedListingHoldsExactlyOwnItems(String listing, String resources) {
        Profile.Listing chosen = world.run().profileListing(listing, resources).orElseGet(() -> {
            world.notApplicable(world.run().missingListingReason(listing, resources));
            return null;
        });
        world.report(resources + " listing " + listing, () -> world.run().checks().listings(world.patients(), l -> l == chosen));
    }

    @Then("every patient's session resolves to that patient")
    @StepDoc(value = "Who-am-I with each patient's session names that patient (IDENTITY_MISMATCH otherwise); needs patients.whoAmI.",
            example = "Then every patient's session resolves to that patient")
    public void sessionsResolveToTheirPatient() {
        if (!world.run().environment().target().profile().hasIdentity()) {
            world.notApplicable("the profile " + world.run().profileName() + " declares no who-am-I (patients.whoAmI)");
        }
        world.report("who-am-I", () -> world.run().checks().identities(world.patients()));
    }

    @Then("every patient can open each of their own items through every opener")
    @StepDoc(value = "Each patient opens every own item through every opener of the profile (MISSING_FROM_LISTING when one no longer opens).",
            example = "Then every patient can open each of their own items through every opener")
    public void ownItemsOpen() {
        requireOpeners();
        world.report("own items", () -> world.run().checks().ownItems(world.patients()));
    }

    @Then("no patient can open another patient's items through any opener")
    @StepDoc(value = "Each patient tries a sample of other patients' items through every opener and must be refused (DIRECT_ACCESS otherwise).",
            example = "Then no patient can open another patient's items through any opener")
    public void foreignItemsRefused() {
        requireOpeners();
        world.report("other patients' items", () -> world.run().checks().foreignItems(world.patients(),
                world.run().environment().checks().foreignSamplePerPatient()));
    }

    @Then("no patient can change or remove another patient's items")
    @StepDoc(value = "Each write probe of the profile on another patient's sacrificial item must be refused and take no effect, judged by read-back (DIRECT_ACCESS otherwise).",
            example = "Then no patient can change or remove another patient's items")
    public void foreignWritesRefused() {
        if (world.run().checks().resources().stream().allMatch(r -> r.writeProbes().isEmpty())) {
            world.notApplicable(world.run().missingWriteProbesReason());
        }
        world.report("write probes", () -> world.run().checks().writeProbes(world.patients(),
                world.run().environment().checks().tamperingSample()));
    }

    @StepDoc(value = "A sample of patients each delete one of their own sacrificial items the way its resource declares (resources.*.delete)"
            + " and read it back (readBack, else the owner's opener): still there after a confirmed delete is KEPT_AFTER_DELETE.",
            example = "Then every item a patient deletes is gone when read back")
    @Then("every item a patient deletes is gone when read back")
    public void deletesRemove() {
        if (world.run().checks().resources().stream().allMatch(r -> r.delete() == null)) {
            world.notApplicable("the profile " + world.run().profileName() + " declares no delete for any resource on this release"
                    + " (resources.*.delete)");
        }
        world.report("delete proof", () -> world.run().checks().deletesRemove(world.patients(),
                world.run().environment().checks().tamperingSample()));
    }

    @Then("patients asking for their listings at the same instant each receive only their own items")
    @StepDoc(value = "Many patients read their listings at the same instant, in rounds; every answer must be the caller's own (CROSSTALK otherwise).",
            example = "Then patients asking for their listings at the same instant each receive only their own items")
    public void noCrosstalk() {
        var checks = world.run().environment().checks();
        world.report("simultaneous listings", () -> world.run().checks().crosstalk(world.patients(),
                checks.crosstalkCallers(), checks.crosstalkRounds()));
    }

    @Then("naming another patient in the request does not widen what a patient receives")
    @StepDoc(value = "Each sampled patient repeats their requests naming another patient through every tampering channel (query, header, body); the answer must stay theirs (PARAMETER_TAMPERING otherwise).",
            example = "Then naming another patient in the request does not widen what a patient receives")
    public void noParameterTampering() {
        var checks = world.run().environment().checks();
        List<String> query = world.run().tamperingQuery();
        List<String> headers = world.run().environment().target().profile().tampering().headers();
        if (query.isEmpty() && headers.isEmpty() && world.run().environment().target().profile().tampering().body().isEmpty()) {
            world.notApplicable("the profile " + world.run().profileName() + " declares no tampering channels");
        }
        world.report("tampering channels " + query + " " + headers, () -> world.run().checks().tampering(world.patients(),
                query, headers, checks.tamperingSample()));
    }

    @Then("no private response may be stored by a shared cache")
    @StepDoc(value = "Every private answer of a sample must carry Cache-Control no-store or private (CACHEABLE_PRIVATE_RESPONSE otherwise).",
            example = "Then no private response may be stored by a shared cache")
    public void privateResponsesAreNotCacheable() {
        world.report("cache policy of private responses", () -> world.run().checks().cachePolicy(world.patients(),
                world.run().environment().checks().cachePolicySample()));
    }

    private void requireOpeners() {
        if (world.run().checks().resources().stream().allMatch(r -> r.openers().isEmpty())) {
            world.notApplicable("the profile " + world.run().profileName() + " declares no openers (resources.*.openers)");
        }
    }
}
