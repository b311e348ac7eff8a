package dev.cordon.gate;

import dev.cordon.GateProcess;
import dev.cordon.GateProcess.Outcome;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gate on the clinic's FHIR R4 face (environments/fhir.yaml, profile fhir-r4), as CI runs it: the clean update
 * passes with every listing and opener of the profile checked, and a FHIR fault (an _include that pulls in other
 * patients' resources) fails it with FOREIGN_IN_LISTING, naming the search, the page and the rightful owner. A small
 * population keeps it quick; the environment's default size runs in ci/release-gate.sh --env fhir.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FhirTargetIT {
    private static final String PATIENTS = "6";
    private final GateProcess gate = GateProcess.forThisProject();

    private Outcome rehearse(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--env", "fhir", "--patients", PATIENTS, "--skip-ui", "--no-report"));
        args.addAll(List.of(extra));
        return gate.run(Map.of(), args.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void cleanFhirFacePassesWithEveryListingAndOpenerChecked() throws Exception {
        Outcome outcome = rehearse();
        assertThat(outcome.exitCode()).as(outcome.console()).isZero();
        assertThat(outcome.verdict()).isEqualTo("PASS");
        assertThat(outcome.console()).contains("VERDICT PASS (exit 0)").doesNotContain("ca.uhn.fhir");
        List<String> declared = new ArrayList<>();
        List<String> unchecked = new ArrayList<>();
        outcome.summary().at("/coverage/entries").forEach(entry -> {
            String kind = entry.path("kind").asText();
            if (kind.equals("listing") || kind.equals("opener") || kind.startsWith("tampering")) {
                declared.add(entry.path("what").asText());
                if (!entry.path("checked").asBoolean()) {
                    unchecked.add(entry.path("what").asText() + ": " + entry.path("why").asText());
                }
            }
        });
        assertThat(declared).as("the profile's searches, reads and channels in the coverage map").contains(
                "listing media/search", "listing media/withPatient", "listing media/everything",
                "listing encounter/withRecordings", "opener media/binary", "opener media/history", "tampering-query */patient");
        assertThat(unchecked).as("nothing declared may pass unchecked").isEmpty();
    }

    @Test
    @Order(2)
    void includeOutsideTheCompartmentIsForeignInListing() throws Exception {
        Outcome outcome = rehearse("--fault", "fhir-include-outside-compartment");
        assertThat(outcome.exitCode()).as(outcome.console()).isEqualTo(1);
        assertThat(outcome.verdict()).isEqualTo("BREACH");
        assertThat(outcome.kinds()).contains("FOREIGN_IN_LISTING").doesNotContain("UNVERIFIED", "DIRECT_ACCESS");
        String summary = outcome.summary().toString();
        assertThat(summary).as("the search and its page are named").contains("_include=Media%3Asubject", "seen on page");
        assertThat(summary).as("an included Patient record of another patient counts too").contains("related patient record(s) of other patients");
        assertThat(summary).contains("rightful owner");
    }
}
