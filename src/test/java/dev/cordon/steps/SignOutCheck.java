package dev.cordon.steps;

import dev.cordon.adapter.ItemListing;
import dev.cordon.adapter.ListingRefusedException;
import dev.cordon.adapter.Observation;
import dev.cordon.adapter.PatientSession;
import dev.cordon.adapter.TargetUnavailableException;
import dev.cordon.extension.CustomFinding;
import dev.cordon.gate.GateRun;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.oracle.Finding;
import dev.cordon.oracle.FindingKind;
import dev.cordon.profile.Profile;
import dev.cordon.profile.ProfileExtras;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named request that ends a session (signOut) must end it: each sampled patient logs in afresh (a session of its own,
 * so the run's shared session is untouched), proves the session reads its first listing, sends the request with it, then
 * tries every listing and every opener (on an own item) with the old session. Any answer with data is
 * SESSION_OUTLIVES_SIGN_OUT; a 4xx is a refusal; a 5xx or an unreachable target is UNVERIFIED for that patient.
 */
final class SignOutCheck {
    record Outcome(List<CustomFinding> findings, List<Finding> unverified) {
    }

    private final GateRun run;
    private final ProfileExtras.NamedRequest request;

    SignOutCheck(GateRun run, ProfileExtras.NamedRequest request) {
        this.run = run;
        this.request = request;
    }

    Outcome run(List<LedgerPatient> patients) {
        List<CustomFinding> findings = new ArrayList<>();
        List<Finding> unverified = new ArrayList<>();
        List<Profile.Resource> resources = run.checks().resources();
        for (LedgerPatient patient : patients) {
            // A lost answer or a 5xx anywhere in the sequence: the whole sequence again with a fresh session (signing a
            // session out twice is harmless), up to the environment's retry attempts; then UNVERIFIED for that patient.
            int attempts = Math.max(1, run.environment().target().retryAttempts());
            for (int attempt = 1; attempt <= attempts; attempt++) {
                RuntimeException failed = checkOne(patient, resources, findings);
                if (failed == null) {
                    break;
                }
                if (attempt == attempts) {
                    unverified.add(unverified(patient, failed));
                }
            }
        }
        run.coverage().add("sessionsSignedOut", patients.size() - unverified.size());
        var entry = run.coverageMap().entry("request", "*", request.name());
        if (unverified.isEmpty()) {
            entry.checked(patients.size(), 0, patients.size());
        } else {
            entry.unverified();
        }
        return new Outcome(findings, unverified);
    }

    /** Where the sequence stood when it failed, for the UNVERIFIED finding. */
    private static final class Failure extends RuntimeException {
        final String where;

        Failure(String where, RuntimeException cause) {
            super(cause.getMessage(), cause);
            this.where = where;
        }
    }

    private Finding unverified(LedgerPatient patient, RuntimeException failed) {
        String where = failed instanceof Failure f ? f.where : request.name();
        Throwable e = failed instanceof Failure ? failed.getCause() : failed;
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("patient", patient.key());
        evidence.put("where", where);
        if (e instanceof TargetUnavailableException t) {
            evidence.put("request", t.request());
            evidence.put("status", t.status());
        }
        return new Finding(FindingKind.UNVERIFIED, patient.key(), "could not check " + where + " for " + patient.key()
                + ": " + e.getMessage(), evidence);
    }

    /** One patient's sequence; null when it completed (its finding, if any, added), else what failed. */
    private RuntimeException checkOne(LedgerPatient patient, List<Profile.Resource> resources, List<CustomFinding> findings) {
        String where = request.name();
        try {
            Map<String, String> values = new LinkedHashMap<>(patient.values());
            values.put("password", run.passwordOf(patient));
            PatientSession fresh = run.target().logIn(patient.key(), values);
            values.remove("password");
            where = "the session before " + request.name();
            Profile.Listing first = resources.stream().flatMap(r -> r.listings().values().stream()).findFirst().orElse(null);
            if (first != null) {
                run.target().list(first, fresh, values, Map.of(), Map.of()); // throws when even the live session is refused
            }
            // What the live session receives from each opener: after the request, only that same answer counts as data
            // (a 200 of another shape, say an error page, proves nothing either way).
            Map<String, Observation> live = new LinkedHashMap<>();
            for (Profile.Resource resource : resources) {
                List<String> own = run.ledger().itemsOf(patient.key(), resource.name());
                for (Profile.Opener opener : own.isEmpty() ? List.<Profile.Opener>of() : resource.openers().values()) {
                    live.put(resource.name() + "/" + opener.name(), run.target().open(opener, fresh, own.get(0), values, Map.of(), Map.of()));
                }
            }
            where = request.name();
            var answer = run.target().perform(request.name(), request.request(), request.as(), fresh, values);
            if (!answer.ok()) {
                throw new TargetUnavailableException(answer.observation().request(), answer.observation().status(),
                        "the profile's request " + request.name() + " was not accepted (" + answer.observation().status() + ")", null);
            }
            List<String> answered = new ArrayList<>();
            for (Profile.Resource resource : resources) {
                for (Profile.Listing listing : resource.listings().values()) {
                    where = "listing " + listing.name() + " after " + request.name();
                    try {
                        ItemListing seen = run.target().list(listing, fresh, values, Map.of(), Map.of());
                        answered.add("listing " + resource.name() + "/" + listing.name() + " (" + seen.itemIds().size() + " items)");
                    } catch (ListingRefusedException refused) {
                        // refused: as it must be
                    }
                }
                List<String> own = run.ledger().itemsOf(patient.key(), resource.name());
                for (Profile.Opener opener : resource.openers().values()) {
                    if (own.isEmpty()) {
                        break;
                    }
                    where = "opener " + opener.name() + " after " + request.name();
                    Observation open = run.target().open(opener, fresh, own.get(0), values, Map.of(), Map.of());
                    if (open.status() >= 500) {
                        throw new TargetUnavailableException(open.request(), open.status(), "the opener answered " + open.status(), null);
                    }
                    if (open.ok()) {
                        Observation before = live.get(resource.name() + "/" + opener.name());
                        if (before == null || !before.ok() || !open.sameContentAs(before)) {
                            throw new TargetUnavailableException(open.request(), open.status(), "the opener answered " + open.status()
                                    + " after " + request.name() + ", but not with what the live session received ("
                                    + (before == null ? "nothing" : before.status()) + "): neither data nor a refusal", null);
                        }
                        answered.add("opener " + resource.name() + "/" + opener.name() + " (" + open.status() + ")");
                    }
                }
            }
            if (!answered.isEmpty()) {
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("patient", patient.key());
                evidence.put("request", request.request().describe());
                evidence.put("answeredAfterwards", answered);
                findings.add(new CustomFinding(ProfileWordsSteps.SESSION_OUTLIVES_SIGN_OUT, FindingKind.Category.ISOLATION_BREACH.title(),
                        patient.key(), "%s's session still reads data after %s (%s): %s".formatted(patient.key(), request.name(),
                        request.request().describe(), answered), evidence));
            }
        } catch (RuntimeException e) {
            return new Failure(where, e);
        }
        return null;
    }
}
