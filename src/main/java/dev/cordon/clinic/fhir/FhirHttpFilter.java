package dev.cordon.clinic.fhir;

import dev.cordon.clinic.web.AccessLog;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Around every {@code /fhir} request: marks the response private ({@code Cache-Control: no-store}, or the
 * private-responses-cacheable fault's {@code public, max-age=300}) and writes the clinic's access-log line
 * (method, path, status, ms; never the query string or headers). HAPI's servlet is outside Javalin, so
 * Javalin's request logger does not see these requests.
 */
final class FhirHttpFilter extends HttpFilter {
    private final transient AccessLog accessLog;
    private final String cacheControl;

    FhirHttpFilter(AccessLog accessLog, String cacheControl) {
        this.accessLog = accessLog;
        this.cacheControl = cacheControl;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        long started = System.nanoTime();
        resp.setHeader("Cache-Control", cacheControl);
        try {
            chain.doFilter(req, resp);
        } finally {
            accessLog.record(req.getMethod(), req.getRequestURI(), resp.getStatus(), (System.nanoTime() - started) / 1_000_000);
        }
    }
}
