package dev.cordon.extension;

import dev.cordon.gate.GateRun;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.report.Evidence;
import dev.cordon.steps.World;
import org.apiguardian.api.API;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a step written by a user gets from Cordon, by constructor injection (PicoContainer builds it per scenario):
 * <pre>
 * public class MySteps {
 *     private final Cordon cordon;
 *     public MySteps(Cordon cordon) { this.cordon = cordon; }
 *
 *     &#64;Then("...")
 *     &#64;StepDoc(value = "...", example = "Then ...")
 *     public void myCheck() {
 *         List&lt;CustomFinding&gt; found = new ArrayList&lt;&gt;();
 *         for (Patient patient : cordon.patients()) {
 *             int status = RestAssured.given(patient.restAssured()).get("/api/...").statusCode();
 *             if (status == 200) found.add(cordon.finding("MY_KIND", "Isolation breach", patient, "what happened", Map.of()));
 *         }
 *         cordon.report("my check", found);
 *     }
 * }
 * </pre>
 * The patients are those the scenario's Given steps named (the population before the update, the second population
 * after it, ...), as this invocation verifies them (all of them, or this shard's part). Nothing here exposes a password,
 * a token or the gate's internals.
 */
@API(status = API.Status.STABLE, since = "3.0")
public final class Cordon {
    private final World world;

    /** Made by PicoContainer for each scenario; a step class asks for a {@code Cordon} in its constructor. */
    @API(status = API.Status.INTERNAL)
    public Cordon(World world) {
        this.world = world;
    }

    /** The scenario's synthetic patients (every cohort its Given steps brought into focus). */
    public List<Patient> patients() {
        return wrap(world.patients());
    }

    /** The synthetic patients of one cohort ({@code before-update}, {@code after-update}, {@code video-switch}). */
    public List<Patient> patients(String cohort) {
        return wrap(run().cohort(cohort));
    }

    /** The cohorts the scenario is about, in the order its Given steps named them. */
    public List<String> cohorts() {
        return world.cohorts();
    }

    /** The patients of the scenario who booked at least one of the same time slots as this one (not the patient itself). */
    @API(status = API.Status.EXPERIMENTAL, since = "3.0")
    public List<Patient> slotMates(Patient patient) {
        var slots = new java.util.HashSet<>(patient.slots());
        return patients().stream().filter(p -> !p.key().equals(patient.key()) && p.slots().stream().anyMatch(slots::contains)).toList();
    }

    /** The target profile's name (environments/profiles/NAME.yaml). */
    public String profile() {
        return run().profileName();
    }

    /** The release the target runs now, as it reports it (null where the profile declares no version). */
    public String release() {
        return run().runningRelease();
    }

    /** A finding of a kind and category of one's own, about one patient (see {@link CustomFinding}). */
    public CustomFinding finding(String kind, String category, Patient patient, String summary, Map<String, Object> evidence) {
        return new CustomFinding(kind, category, patient == null ? null : patient.key(), summary, evidence);
    }

    /**
     * Records what a check found: counted in the verdict (any finding fails the release, exit 1), attached to the
     * report as evidence under its kind, and the step fails with the kinds first in its message (as built-in checks
     * do). No findings: the step passes, and the report notes what was checked.
     */
    public void report(String check, List<CustomFinding> findings) {
        run().recordCustom(findings);
        Evidence.attachText(check + " — coverage", "%s%nenvironment %s, release %s, cohorts %s (%d patients in this invocation)"
                .formatted(check, run().environment().name(), run().runningRelease(), world.cohorts(), world.patients().size()));
        if (findings.isEmpty()) {
            return;
        }
        Map<String, List<CustomFinding>> byKind = findings.stream().collect(Collectors.groupingBy(CustomFinding::kind,
                LinkedHashMap::new, Collectors.toList()));
        byKind.forEach((kind, list) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("kind", kind);
            body.put("category", list.get(0).category());
            body.put("total", list.size());
            body.put("shown", Math.min(list.size(), Evidence.MAX_FINDINGS_PER_ATTACHMENT));
            body.put("findings", list.stream().limit(Evidence.MAX_FINDINGS_PER_ATTACHMENT).map(CustomFinding::asMap).toList());
            Evidence.attachJson(kind + " evidence (" + list.size() + ")", body);
        });
        String kinds = byKind.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue().size()).collect(Collectors.joining(", "));
        throw new AssertionError(kinds + " — " + check + "; first: " + findings.get(0).summary());
    }

    /**
     * Ends the step as a check that could not be completed (an answer that lacks the expected shape, a 5xx): recorded
     * as UNVERIFIED for that patient, never a pass.
     */
    public void unverified(String check, Patient patient, String problem) {
        world.report(check, List.of(new dev.cordon.oracle.Finding(dev.cordon.oracle.FindingKind.UNVERIFIED,
                patient == null ? null : patient.key(), problem, Map.of("check", check, "problem", problem))));
    }

    /** Ends the scenario as not applicable to this target's profile, saying why (never a pass, never UNVERIFIED). */
    public void notApplicable(String why) {
        world.notApplicable(why);
    }

    private GateRun run() {
        return world.run();
    }

    private List<Patient> wrap(List<LedgerPatient> patients) {
        GateRun run = run();
        run.logIn(patients);
        return dev.cordon.ledger.ListView.of(patients.size(), i -> new Patient(run, patients.get(i)));
    }
}
