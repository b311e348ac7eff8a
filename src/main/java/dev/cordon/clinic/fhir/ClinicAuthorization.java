package dev.cordon.clinic.fhir;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationFlagsEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderOperationNamedAndScoped;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import dev.cordon.clinic.Fault;
import org.hl7.fhir.r4.model.IdType;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules, built per request from the caller's token, read as sentences:
 * <ul>
 *   <li>operator (system scope): allow all;</li>
 *   <li>patient (patient/*.read): allow metadata, allow read of the patient compartment of Patient/&lt;id&gt;,
 *       allow read of a Binary whose Media is in that compartment, allow $everything on Patient/&lt;id&gt; with
 *       every response resource checked, deny all else;</li>
 *   <li>no token: allow metadata; anything else is a 401.</li>
 * </ul>
 * HAPI applies them before the handler and again to every resource of the response (matches, include entries,
 * pages reached through the next link), failing the request with 403 when one is not allowed.
 */
final class ClinicAuthorization extends AuthorizationInterceptor {
    private final Callers callers;
    private final FhirStore store;
    private final Set<Fault> faults;

    ClinicAuthorization(Callers callers, FhirStore store, Set<Fault> faults) {
        super(PolicyEnum.DENY);
        // A read or history of Media/5 does not tell whose it is until the resource is loaded: decide on the
        // response (403 for another patient's) instead of refusing every by-id read of a compartment resource.
        setFlags(AuthorizationFlagsEnum.DO_NOT_PROACTIVELY_BLOCK_COMPARTMENT_READ_ACCESS);
        this.callers = callers;
        this.store = store;
        this.faults = faults;
    }

    @Override
    public List<IAuthRule> buildRuleList(RequestDetails request) {
        Caller caller = callers.of(request);
        RestOperationTypeEnum operation = request.getRestOperationType();
        switch (caller.kind()) {
            case OPERATOR:
                return new RuleBuilder().allowAll("operator: system scope").build();
            case ANONYMOUS:
                if (operation == RestOperationTypeEnum.METADATA) return new RuleBuilder().allow("metadata").metadata().build();
                throw Callers.unauthorized("missing token (Authorization: Bearer <token>)");
            default:
                return patientRules(caller, operation);
        }
    }

    private List<IAuthRule> patientRules(Caller caller, RestOperationTypeEnum operation) {
        boolean history = operation == RestOperationTypeEnum.HISTORY_INSTANCE || operation == RestOperationTypeEnum.HISTORY_TYPE;
        if (history && faults.contains(Fault.FHIR_HISTORY_OUTSIDE_RULES)) {
            // The fault: history was added after the rules were written; the builder lets it through.
            return new RuleBuilder().allowAll("history (not covered by the rules)").build();
        }
        if (operation == RestOperationTypeEnum.GET_PAGE && faults.contains(Fault.FHIR_NEXT_LINK_DROPS_NARROWING)) {
            // The fault: a page of a search is taken as already authorized when the search was.
            return new RuleBuilder().allowAll("page of an authorized search").build();
        }
        IdType self = new IdType("Patient", caller.patientId());
        RuleBuilder rules = new RuleBuilder();
        rules.allow("metadata").metadata().andThen()
                .allow("read the patient compartment of " + caller.patientReference())
                .read().allResources().inCompartment("Patient", self).andThen()
                .allow("read Binary of the patient's own Media")
                .read().resourcesOfType("Binary").withAnyId().withTester(new OwnBinary(caller.patientId())).andThen();
        IAuthRuleBuilderOperationNamedAndScoped everything = rules.allow("$everything of " + caller.patientReference())
                .operation().named("$everything").onInstance(self);
        if (faults.contains(Fault.FHIR_EVERYTHING_FOLLOWS_REFERENCE)) {
            everything.andAllowAllResponses().andThen(); // the fault: what the operation returns is not checked
        } else {
            everything.andRequireExplicitResponseAuthorization().andThen();
        }
        if (faults.contains(Fault.FHIR_INCLUDE_OUTSIDE_COMPARTMENT)) {
            // The fault: include entries are assumed to follow the caller's own references.
            rules.allow("include entries").read().allResources().withAnyId().withTester(new IncludeEntry()).andThen();
        }
        return rules.denyAll("outside the patient's compartment").build();
    }

    /** Allows a Binary when the Media it belongs to (same id) is the patient's; decided on the response. */
    private final class OwnBinary implements IAuthRuleTester {
        private final long patientId;

        OwnBinary(long patientId) { this.patientId = patientId; }

        @Override
        public boolean matches(RuleTestRequest request) {
            return true; // the id alone does not tell; the response check below decides
        }

        @Override
        public boolean matchesOutput(RuleTestRequest request) {
            if (request.resource == null) return false;
            Optional<Long> mediaId = References.parseId(request.resource.getIdElement().getIdPart());
            if (faults.contains(Fault.FHIR_BINARY_WITHOUT_OWNER)) {
                return mediaId.flatMap(store::bytes).isPresent(); // the fault: existence only
            }
            return mediaId.flatMap(store::ownerOfMedia).map(owner -> owner == patientId).orElse(false);
        }
    }

    /** Fault fhir-include-outside-compartment: any resource marked as an include entry passes. */
    private static final class IncludeEntry implements IAuthRuleTester {
        @Override
        public boolean matches(RuleTestRequest request) {
            return FhirResources.isIncluded(request.resource);
        }

        @Override
        public boolean matchesOutput(RuleTestRequest request) {
            return FhirResources.isIncluded(request.resource);
        }
    }
}
