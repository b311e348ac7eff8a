package dev.cordon.steps;

import dev.cordon.extension.Cordon;
import dev.cordon.extension.CustomFinding;
import dev.cordon.extension.StepDoc;
import dev.cordon.profile.Profile;
import dev.cordon.profile.ProfileExtras;
import io.cucumber.java.en.Then;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks limited to what a feature names in the target profile's own words: chosen openers and listings, the
 * profile's filtered listings and its named requests. What the profile does not have makes the scenario not applicable,
 * naming what it has. Findings of kinds the built-in vocabulary lacks are reported through the extension API.
 */
public class ProfileWordsSteps {
    /** A filtered listing that returned own items its filter excludes (the target ignored the filter). */
    public static final String FILTER_IGNORED = "FILTER_IGNORED";
    /** A session that still reads data after the profile's sign-out request. */
    public static final String SESSION_OUTLIVES_SIGN_OUT = "SESSION_OUTLIVES_SIGN_OUT";

    private final World world;
    private final Cordon cordon;

    public ProfileWordsSteps(World world, Cordon cordon) {
        this.world = world;
        this.cordon = cordon;
    }

    @Then("every patient can open each of their own {resources} through the {names} opener(s)")
    @StepDoc(value = "As 'every patient can open each of their own items through every opener', through the named openers of one resource only.",
            example = "Then every patient can open each of their own Media through the read and binary openers")
    public void ownItemsThroughNamedOpeners(String resources, List<String> names) {
        Set<String> chosen = openers(resources, names);
        world.report("own " + resources + " through " + names, () -> world.run().checks().ownItems(world.patients(),
                o -> chosen.contains(o.resource() + "/" + o.name())));
    }

    @Then("no patient can open another patient's {resources} through the {names} opener(s)")
    @StepDoc(value = "As 'no patient can open another patient's items through any opener', through the named openers of one resource only (DIRECT_ACCESS otherwise).",
            example = "Then no patient can open another patient's Media through the read and binary openers")
    public void foreignItemsThroughNamedOpeners(String resources, List<String> names) {
        Set<String> chosen = openers(resources, names);
        world.report("other patients' " + resources + " through " + names, () -> world.run().checks().foreignItems(world.patients(),
                world.run().environment().checks().foreignSamplePerPatient(), o -> chosen.contains(o.resource() + "/" + o.name())));
    }

    @Then("every patient's {names} listings hold exactly their own {resources}")
    @StepDoc(value = "As 'every patient's listings hold exactly their own items', for the named listings of one resource only.",
            example = "Then every patient's search and compartment listings hold exactly their own Media")
    public void namedListingsHoldOwnItems(List<String> names, String resources) {
        Profile.Resource resource = resource(resources);
        List<String> unknown = names.stream().filter(n -> !resource.listings().containsKey(n)).toList();
        if (!unknown.isEmpty()) {
            world.notApplicable("the profile " + world.run().profileName() + " has no listing " + unknown + " of " + resources
                    + "; it has " + resource.listings().keySet());
        }
        world.report(resources + " listings " + names, () -> world.run().checks().listings(world.patients(),
                l -> l.resource().equals(resource.name()) && names.contains(l.name())));
    }

    @Then("every filtered listing holds exactly the patient's own items that match its filter")
    @StepDoc(value = "Each filtered listing of the profile (resources.R.filtered), asked once per own item of its filter's resource, holds exactly the caller's items that match: FOREIGN_IN_LISTING, UNKNOWN_IN_LISTING, MISSING_FROM_LISTING otherwise, and FILTER_IGNORED (category Listing filter) when it returns own items outside its filter.",
            example = "Then every filtered listing holds exactly the patient's own items that match its filter")
    public void filteredListingsHoldTheirSubset() {
        var run = world.run();
        boolean any = run.checks().resources().stream().anyMatch(r -> !run.environment().target().profile().extras().filtered(r.name()).isEmpty());
        if (!any) {
            world.notApplicable("the profile " + run.profileName() + " declares no filtered listings (resources.*.filtered)"
                    + " for release " + run.runningRelease());
        }
        var result = new java.util.concurrent.atomic.AtomicReference<dev.cordon.oracle.IsolationChecks.FilteredResult>();
        both(() -> world.report("filtered listings", () -> {
            result.set(run.checks().filteredListings(world.patients(), f -> true));
            return result.get().findings();
        }), () -> {
            if (result.get() != null && !result.get().ignored().isEmpty()) {
                reportIgnored(result.get().ignored());
            }
        });
    }

    /**
     * Runs two reports of one step: the built-in findings, then those of the step's own kinds. Both are recorded
     * whatever the first did; the step fails as a breach when either found one, else as the first failed.
     */
    private static void both(Runnable builtIn, Runnable custom) {
        RuntimeException broken = null;
        AssertionError breach = null;
        try {
            builtIn.run();
        } catch (AssertionError e) {
            breach = e;
        } catch (RuntimeException e) {
            broken = e;
        }
        try {
            custom.run();
        } catch (AssertionError e) {
            if (breach == null) {
                breach = e;
            } else {
                breach.addSuppressed(e);
            }
        }
        if (breach != null) {
            if (broken != null) {
                breach.addSuppressed(broken);
            }
            throw breach;
        }
        if (broken != null) {
            throw broken;
        }
    }

    private void reportIgnored(List<dev.cordon.oracle.IsolationChecks.IgnoredFilter> ignored) {
        List<CustomFinding> findings = ignored.stream().map(i -> {
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("patient", i.patient());
            evidence.put("where", i.listing());
            evidence.put("outsideTheFilter", i.outsideTheFilter());
            evidence.put("requests", i.request());
            return new CustomFinding(FILTER_IGNORED, "Listing filter", i.patient(), "%s's %s also holds %d own item(s) its filter excludes: %s"
                    .formatted(i.patient(), i.listing(), i.outsideTheFilter().size(), i.outsideTheFilter()), evidence);
        }).toList();
        cordon.report("filtered listings: filters honoured", findings);
    }

    @Then("after {request}, the patient's old session is refused by every listing and opener")
    @StepDoc(value = "A sample of patients (checks.tamperingSample) each log in afresh, send the profile's named request (e.g. signOut under requests:) with that session, then try every listing and every opener with it: each must be refused (SESSION_OUTLIVES_SIGN_OUT otherwise). The session must have worked before the request, or the check is UNVERIFIED.",
            example = "Then after signOut, the patient's old session is refused by every listing and opener")
    public void oldSessionRefusedAfter(String request) {
        var run = world.run();
        ProfileExtras.NamedRequest named = run.environment().target().profile().extras().request(request).orElse(null);
        if (named == null) {
            world.notApplicable("the profile " + run.profileName() + " declares no request '" + request + "' (requests:); it has "
                    + run.environment().target().profile().extras().requests().keySet());
        }
        var check = new SignOutCheck(run, named);
        List<dev.cordon.ledger.LedgerPatient> sample = world.patients().stream()
                .limit(Math.max(1, run.environment().checks().tamperingSample())).toList();
        var outcome = new java.util.concurrent.atomic.AtomicReference<SignOutCheck.Outcome>();
        both(() -> world.report("sessions after " + request, () -> {
            outcome.set(check.run(sample));
            return outcome.get().unverified();
        }), () -> {
            if (outcome.get() != null) {
                cordon.report("sessions after " + request + ": refused", outcome.get().findings());
            }
        });
    }

    // --- the profile's words ---

    private Profile.Resource resource(String word) {
        var run = world.run();
        return run.environment().target().profile().resourceByWord(word).filter(r -> r.appliesTo(run.runningRelease()))
                .orElseGet(() -> {
                    world.notApplicable(run.missingListingReason("-", word));
                    return null;
                });
    }

    /** "resource/opener" of each named opener; not applicable when the profile lacks one. */
    private Set<String> openers(String resources, List<String> names) {
        Profile.Resource resource = resource(resources);
        List<String> unknown = names.stream().filter(n -> !resource.openers().containsKey(n)).toList();
        if (!unknown.isEmpty()) {
            world.notApplicable("the profile " + world.run().profileName() + " has no opener " + unknown + " of " + resources
                    + "; it has " + resource.openers().keySet());
        }
        return names.stream().map(n -> resource.name() + "/" + n).collect(java.util.stream.Collectors.toSet());
    }
}
