package dev.cordon.steps.example;

import dev.cordon.extension.Cordon;
import dev.cordon.extension.CustomFinding;
import dev.cordon.extension.Patient;
import dev.cordon.extension.StepDoc;
import io.cucumber.java.en.Then;
import io.restassured.response.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/**
 * The worked example of docs/extending.md: a step of one's own, on the extension API and REST Assured, for the FHIR
 * face (features/examples/fhir-patient-records.feature, tagged @profile:fhir-r4). Each patient reads their own Patient
 * record (it must open: the session is live) and the next patient's (it must not).
 */
public class FhirPatientRecordSteps {
    private final Cordon cordon;

    public FhirPatientRecordSteps(Cordon cordon) {
        this.cordon = cordon;
    }

    @Then("no patient can read another patient's Patient record")
    @StepDoc(value = "Example of a step of one's own (docs/extending.md): each patient reads their own FHIR Patient record, then the next"
            + " patient's, with REST Assured; the other's must be refused (PATIENT_RECORD_EXPOSED otherwise).",
            example = "Then no patient can read another patient's Patient record")
    public void patientRecordsStayPrivate() {
        List<Patient> patients = cordon.patients();
        List<CustomFinding> found = new ArrayList<>();
        for (int i = 0; i < patients.size(); i++) {
            Patient me = patients.get(i);
            Patient other = patients.get((i + 1) % patients.size());
            if (read(me, me).statusCode() != 200) {
                cordon.unverified("Patient reads", me, "the patient's own Patient record did not open: the session is not live");
            }
            Response theirs = read(me, other);
            if (theirs.statusCode() < 400) {
                found.add(cordon.finding("PATIENT_RECORD_EXPOSED", "Isolation breach", me, me.key() + " read the Patient record of "
                        + other.key(), Map.of("read", "Patient/" + other.ownerKey(), "status", theirs.statusCode())));
            }
        }
        cordon.report("Patient reads", found);
    }

    private static Response read(Patient caller, Patient owner) {
        return given(caller.restAssured()).accept("application/fhir+json").get("/fhir/Patient/{id}", owner.ownerKey());
    }
}
