package dev.cordon.clinic.fhir;

import ca.uhn.fhir.model.api.Include;
import dev.cordon.clinic.Fault;
import dev.cordon.clinic.store.Patients;
import org.hl7.fhir.instance.model.api.IBaseResource;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Resolves {@code _include} and {@code _revinclude} for one page of a search: the resources the page's matches
 * refer to, or that refer to them. Include entries go through the same authorization rules as matches.
 *
 * <p>Fault fhir-include-outside-compartment: the resolver re-reads the page window without the search's
 * patient constraints (it was written for the operator, who has none), everything it re-read rides along as
 * include entries, and the rules let include entries through unchecked.
 */
final class Includes {
    private final FhirStore store;
    private final Patients patients;
    private final boolean unconstrained;

    Includes(FhirStore store, Patients patients, Set<Fault> faults) {
        this.store = store;
        this.patients = patients;
        this.unconstrained = faults.contains(Fault.FHIR_INCLUDE_OUTSIDE_COMPARTMENT);
    }

    List<IBaseResource> forMedia(List<FhirStore.MediaRow> matches, FhirStore.Criteria criteria, int from, int to,
                                 Set<Include> include) {
        List<FhirStore.MediaRow> source = new ArrayList<>(matches);
        if (unconstrained) addMissing(source, store.media(criteria.withoutPatients(), from, to - from), FhirStore.MediaRow::id);
        List<IBaseResource> result = new ArrayList<>();
        Set<Long> matchIds = new LinkedHashSet<>();
        matches.forEach(m -> matchIds.add(m.id()));
        for (FhirStore.MediaRow m : source) {
            if (!matchIds.contains(m.id())) result.add(FhirResources.included(FhirResources.media(m)));
        }
        if (has(include, "subject") || has(include, "patient")) {
            Set<Long> ids = new LinkedHashSet<>();
            source.forEach(m -> ids.add(m.patientId()));
            result.addAll(patientsOf(ids));
        }
        if (has(include, "encounter")) {
            Set<Long> ids = new LinkedHashSet<>();
            source.forEach(m -> ids.add(m.encounterId()));
            for (long id : ids) store.encounter(id).ifPresent(e -> result.add(FhirResources.included(FhirResources.encounter(e))));
        }
        return result;
    }

    List<IBaseResource> forEncounters(List<FhirStore.EncounterRow> matches, FhirStore.Criteria criteria, int from, int to,
                                      Set<Include> include, Set<Include> revinclude) {
        List<FhirStore.EncounterRow> source = new ArrayList<>(matches);
        if (unconstrained) addMissing(source, store.encounters(criteria.withoutPatients(), from, to - from), FhirStore.EncounterRow::id);
        List<IBaseResource> result = new ArrayList<>();
        if (has(include, "subject") || has(include, "patient")) {
            Set<Long> ids = new LinkedHashSet<>();
            source.forEach(e -> ids.add(e.patientId()));
            result.addAll(patientsOf(ids));
        }
        if (has(revinclude, "encounter")) {
            Set<Long> ids = new LinkedHashSet<>();
            source.forEach(e -> ids.add(e.id()));
            store.mediaOfEncounters(ids).forEach(m -> result.add(FhirResources.included(FhirResources.media(m))));
        }
        return result;
    }

    private static <T> void addMissing(List<T> into, List<T> more, java.util.function.ToLongFunction<T> id) {
        Set<Long> seen = new LinkedHashSet<>();
        into.forEach(t -> seen.add(id.applyAsLong(t)));
        for (T t : more) if (seen.add(id.applyAsLong(t))) into.add(t);
    }

    private List<IBaseResource> patientsOf(Set<Long> ids) {
        List<IBaseResource> result = new ArrayList<>();
        for (long id : ids) patients.findById(id).ifPresent(p -> result.add(FhirResources.included(FhirResources.patient(p))));
        return result;
    }

    private static boolean has(Set<Include> include, String param) {
        if (include == null) return false;
        for (Include i : include) {
            if (param.equals(i.getParamName())) return true;
        }
        return false;
    }
}
