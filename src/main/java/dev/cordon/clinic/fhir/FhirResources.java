package dev.cordon.clinic.fhir;

import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import dev.cordon.clinic.store.Patient;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

import java.sql.Date;
import java.util.Map;

/** Clinic rows as FHIR R4 resources. Every resource is version 1: the clinic never changes a record in place. */
final class FhirResources {
    static final String NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
    static final String ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    static final String VERSION = "1";
    /** User data key marking a resource as an _include/_revinclude entry rather than a match. */
    static final String INCLUDED = "cordon.included";

    private static final Map<String, Encounter.EncounterStatus> STATUS = Map.of(
            "BOOKED", Encounter.EncounterStatus.PLANNED,
            "IN_PROGRESS", Encounter.EncounterStatus.INPROGRESS,
            "COMPLETED", Encounter.EncounterStatus.FINISHED);

    private FhirResources() {}

    static org.hl7.fhir.r4.model.Patient patient(Patient p) {
        org.hl7.fhir.r4.model.Patient r = new org.hl7.fhir.r4.model.Patient();
        r.setId(new org.hl7.fhir.r4.model.IdType("Patient", String.valueOf(p.id()), VERSION));
        r.getMeta().setVersionId(VERSION);
        r.addIdentifier(new Identifier().setSystem(NHS_NUMBER_SYSTEM).setValue(p.nhsNumber()));
        r.addName(new HumanName().setText(p.name()));
        r.setBirthDateElement(new DateType(Date.valueOf(p.dateOfBirth())));
        r.addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(p.email()));
        return r;
    }

    static Encounter encounter(FhirStore.EncounterRow e) {
        Encounter r = new Encounter();
        r.setId(new org.hl7.fhir.r4.model.IdType("Encounter", String.valueOf(e.id()), VERSION));
        r.getMeta().setVersionId(VERSION);
        r.setStatus(STATUS.getOrDefault(e.status(), Encounter.EncounterStatus.UNKNOWN));
        r.setClass_(new Coding(ACT_CODE_SYSTEM, "VR", "virtual"));
        r.setSubject(new Reference("Patient/" + e.patientId()));
        r.setPeriod(new Period().setStart(java.util.Date.from(e.slot())));
        r.addParticipant().getIndividual().setDisplay(e.clinician());
        return r;
    }

    static Encounter.EncounterStatus status(String clinicStatus) {
        return STATUS.getOrDefault(clinicStatus, Encounter.EncounterStatus.UNKNOWN);
    }

    static String clinicStatus(Encounter.EncounterStatus status) {
        if (status == null) return "COMPLETED";
        return switch (status) {
            case PLANNED, ARRIVED, TRIAGED -> "BOOKED";
            case INPROGRESS, ONLEAVE -> "IN_PROGRESS";
            default -> "COMPLETED";
        };
    }

    static Media media(FhirStore.MediaRow m) {
        Media r = new Media();
        r.setId(new org.hl7.fhir.r4.model.IdType("Media", String.valueOf(m.id()), VERSION));
        r.getMeta().setVersionId(VERSION);
        r.setStatus(Media.MediaStatus.COMPLETED);
        r.setSubject(new Reference("Patient/" + m.patientId()));
        r.setEncounter(new Reference("Encounter/" + m.encounterId()));
        r.setCreated(new org.hl7.fhir.r4.model.DateTimeType(java.util.Date.from(m.recordedAt())));
        if (m.durationSeconds() != null) r.setDuration(m.durationSeconds());
        r.getContent().setContentType(m.contentType()).setUrl("Binary/" + m.id());
        return r;
    }

    static Binary binary(long mediaId, FhirStore.Bytes bytes) {
        Binary r = new Binary();
        r.setId(new org.hl7.fhir.r4.model.IdType("Binary", String.valueOf(mediaId), VERSION));
        r.getMeta().setVersionId(VERSION);
        r.setContentType(bytes.contentType());
        r.setSecurityContext(new Reference("Media/" + mediaId));
        r.setData(bytes.data());
        return r;
    }

    /** Marks a resource as a match of a search (Bundle entry.search.mode = match). */
    static <T extends IBaseResource> T matched(T resource) {
        ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(resource, BundleEntrySearchModeEnum.MATCH);
        return resource;
    }

    /** Marks a resource as an include entry of a search bundle (entry.search.mode = include). */
    static <T extends IBaseResource> T included(T resource) {
        ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(resource, BundleEntrySearchModeEnum.INCLUDE);
        resource.setUserData(INCLUDED, Boolean.TRUE);
        return resource;
    }

    static boolean isIncluded(IBaseResource resource) {
        return resource != null && Boolean.TRUE.equals(resource.getUserData(INCLUDED));
    }
}
