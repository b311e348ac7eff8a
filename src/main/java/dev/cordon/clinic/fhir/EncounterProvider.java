package dev.cordon.clinic.fhir;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.IncludeParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import dev.cordon.clinic.store.Patients;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Encounter = a consultation (class virtual). Created by the operator; read and searched under the rules. */
public final class EncounterProvider implements IResourceProvider {
    static final String DEFAULT_CLINICIAN = "Dr Ada Byron";

    private final FhirStore store;
    private final Patients patients;
    private final Includes includes;

    EncounterProvider(FhirStore store, Patients patients, Includes includes) {
        this.store = store;
        this.patients = patients;
        this.includes = includes;
    }

    @Override
    public Class<Encounter> getResourceType() { return Encounter.class; }

    @Read(version = true)
    public Encounter read(@IdParam IdType id) {
        Encounter e = References.parseId(id.getIdPart()).flatMap(store::encounter).map(FhirResources::encounter)
                .orElseThrow(() -> new ResourceNotFoundException(id.toUnqualifiedVersionless()));
        if (id.hasVersionIdPart() && !FhirResources.VERSION.equals(id.getVersionIdPart())) throw new ResourceNotFoundException(id);
        return e;
    }

    @Search
    public IBundleProvider search(
            @OptionalParam(name = "patient") ReferenceAndListParam patient,
            @OptionalParam(name = "subject") ReferenceAndListParam subject,
            @IncludeParam(allow = {"Encounter:subject", "Encounter:patient"}) Set<Include> include,
            @IncludeParam(reverse = true, allow = {"Media:encounter"}) Set<Include> revinclude,
            @Count Integer count) {
        List<Set<Long>> owners = new ArrayList<>(References.constraints(patient, "Patient"));
        owners.addAll(References.constraints(subject, "Patient"));
        FhirStore.Criteria criteria = new FhirStore.Criteria(owners, List.of());
        boolean withIncludes = (include != null && !include.isEmpty()) || (revinclude != null && !revinclude.isEmpty());
        return new SearchPages(store.countEncounters(criteria), count, (from, to) -> {
            List<FhirStore.EncounterRow> rows = store.encounters(criteria, from, to - from);
            List<IBaseResource> page = new ArrayList<>();
            rows.forEach(r -> page.add(FhirResources.matched(FhirResources.encounter(r))));
            if (withIncludes) page.addAll(includes.forEncounters(rows, criteria, from, to, include, revinclude));
            return page;
        });
    }

    @Create
    public MethodOutcome create(@ResourceParam Encounter encounter) {
        long patientId = References.required(encounter.getSubject(), "Patient", "Encounter.subject");
        if (patients.findById(patientId).isEmpty()) throw new UnprocessableEntityException("Encounter.subject: no such Patient/" + patientId);
        Instant slot = encounter.getPeriod().hasStart() ? encounter.getPeriod().getStart().toInstant()
                : Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String clinician = encounter.getParticipant().stream()
                .filter(p -> p.getIndividual().hasDisplay()).map(p -> p.getIndividual().getDisplay())
                .findFirst().orElse(DEFAULT_CLINICIAN);
        if (clinician.length() > 200) throw new UnprocessableEntityException("Encounter.participant.individual.display is too long");
        long id = store.createEncounter(patientId, slot, clinician, FhirResources.clinicStatus(encounter.getStatus()));
        Encounter created = FhirResources.encounter(store.encounter(id).orElseThrow());
        MethodOutcome outcome = new MethodOutcome(created.getIdElement(), true);
        outcome.setResource(created);
        return outcome;
    }
}
