package dev.cordon.clinic.fhir;

import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.Reference;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reference search parameters and reference fields as clinic ids. */
final class References {
    private References() {}

    /**
     * One constraint per AND-ed parameter value list: the ids it allows. A value of another resource type or
     * with a non-numeric id allows nothing (it can match no clinic record).
     */
    static List<Set<Long>> constraints(ReferenceAndListParam param, String type) {
        List<Set<Long>> result = new ArrayList<>();
        if (param == null) return result;
        for (ReferenceOrListParam or : param.getValuesAsQueryTokens()) {
            Set<Long> ids = new LinkedHashSet<>();
            for (ReferenceParam ref : or.getValuesAsQueryTokens()) {
                if (ref.getChain() != null && !ref.getChain().isEmpty()) {
                    throw new InvalidRequestException("chained reference parameters are not supported");
                }
                String refType = ref.getResourceType();
                if (refType != null && !refType.isEmpty() && !refType.equals(type)) continue;
                parseId(ref.getIdPart()).ifPresent(ids::add);
            }
            result.add(ids);
        }
        return result;
    }

    static Optional<Long> parseId(String idPart) {
        if (idPart == null || !idPart.matches("\\d{1,18}")) return Optional.empty();
        return Optional.of(Long.parseLong(idPart));
    }

    /** The id of a reference that must point to a resource of this type, or 422. */
    static long required(Reference reference, String type, String field) {
        if (reference == null || !reference.hasReference()) {
            throw new UnprocessableEntityException(field + " is required (a reference like " + type + "/123)");
        }
        String value = reference.getReference();
        String prefix = type + "/";
        Optional<Long> id = value.startsWith(prefix) ? parseId(value.substring(prefix.length())) : Optional.empty();
        return id.orElseThrow(() -> new UnprocessableEntityException(field + " must reference a " + type + " like " + type + "/123"));
    }
}
