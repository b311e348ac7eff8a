package dev.cordon.clinic.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;

/**
 * Narrows a patient's searches to their own compartment: {@code Media?} becomes {@code Media?subject=Patient/<id>},
 * {@code Encounter?} becomes {@code Encounter?patient=Patient/<id>}, {@code Patient?} becomes {@code Patient?_id=<id>}.
 * A search for another patient's compartment is refused (403). The operator is not narrowed.
 */
final class ClinicNarrowing extends SearchNarrowingInterceptor {
    private final Callers callers;

    ClinicNarrowing(Callers callers) { this.callers = callers; }

    @Override
    protected AuthorizedList buildAuthorizedList(RequestDetails request) {
        Caller caller = callers.of(request);
        return caller.isPatient() ? new AuthorizedList().addCompartment(caller.patientReference()) : null;
    }
}
