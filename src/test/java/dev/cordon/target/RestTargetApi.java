package dev.cordon.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cordon.config.EnvironmentConfig;
import dev.cordon.config.Secret;
import dev.cordon.config.TargetProfile;
import dev.cordon.config.TargetProfile.Operation;
import dev.cordon.config.TargetProfile.Pagination;
import dev.cordon.population.PlannedConsultation;
import dev.cordon.population.SyntheticPatient;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.LogConfig;
import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST adapter: interprets a target profile with REST Assured. One immutable base specification per target and
 * one per caller identity; never REST Assured's static globals (they are shared across threads).
 * Authorization and cookie headers are blacklisted from any REST Assured logging.
 */
public final class RestTargetApi implements TargetApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");
    private static final int MAX_PAGES = 10_000;

    private final URI baseUri;
    private final TargetProfile profile;
    private final int pageSize;
    private final RequestSpecification base;
    private final RequestSpecification operator;

    public RestTargetApi(URI baseUri, TargetProfile profile, Secret operatorSecret, int pageSize,
                         Duration connectTimeout, Duration readTimeout) {
        this.baseUri = baseUri;
        this.profile = profile;
        this.pageSize = pageSize;
        RestAssuredConfig config = RestAssuredConfig.config()
                .httpClient(HttpClientConfig.httpClientConfig()
                        .setParam("http.connection.timeout", (int) connectTimeout.toMillis())
                        .setParam("http.socket.timeout", (int) readTimeout.toMillis()))
                .redirect(RedirectConfig.redirectConfig().followRedirects(false))
                .logConfig(LogConfig.logConfig().blacklistHeader("Authorization", "Cookie", "Set-Cookie",
                        profile.auth().operatorHeader()));
        this.base = new RequestSpecBuilder().setBaseUri(baseUri.toString()).setConfig(config)
                .setAccept(ContentType.JSON).setContentType(ContentType.JSON).build();
        this.operator = new RequestSpecBuilder().addRequestSpecification(base)
                .addHeader(profile.auth().operatorHeader(), profile.auth().operatorPrefix() + operatorSecret.reveal()).build();
    }

    public static RestTargetApi forEnvironment(URI baseUri, EnvironmentConfig env) {
        EnvironmentConfig.Target target = env.target();
        return new RestTargetApi(baseUri, target.profile(), target.operatorSecret(), target.pageSize(),
                target.connectTimeout(), target.readTimeout());
    }

    public URI baseUri() {
        return baseUri;
    }

    @Override
    public boolean supports(String operation) {
        return profile.supports(operation);
    }

    @Override
    public String version() {
        Observation answer = call(base, "version", Map.of(), Map.of());
        requireOk(answer);
        return answer.value("release");
    }

    @Override
    public boolean healthy() {
        try {
            Observation answer = call(base, profile.supports("health") ? "health" : "version", Map.of(), Map.of());
            return answer.ok();
        } catch (TargetUnavailableException e) {
            return false;
        }
    }

    @Override
    public String createPatient(SyntheticPatient patient, String password) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("name", patient.name());
        values.put("dateOfBirth", patient.dateOfBirth().toString());
        values.put("nhsNumber", patient.nhsNumber());
        values.put("username", patient.username());
        values.put("email", patient.email());
        values.put("password", password);
        values.put("externalRef", patient.externalRef());
        Observation answer = call(operator, "createPatient", values, Map.of());
        requireOk(answer);
        return required(answer, "patientId");
    }

    @Override
    public boolean deletePatient(String targetId) {
        Observation answer = call(operator, "deletePatient", Map.of("patientId", targetId), Map.of());
        if (answer.status() == 404) {
            return false;
        }
        requireOk(answer);
        return true;
    }

    @Override
    public List<TargetPatient> listPatients() {
        Operation op = profile.operation("listPatients");
        Response response = send(operator, op, Map.of(), Map.of());
        Observation answer = observe(op, response, Map.of());
        requireOk(answer);
        List<TargetPatient> patients = new ArrayList<>();
        List<Object> items = response.path(op.extractPath("items"));
        for (int i = 0; items != null && i < items.size(); i++) {
            String prefix = op.extractPath("items") + "[" + i + "].";
            patients.add(new TargetPatient(String.valueOf((Object) response.path(prefix + op.extractPath("patientId"))),
                    response.path(prefix + op.extractPath("externalRef")), response.path(prefix + op.extractPath("createdAt"))));
        }
        return patients;
    }

    @Override
    public PatientSession logIn(String patientKey, String username, String password) {
        Operation op = profile.operation("login");
        Response response = send(base, op, Map.of("username", username, "password", password), Map.of());
        Observation answer = observe(op, response, Map.of());
        if (answer.status() == 401 || answer.status() == 403) {
            throw new TargetUnavailableException(answer.request(), answer.status(),
                    "the target refused the login of synthetic patient " + patientKey, null);
        }
        requireOk(answer);
        String credential = "cookie".equals(profile.auth().patientStyle())
                ? response.getCookie(profile.auth().cookieName())
                : response.path(profile.auth().tokenPath());
        if (credential == null || credential.isBlank()) {
            throw new TargetUnavailableException(answer.request(), answer.status(),
                    "login answered without a " + ("cookie".equals(profile.auth().patientStyle()) ? "session cookie" : "token at " + profile.auth().tokenPath()), null);
        }
        return new PatientSession(patientKey, username, credential);
    }

    @Override
    public Observation whoAmI(PatientSession session) {
        return call(as(session), "whoAmI", Map.of(), Map.of());
    }

    @Override
    public String book(PatientSession session, PlannedConsultation consultation) {
        Observation answer = call(as(session), "book",
                Map.of("slot", consultation.slot().toString(), "clinician", consultation.clinician()), Map.of());
        requireOk(answer);
        return required(answer, "consultationId");
    }

    @Override
    public List<String> start(String consultationId) {
        return recordingIds(call(operator, "start", Map.of("consultationId", consultationId), Map.of()));
    }

    @Override
    public List<String> switchToVideo(String consultationId) {
        return recordingIds(call(operator, "switchToVideo", Map.of("consultationId", consultationId), Map.of()));
    }

    @Override
    public List<String> complete(String consultationId) {
        return recordingIds(call(operator, "complete", Map.of("consultationId", consultationId), Map.of()));
    }

    @Override
    public ReplayListing listReplays(PatientSession session, Map<String, String> extraQuery) {
        Operation op = profile.operation("listReplays");
        Pagination paging = profile.pagination();
        RequestSpecification caller = as(session);
        List<String> ids = new ArrayList<>();
        List<Observation> pages = new ArrayList<>();
        Integer total = null;
        String nextLink = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            Map<String, String> query = new LinkedHashMap<>(extraQuery);
            Response response;
            if ("next-link".equals(paging.style()) && nextLink != null) {
                response = follow(caller, op, nextLink, query);
            } else {
                switch (paging.style()) {
                    case "page-size" -> {
                        query.put(paging.pageParam(), String.valueOf(paging.firstPage() + page));
                        query.put(paging.sizeParam(), String.valueOf(pageSize));
                    }
                    case "offset-limit" -> {
                        query.put(paging.offsetParam(), String.valueOf(page * pageSize));
                        query.put(paging.limitParam(), String.valueOf(pageSize));
                    }
                    default -> query.put(paging.sizeParam(), String.valueOf(pageSize));
                }
                response = send(caller, op, Map.of(), query);
            }
            Observation observation = observe(op, response, Map.of());
            pages.add(observation);
            requireOk(observation);
            List<Object> pageIds = listAt(response, paging.itemsPath() + "." + paging.itemIdPath(), observation);
            pageIds.forEach(id -> ids.add(String.valueOf(id)));
            if (paging.totalPath() != null && total == null) {
                Object reported = response.path(paging.totalPath());
                total = reported instanceof Number n ? n.intValue() : null;
            }
            if (paging.nextPath() != null) {
                nextLink = response.path(paging.nextPath());
                if (nextLink == null || nextLink.isBlank()) {
                    return new ReplayListing(ids, pages, total);
                }
                if (!"next-link".equals(paging.style())) {
                    continue;
                }
            } else if (pageIds.size() < pageSize || (total != null && ids.size() >= total)) {
                return new ReplayListing(ids, pages, total);
            }
            if (pageIds.isEmpty()) {
                return new ReplayListing(ids, pages, total);
            }
        }
        throw new TargetUnavailableException(op.method() + " " + op.path(), 200,
                "the listing did not end after " + MAX_PAGES + " pages", null);
    }

    @Override
    public Observation openReplay(PatientSession session, String recordingId, Map<String, String> extraQuery) {
        return call(as(session), "openReplay", Map.of("recordingId", recordingId), extraQuery);
    }

    @Override
    public Observation openMedia(PatientSession session, String recordingId, Map<String, String> extraQuery) {
        return call(as(session), "openMedia", Map.of("recordingId", recordingId), extraQuery);
    }

    // --- interpretation of the profile ---

    private RequestSpecification as(PatientSession session) {
        RequestSpecBuilder builder = new RequestSpecBuilder().addRequestSpecification(base);
        if ("cookie".equals(profile.auth().patientStyle())) {
            builder.addCookie(profile.auth().cookieName(), session.credential());
        } else {
            builder.addHeader("Authorization", "Bearer " + session.credential());
        }
        return builder.build();
    }

    private Observation call(RequestSpecification who, String operation, Map<String, String> values, Map<String, String> query) {
        Operation op = profile.operation(operation);
        return observe(op, send(who, op, values, query), values);
    }

    private Response send(RequestSpecification who, Operation op, Map<String, String> values, Map<String, String> query) {
        String path = fillPath(op.path(), values);
        RequestSpecification request = RestAssured.given().spec(who).urlEncodingEnabled(true);
        if (!query.isEmpty()) {
            request.queryParams(query);
        }
        if (op.body() != null && !op.body().isNull()) {
            request.body(render(op.body(), values).toString());
        }
        try {
            return request.request(op.method(), path);
        } catch (RuntimeException e) {
            throw unreachable(op.method() + " " + path, e);
        }
    }

    private Response follow(RequestSpecification who, Operation op, String link, Map<String, String> query) {
        URI next = baseUri.resolve(link);
        if (!sameOrigin(next)) {
            throw new TargetUnavailableException(op.method() + " " + op.path(), 200,
                    "the listing's next link points to another origin (" + next.getHost() + "); Cordon does not follow it", null);
        }
        RequestSpecification request = RestAssured.given().spec(who).urlEncodingEnabled(false);
        if (!query.isEmpty()) {
            request.queryParams(query);
        }
        try {
            return request.request(op.method(), next.getRawPath() + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery()));
        } catch (RuntimeException e) {
            throw unreachable(op.method() + " " + next.getRawPath(), e);
        }
    }

    private boolean sameOrigin(URI other) {
        return baseUri.getHost().equalsIgnoreCase(other.getHost()) && effectivePort(baseUri) == effectivePort(other);
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    private static TargetUnavailableException unreachable(String request, RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return new TargetUnavailableException(request, -1, "no answer (" + root.getClass().getSimpleName() + ": "
                + root.getMessage() + ")", e);
    }

    private Observation observe(Operation op, Response response, Map<String, String> values) {
        Map<String, Object> extracted = new LinkedHashMap<>();
        String contentType = response.getContentType();
        if (contentType != null && contentType.contains("json") && response.statusCode() < 300) {
            for (Map.Entry<String, String> e : op.extract().entrySet()) {
                try {
                    Object value = response.path(e.getValue());
                    if (value != null) {
                        extracted.put(e.getKey(), value);
                    }
                } catch (RuntimeException ignored) {
                    // A path that does not match this answer's shape extracts nothing; checks treat that as missing.
                }
            }
        }
        return new Observation(op.name(), op.method(), fillPath(op.path(), values), response.statusCode(),
                response.getHeader("Cache-Control"), contentType, response.getTime(), extracted);
    }

    private static List<Object> listAt(Response response, String path, Observation observation) {
        Object value;
        try {
            value = response.path(path);
        } catch (RuntimeException e) {
            throw new TargetUnavailableException(observation.request(), observation.status(),
                    "the answer has no list at " + path, e);
        }
        if (value == null) {
            return List.of();
        }
        if (value instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        return List.of(value);
    }

    private static List<String> recordingIds(Observation answer) {
        requireOk(answer);
        Object ids = answer.extracted().get("recordingIds");
        List<String> result = new ArrayList<>();
        if (ids instanceof Collection<?> c) {
            c.forEach(id -> result.add(String.valueOf(id)));
        } else if (ids != null) {
            result.add(String.valueOf(ids));
        }
        return result;
    }

    private static void requireOk(Observation answer) {
        if (!answer.ok()) {
            throw new TargetUnavailableException(answer.request(), answer.status(), "answered " + answer.status(), null);
        }
    }

    private static String required(Observation answer, String key) {
        String value = answer.value(key);
        if (value == null) {
            throw new TargetUnavailableException(answer.request(), answer.status(),
                    "the answer holds no " + key + " where the profile says it is", null);
        }
        return value;
    }

    static String fillPath(String template, Map<String, String> values) {
        String path = template;
        for (Map.Entry<String, String> e : values.entrySet()) {
            path = path.replace("{" + e.getKey() + "}", URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return path;
    }

    /** Replaces ${name} in every string of a body template; a string that is only a placeholder takes the value whole. */
    static JsonNode render(JsonNode template, Map<String, String> values) {
        if (template.isTextual()) {
            Matcher m = PLACEHOLDER.matcher(template.asText());
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = values.get(m.group(1));
                if (value == null) {
                    throw new IllegalStateException("body template uses ${" + m.group(1) + "}, which this operation does not provide");
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return TextNode.valueOf(out.toString());
        }
        if (template.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            template.fields().forEachRemaining(e -> copy.set(e.getKey(), render(e.getValue(), values)));
            return copy;
        }
        if (template.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            template.forEach(item -> copy.add(render(item, values)));
            return copy;
        }
        return template;
    }
}
