package dev.cordon.clinic.fhir;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.clinic.store.Passwords;
import dev.cordon.clinic.store.Patient;
import dev.cordon.clinic.store.Patients;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /fhir/auth/token}: the SMART-style token endpoint (resource owner password grant, form encoded),
 * checked against the clinic's own patient passwords. {@code GET /fhir/.well-known/smart-configuration} says where
 * it is. Only {@code patient/*.read} is granted; other SMART scopes a client adds ({@code openid},
 * {@code fhirUser}, {@code launch/patient}, {@code offline_access}) are ignored.
 */
final class TokenServlet extends HttpServlet {
    static final String TOKEN_PATH = "/auth/token";
    static final String SMART_CONFIGURATION_PATH = "/.well-known/smart-configuration";
    private static final List<String> IGNORED_SCOPES = List.of("openid", "fhirUser", "launch/patient", "offline_access");

    private final transient Patients patients;
    private final transient FhirTokens tokens;
    private final transient ObjectMapper json = new ObjectMapper();

    TokenServlet(Patients patients, FhirTokens tokens) {
        this.patients = patients;
        this.tokens = tokens;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!SMART_CONFIGURATION_PATH.equals(req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo()))
                && !req.getRequestURI().endsWith(SMART_CONFIGURATION_PATH)) {
            write(resp, 405, Map.of("error", "invalid_request", "error_description", "use POST"));
            return;
        }
        String base = req.getRequestURL().toString();
        base = base.substring(0, base.length() - SMART_CONFIGURATION_PATH.length());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token_endpoint", base + TOKEN_PATH);
        body.put("grant_types_supported", List.of("password"));
        body.put("scopes_supported", List.of(FhirTokens.PATIENT_READ));
        body.put("capabilities", List.of("client-public", "context-standalone-patient", "permission-patient"));
        write(resp, 200, body);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!req.getRequestURI().endsWith(TOKEN_PATH)) {
            write(resp, 405, Map.of("error", "invalid_request", "error_description", "not a token endpoint"));
            return;
        }
        String contentType = req.getContentType();
        if (contentType == null || !contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            error(resp, 400, "invalid_request", "the body must be application/x-www-form-urlencoded");
            return;
        }
        String grantType = req.getParameter("grant_type");
        if (!"password".equals(grantType)) {
            error(resp, 400, "unsupported_grant_type", "grant_type must be password");
            return;
        }
        String username = req.getParameter("username");
        String password = req.getParameter("password");
        if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
            error(resp, 400, "invalid_request", "username and password are required");
            return;
        }
        String scope = req.getParameter("scope");
        if (scope != null && !scope.isBlank()) {
            List<String> asked = Arrays.stream(scope.trim().split("\\s+")).filter(s -> !IGNORED_SCOPES.contains(s)).toList();
            if (!asked.equals(List.of(FhirTokens.PATIENT_READ))) {
                error(resp, 400, "invalid_scope", "only " + FhirTokens.PATIENT_READ + " can be granted");
                return;
            }
        }
        Optional<Patient> patient = patients.findByUsername(username).filter(p -> Passwords.matches(password, p.passwordHash()));
        if (patient.isEmpty()) {
            error(resp, 401, "invalid_grant", "wrong username or password");
            return;
        }
        long id = patient.get().id();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.issue(id, FhirTokens.PATIENT_READ));
        body.put("token_type", "Bearer");
        body.put("expires_in", FhirTokens.LIFETIME.toSeconds());
        body.put("scope", FhirTokens.PATIENT_READ);
        body.put("patient", String.valueOf(id));
        write(resp, 200, body);
    }

    private void error(HttpServletResponse resp, int status, String error, String description) throws IOException {
        write(resp, status, Map.of("error", error, "error_description", description));
    }

    private void write(HttpServletResponse resp, int status, Map<String, ?> body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("Pragma", "no-cache");
        resp.getOutputStream().write(json.writeValueAsBytes(body));
    }
}
