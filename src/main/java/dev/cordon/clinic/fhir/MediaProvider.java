package dev.cordon.clinic.fhir;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.History;
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
import dev.cordon.clinic.Fault;
import dev.cordon.clinic.store.Patients;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Media;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Media = a recording. Reads, history and searches serve whatever they are asked for: who may see what is
 * decided by the authorization rules and the search narrowing ({@link ClinicAuthorization}, {@link ClinicNarrowing}),
 * the way a HAPI plain server is meant to be secured.
 */
public final class MediaProvider implements IResourceProvider {
    static final Set<String> CONTENT_TYPES = Set.of("audio/ogg", "audio/webm", "video/webm", "video/mp4", "audio/mpeg");

    private final FhirStore store;
    private final Patients patients;
    private final Set<Fault> faults;
    private final Includes includes;

    MediaProvider(FhirStore store, Patients patients, Set<Fault> faults, Includes includes) {
        this.store = store;
        this.patients = patients;
        this.faults = faults;
        this.includes = includes;
    }

    @Override
    public Class<Media> getResourceType() { return Media.class; }

    @Read(version = true)
    public Media read(@IdParam IdType id) {
        Media media = find(id);
        if (id.hasVersionIdPart() && !FhirResources.VERSION.equals(id.getVersionIdPart())) {
            throw new ResourceNotFoundException(id);
        }
        return media;
    }

    @History
    public List<Media> history(@IdParam IdType id) {
        return List.of(find(id));
    }

    @Search
    public IBundleProvider search(
            @OptionalParam(name = "patient") ReferenceAndListParam patient,
            @OptionalParam(name = "subject") ReferenceAndListParam subject,
            @OptionalParam(name = "encounter") ReferenceAndListParam encounter,
            @IncludeParam(allow = {"Media:subject", "Media:patient", "Media:encounter"}) Set<Include> include,
            @Count Integer count) {
        List<Set<Long>> owners = new ArrayList<>(References.constraints(patient, "Patient"));
        owners.addAll(References.constraints(subject, "Patient"));
        FhirStore.Criteria criteria = new FhirStore.Criteria(owners, References.constraints(encounter, "Encounter"));
        boolean laterPagesUnnarrowed = faults.contains(Fault.FHIR_NEXT_LINK_DROPS_NARROWING);
        return new SearchPages(store.countMedia(criteria), count, (from, to) -> {
            // The fault: a page reached through the next link is queried without the patient constraints.
            // The fault: a page reached through the next link is re-queried, page size rows from its offset,
            // without the patient constraints.
            boolean unnarrowed = laterPagesUnnarrowed && from > 0;
            FhirStore.Criteria pageCriteria = unnarrowed ? criteria.withoutPatients() : criteria;
            int limit = unnarrowed ? Math.max(to - from, count == null ? FhirFace.DEFAULT_PAGE_SIZE : count) : to - from;
            List<FhirStore.MediaRow> rows = store.media(pageCriteria, from, limit);
            List<IBaseResource> page = new ArrayList<>();
            rows.forEach(r -> page.add(FhirResources.matched(FhirResources.media(r))));
            if (include != null && !include.isEmpty()) page.addAll(includes.forMedia(rows, pageCriteria, from, from + limit, include));
            return page;
        });
    }

    @Create
    public MethodOutcome create(@ResourceParam Media media) {
        long patientId = References.required(media.getSubject(), "Patient", "Media.subject");
        long encounterId = References.required(media.getEncounter(), "Encounter", "Media.encounter");
        if (patients.findById(patientId).isEmpty()) throw new UnprocessableEntityException("Media.subject: no such Patient/" + patientId);
        FhirStore.EncounterRow encounter = store.encounter(encounterId)
                .orElseThrow(() -> new UnprocessableEntityException("Media.encounter: no such Encounter/" + encounterId));
        if (encounter.patientId() != patientId) {
            throw new UnprocessableEntityException("Media.encounter: Encounter/" + encounterId + " is not an encounter of Patient/" + patientId);
        }
        String contentType = media.getContent().hasContentType() ? media.getContent().getContentType() : "audio/ogg";
        if (!CONTENT_TYPES.contains(contentType)) {
            throw new UnprocessableEntityException("Media.content.contentType must be one of " + new LinkedHashSet<>(CONTENT_TYPES));
        }
        long id = store.createMedia(encounterId, patientId, contentType, encounter.clinician());
        Media created = FhirResources.media(store.media(id).orElseThrow());
        MethodOutcome outcome = new MethodOutcome(created.getIdElement(), true);
        outcome.setResource(created);
        return outcome;
    }

    private Media find(IdType id) {
        return References.parseId(id.getIdPart()).flatMap(store::media).map(FhirResources::media)
                .orElseThrow(() -> new ResourceNotFoundException(id.toUnqualifiedVersionless()));
    }
}
