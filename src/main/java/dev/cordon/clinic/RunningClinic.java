package dev.cordon.clinic;

/** A clinic that is serving. Closing it stops the server and closes its database pool. */
public interface RunningClinic extends AutoCloseable {
    int port();

    String release();

    /** The FHIR R4 base URL ({@code http://127.0.0.1:PORT/fhir}) when the FHIR face is served. */
    default java.util.Optional<java.net.URI> fhirBase() { return java.util.Optional.empty(); }

    @Override
    void close();
}
