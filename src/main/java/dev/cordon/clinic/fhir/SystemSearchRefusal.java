package dev.cordon.clinic.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;

/**
 * Refuses a search across all types ({@code GET /fhir?...}) with 400 before the search narrowing sees it: the
 * narrowing cannot narrow one, and this server has none to offer.
 */
@Interceptor(order = -100)
final class SystemSearchRefusal {
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -100)
    public void refuse(RequestDetails request) {
        if (request.getRestOperationType() == RestOperationTypeEnum.SEARCH_SYSTEM) {
            throw new InvalidRequestException("searching across all resource types is not supported");
        }
    }
}
