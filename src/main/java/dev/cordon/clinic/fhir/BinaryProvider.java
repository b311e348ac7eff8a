package dev.cordon.clinic.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.IdType;

/**
 * Binary/{id} = the bytes of Media/{id} (same id). Its securityContext names the Media; whether the caller may
 * have them is the rules' decision. Asked with a FHIR Accept header it answers a Binary resource, otherwise the
 * raw bytes with their content type.
 */
public final class BinaryProvider implements IResourceProvider {
    private final FhirStore store;

    BinaryProvider(FhirStore store) { this.store = store; }

    @Override
    public Class<Binary> getResourceType() { return Binary.class; }

    @Read
    public Binary read(@IdParam IdType id) {
        return References.parseId(id.getIdPart())
                .flatMap(mediaId -> store.bytes(mediaId).map(bytes -> FhirResources.binary(mediaId, bytes)))
                .orElseThrow(() -> new ResourceNotFoundException(id.toUnqualifiedVersionless()));
    }
}
