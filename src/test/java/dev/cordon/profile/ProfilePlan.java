package dev.cordon.profile;

import java.util.ArrayList;
import java.util.List;

/**
 * What a run against a profile will do, printed by {@code --check-profile} without contacting the target: how
 * accounts are made, what each recipe creates, and every listing, opener, write probe and tampering channel that
 * will be checked, with what will not be and why.
 */
public final class ProfilePlan {
    private ProfilePlan() {
    }

    public static List<String> lines(Profile profile, String fromRelease, String toRelease) {
        List<String> lines = new ArrayList<>();
        lines.add("profile " + profile.name() + " (" + profile.file() + "): " + profile.description());
        lines.add("release: " + (profile.version().declared() ? "read from " + profile.version().request().describe()
                + (profile.version().header() != null ? " header " + profile.version().header() : " at " + profile.version().json())
                : "not reported (version: none): expectedRelease/requireReleaseChange cannot be used"));
        Profile.Patients patients = profile.patients();
        for (String release : new java.util.LinkedHashSet<>(List.of(fromRelease, toRelease))) {
            lines.add("accounts on " + release + ": " + patients.creation(release).map(s -> (s == patients.signup()
                    ? "self sign-up " : "created by the " + s.as() + " ") + s.request().describe()).orElse("none")
                    + "; ownership judged by " + patients.ownerKey()
                    + patients.batchCreation(release).map(b -> "; in batches of up to " + b.size() + " with "
                            + b.request().describe() + " (answer items matched " + b.describeMatch() + ")").orElse(""));
        }
        patients.setup().forEach(step -> lines.add("set-up (once per account): as " + step.as() + " " + step.request().describe()
                + (step.extract().isEmpty() ? "" : " extracts " + step.extract().keySet() + " (recorded with the patient)")
                + (step.owns().isEmpty() ? "" : " owns " + step.owns())));
        lines.add("owner key: " + patients.ownerKey() + (patients.ownerKeyFromSetup() ? " (from the set-up)" : " (from account creation)")
                + (patients.accountKey().equals(patients.ownerKey()) ? "" : "; account id: " + patients.accountKey()
                + " (what who-am-I and the patient list answer with)"));
        lines.add("identity: " + (profile.hasIdentity() ? "checked with " + patients.whoAmI().describe() + " (id at "
                + patients.whoAmIId() + ")" : "NOT checked: no patients.whoAmI"));
        profile.fixtures().forEach(f -> lines.add("fixture (once per run, operator): " + f.request().describe()
                + " extracts " + f.extract().keySet()));
        for (Profile.Resource r : profile.resources().values()) {
            String since = r.since() == null ? "" : " (from release " + r.since() + ")";
            lines.add("resource " + r.name() + " (" + r.one() + "/" + r.many() + ")" + since + ":");
            // A resource of a later release than the update reaches is described, but nothing of it will be checked.
            String checked = r.appliesTo(toRelease) ? "CHECKED"
                    : "NOT checked on this environment (from release " + r.since() + "; the update ends at " + toRelease + ")";
            for (Profile.Step step : r.recipe()) {
                lines.add("  seed step: as " + step.as() + " " + step.request().describe()
                        + (step.variant() != null ? " [variant " + step.variant() + " only]" : "")
                        + (step.extract().isEmpty() ? "" : " extracts " + step.extract().keySet())
                        + (step.owns().isEmpty() ? "" : " owns " + step.owns()));
            }
            if (r.recipe().isEmpty()) {
                boolean bySetup = patients.setup().stream().anyMatch(step -> step.owns().containsKey(r.name()));
                lines.add(bySetup ? "  made by the set-up (one per account)"
                        : "  made by the recipe of another resource (a step there owns " + r.name() + ")");
            } else {
                lines.add("  recipe runs per patient: " + (r.count() == null ? "population.consultationsPerPatient" : r.count()));
            }
            r.listings().values().forEach(l -> lines.add("  listing " + l.name() + ": " + checked + " " + l.request().describe()
                    + " paging " + l.paging().style() + ", items " + l.items() + ", id " + l.id()
                    + (l.related().isEmpty() ? "" : "; also every one of " + l.related().keySet() + " it holds must be the caller's")));
            r.openers().values().forEach(o -> lines.add("  opener " + o.name() + ": " + checked
                    + (r.appliesTo(toRelease) ? " (own items open, others' are refused) " : " ")
                    + o.request().describe() + (o.request().headers().isEmpty() ? "" : " headers " + o.request().headers().keySet())));
            if (r.listings().isEmpty()) {
                lines.add("  listings: none declared: NOT checked");
            }
            if (r.openers().isEmpty()) {
                lines.add("  openers: none declared: direct access NOT checked");
            }
            if (r.writeProbes().isEmpty()) {
                lines.add("  write probes: none declared: writes to other patients' " + r.many() + " NOT checked (not applicable)");
            }
            r.writeProbes().values().forEach(w -> lines.add("  write probe " + w.name() + ": " + checked + " " + w.request().describe()
                    + (w.from() != null ? " with the owner's view from " + w.from() : w.request().json() != null ? " with its body template" : "")
                    + (w.set().isEmpty() ? "" : " changing " + w.set().keySet()) + ", on sacrificial " + r.many()
                    + ", judged by the owner's read-back"));
            lines.add("  delete: " + (r.delete() == null ? "none declared: deletes NOT proven; cleanup removes them with the account"
                    : checked + " " + r.delete().request().describe() + " as " + r.delete().as()
                    + " (a sacrificial item deleted and read back; cleanup deletes every item this way)"));
            lines.add("  read back: " + (r.readBack() != null ? "by the operator with " + r.readBack().describe()
                    : r.delete() != null && !r.openers().isEmpty() ? "by the owner's opener (before the accounts are removed)"
                    : "none: cleanup cannot confirm these are gone (declare readBack)"));
            r.writeProbes().values().forEach(w -> lines.add("  write probe " + w.name() + ": " + checked + " " + w.request().describe()));
            profile.extras().filtered(r.name()).forEach(f -> lines.add("  filtered listing " + f.name() + ": " + f.listing().request().describe()
                    + " once per own " + f.by() + ": exactly the caller's " + r.many() + " of that " + f.by() + "'s recipe run"));
        }
        profile.extras().requests().values().forEach(n -> lines.add("request " + n.name() + ": as " + n.as() + " "
                + n.request().describe() + " (for steps that name it, e.g. \"after " + n.name() + ", ...\")"));
        Profile.Tampering t = profile.tampering();
        lines.add("tampering: query " + (t.query().isEmpty() ? "(the environment's checks.ownerParameters)" : t.query())
                + ", headers " + t.headers() + (t.body().isEmpty() ? "" : ", body fields " + t.body()
                + " (set to another patient's owner id on patient-authored JSON bodies of extra recipe runs at seeding)"));
        lines.add("web page: " + (profile.pages() == null ? "NOT checked: no pages section"
                : "checked for listing " + profile.pages().resource() + "." + profile.pages().listing()));
        return lines;
    }
}
