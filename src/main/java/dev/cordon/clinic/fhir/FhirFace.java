package dev.cordon.clinic.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import dev.cordon.clinic.Fault;
import dev.cordon.clinic.store.Jdbc;
import dev.cordon.clinic.store.Patients;
import dev.cordon.clinic.web.AccessLog;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;

/**
 * The clinic's FHIR R4 face: HAPI FHIR's plain {@link RestfulServer} mounted at {@value #PATH} in the clinic's own
 * Jetty (same port, same database, same operator secret), with SMART-style tokens from {@value #PATH}/auth/token,
 * HAPI's AuthorizationInterceptor (rules per request) and SearchNarrowingInterceptor. See docs/fhir.md.
 */
public final class FhirFace {
    public static final String PATH = "/fhir";
    /** Search pages kept for next links; the oldest goes first. */
    static final int KEPT_SEARCHES = 1000;
    static final int DEFAULT_PAGE_SIZE = 20;
    static final int MAX_PAGE_SIZE = 100;

    private final RestfulServer server;
    private final Patients patients;
    private final FhirTokens tokens;
    private final boolean cacheablePrivateResponses;

    public FhirFace(String release, Set<Fault> faults, String operatorSecret, Patients patients, Jdbc jdbc, boolean v2) {
        this.patients = patients;
        this.tokens = new FhirTokens(Clock.systemUTC());
        this.cacheablePrivateResponses = faults.contains(Fault.PRIVATE_RESPONSES_CACHEABLE);
        Set<Fault> active = Set.copyOf(faults);
        FhirStore store = new FhirStore(jdbc, v2);
        Callers callers = new Callers(operatorSecret, tokens);
        Includes includes = new Includes(store, patients, active);

        server = new RestfulServer(FhirContext.forR4Cached());
        server.setServerName("Cordon reference clinic");
        server.setServerVersion(release);
        server.setImplementationDescription("Cordon reference clinic " + release + " (synthetic data only)");
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        FifoMemoryPagingProvider paging = new FifoMemoryPagingProvider(KEPT_SEARCHES);
        paging.setDefaultPageSize(DEFAULT_PAGE_SIZE);
        paging.setMaximumPageSize(MAX_PAGE_SIZE);
        server.setPagingProvider(paging);
        server.registerProviders(
                new PatientProvider(store, patients, active),
                new EncounterProvider(store, patients, includes),
                new MediaProvider(store, patients, active, includes),
                new BinaryProvider(store));
        server.registerInterceptor(new SystemSearchRefusal());
        server.registerInterceptor(new ClinicNarrowing(callers));
        server.registerInterceptor(new ClinicAuthorization(callers, store, active));
    }

    /** Adds the FHIR servlet, the token endpoint and the private-response/access-log filter to the clinic's Jetty. */
    public void mount(ServletContextHandler context, AccessLog accessLog) {
        String cacheControl = cacheablePrivateResponses ? "public, max-age=300" : "no-store";
        context.addFilter(new FilterHolder(new FhirHttpFilter(accessLog, cacheControl)), PATH + "/*",
                EnumSet.of(DispatcherType.REQUEST));
        TokenServlet token = new TokenServlet(patients, tokens);
        context.addServlet(new ServletHolder("fhir-token", token), PATH + TokenServlet.TOKEN_PATH);
        context.addServlet(new ServletHolder("fhir-smart-configuration", token), PATH + TokenServlet.SMART_CONFIGURATION_PATH);
        ServletHolder fhir = new ServletHolder("fhir", server);
        fhir.setInitOrder(1); // initialise with the server, so a broken setup fails the start, not the first request
        context.addServlet(fhir, PATH + "/*");
    }
}
