package dev.cordon.clinic.fhir;

import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import dev.cordon.clinic.Fault;
import dev.cordon.clinic.store.Patients;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Patient = a clinic patient (created through the JSON API), with {@code $everything}. */
public final class PatientProvider implements IResourceProvider {
    private final FhirStore store;
    private final Patients patients;
    private final boolean everythingBySlot;

    PatientProvider(FhirStore store, Patients patients, Set<Fault> faults) {
        this.store = store;
        this.patients = patients;
        this.everythingBySlot = faults.contains(Fault.FHIR_EVERYTHING_FOLLOWS_REFERENCE);
    }

    @Override
    public Class<Patient> getResourceType() { return Patient.class; }

    @Read(version = true)
    public Patient read(@IdParam IdType id) {
        Patient p = find(id);
        if (id.hasVersionIdPart() && !FhirResources.VERSION.equals(id.getVersionIdPart())) throw new ResourceNotFoundException(id);
        return p;
    }

    /** {@code Patient?_id=...}: the search narrowing turns a patient's {@code Patient?} into this. */
    @Search
    public List<Patient> search(@OptionalParam(name = IAnyResource.SP_RES_ID) TokenAndListParam ids, @Count Integer count) {
        if (ids == null) {
            List<Patient> all = new ArrayList<>();
            patients.list().forEach(p -> all.add(FhirResources.patient(p)));
            return all;
        }
        Set<Long> allowed = null;
        for (TokenOrListParam or : ids.getValuesAsQueryTokens()) {
            Set<Long> these = new LinkedHashSet<>();
            for (TokenParam t : or.getValuesAsQueryTokens()) {
                String v = t.getValue() == null ? "" : t.getValue();
                References.parseId(v.startsWith("Patient/") ? v.substring("Patient/".length()) : v).ifPresent(these::add);
            }
            if (allowed == null) allowed = these;
            else allowed.retainAll(these);
        }
        List<Patient> result = new ArrayList<>();
        for (long id : allowed) patients.findById(id).ifPresent(p -> result.add(FhirResources.patient(p)));
        return result;
    }

    /**
     * The patient, their encounters and the Media of those encounters.
     * Fault fhir-everything-follows-reference: Media are found through each encounter's time slot, so the Media
     * of other patients' encounters in the same slot come along.
     */
    @Operation(name = "$everything", idempotent = true)
    public IBundleProvider everything(@IdParam IdType id) {
        Patient patient = find(id);
        long patientId = Long.parseLong(patient.getIdElement().getIdPart());
        FhirStore.Criteria own = new FhirStore.Criteria(List.of(Set.of(patientId)), List.of());
        List<IBaseResource> resources = new ArrayList<>();
        resources.add(patient);
        List<Long> encounterIds = new ArrayList<>();
        for (FhirStore.EncounterRow e : store.encounters(own, 0, Integer.MAX_VALUE)) {
            resources.add(FhirResources.encounter(e));
            encounterIds.add(e.id());
        }
        Map<Long, FhirStore.MediaRow> media = new LinkedHashMap<>();
        List<FhirStore.MediaRow> found = everythingBySlot ? store.mediaOfSameSlots(encounterIds) : store.media(own, 0, Integer.MAX_VALUE);
        found.forEach(m -> media.put(m.id(), m));
        media.values().forEach(m -> resources.add(FhirResources.media(m)));
        return new SimpleBundleProvider(resources);
    }

    private Patient find(IdType id) {
        return References.parseId(id.getIdPart()).flatMap(patients::findById).map(FhirResources::patient)
                .orElseThrow(() -> new ResourceNotFoundException(id.toUnqualifiedVersionless()));
    }
}
