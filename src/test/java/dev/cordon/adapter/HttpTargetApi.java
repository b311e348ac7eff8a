package dev.cordon.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.config.EnvironmentConfig;
import dev.cordon.config.Secret;
import dev.cordon.profile.Profile;
import dev.cordon.profile.Profile.Actor;
import dev.cordon.profile.Profile.Listing;
import dev.cordon.profile.Profile.Opener;
import dev.cordon.profile.Profile.Paging;
import dev.cordon.profile.Profile.Request;
import dev.cordon.profile.Profile.WriteProbe;
import dev.cordon.profile.Templates;
import dev.cordon.profile.ValuePath;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The HTTP adapter: interprets a v2 target profile over {@link HttpEngine}. Specs are built per call from immutable
 * profile data; credentials live only in {@link PatientSession} and the operator secret, never in an observation.
 * Every answer that lacks the shape the profile declares is an error (UNVERIFIED), never an empty listing.
 */
public final class HttpTargetApi implements TargetApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PAGES = 10_000;

    private final URI baseUri;
    private final Profile profile;
    private final Secret operatorSecret;
    private final int pageSize;
    private final HttpEngine engine;
    private volatile String operatorToken;

    public HttpTargetApi(URI baseUri, Profile profile, Secret operatorSecret, int pageSize, HttpEngine engine) {
        this.baseUri = baseUri;
        this.profile = profile;
        this.operatorSecret = operatorSecret;
        this.pageSize = pageSize;
        this.engine = engine;
    }

    public static HttpTargetApi forEnvironment(URI baseUri, EnvironmentConfig env) {
        EnvironmentConfig.Target target = env.target();
        HttpEngine engine = new HttpEngine(target.connectTimeout(), target.readTimeout(), target.answerDeadline(), target.maxInFlight(),
                new HttpEngine.RetryPolicy(target.retryAttempts(), target.retryBackoff(), target.retryBudget()),
                target.keepAliveIdle(), target.network());
        return new HttpTargetApi(baseUri, target.profile(), target.operatorSecret(), target.pageSize(), engine);
    }

    public URI baseUri() {
        return baseUri;
    }

    @Override
    public Profile profile() {
        return profile;
    }

    @Override
    public Map<String, Long> traffic() {
        Map<String, Long> traffic = new LinkedHashMap<>();
        traffic.put("requests", engine.requests());
        traffic.put("retries", engine.retries());
        traffic.put("backoffs", engine.backoffs());
        traffic.put("deadlinesMissed", engine.deadlinesMissed());
        return traffic;
    }

    @Override
    public String version() {
        Profile.Version version = profile.version();
        if (!version.declared()) {
            return null;
        }
        Exchange answer = exchange("version", version.request(), Actor.anonymous, null, Map.of(), Map.of(), Map.of(), true);
        requireOk(answer.observation);
        Optional<String> release = version.header() != null
                ? Optional.ofNullable(answer.reply.header(version.header()))
                : version.json().text(answer.json);
        return release.filter(r -> !r.isBlank()).orElseThrow(() -> new TargetUnavailableException(answer.observation.request(),
                answer.observation.status(), "the answer holds no release at " + (version.header() != null
                ? "header " + version.header() : version.json()), null));
    }

    @Override
    public boolean healthy() {
        try {
            Request probe = profile.health() != null ? profile.health() : profile.version().request();
            if (probe == null) {
                return true;
            }
            return exchange("health", probe, Actor.anonymous, null, Map.of(), Map.of(), Map.of(), false).observation.ok();
        } catch (TargetUnavailableException e) {
            return false;
        }
    }

    @Override
    public StepAnswer perform(String what, Request request, Actor as, PatientSession session, Map<String, String> values) {
        boolean idempotent = "GET".equals(request.method()) || "HEAD".equals(request.method());
        Exchange answer = exchange(what, request, as, session, values, Map.of(), Map.of(), idempotent);
        return new StepAnswer(answer.observation, answer.json);
    }

    @Override
    public StepAnswer createAccounts(String what, Profile.CreateBatch batch, List<Map<String, String>> patients,
                                     Map<String, String> runValues) {
        ArrayNode items = JSON.createArrayNode();
        patients.forEach(values -> items.add(Templates.json(batch.item(), values)));
        JsonNode body = batch.wrapper() == null ? items : JSON.createObjectNode().set(batch.wrapper(), items);
        // The body is built here from filled items; it is never filled again (a value is never read as a template).
        Exchange answer = exchange(what, batch.request(), Actor.operator, null, runValues, Map.of(), Map.of(), false, body);
        return new StepAnswer(answer.observation, answer.json);
    }

    @Override
    public PatientSession logIn(String patientKey, Map<String, String> values) {
        Request login = profile.patients().login();
        // A login changes nothing lasting on the target: it may be repeated when its answer was lost.
        Exchange answer = exchange("login", login, Actor.anonymous, null, values, Map.of(), Map.of(), true);
        int status = answer.observation.status();
        if (status == 401 || status == 403) {
            throw new LoginRefusedException(answer.observation.request(), status,
                    "the target refused the login of synthetic patient " + patientKey);
        }
        requireOk(answer.observation);
        Profile.Session style = profile.patients().session();
        String credential = switch (style.style()) {
            case "cookie" -> cookie(answer.reply, style.cookie());
            default -> style.token().text(answer.json).orElse(null);
        };
        if (credential == null || credential.isBlank()) {
            throw new TargetUnavailableException(answer.observation.request(), status, "login answered without a "
                    + ("cookie".equals(style.style()) ? "session cookie " + style.cookie() : "token at " + style.token()), null);
        }
        return new PatientSession(patientKey, values.get("username"), credential);
    }

    @Override
    public Observation whoAmI(PatientSession session, Map<String, String> accountValues) {
        Exchange answer = exchange("who-am-I", profile.patients().whoAmI(), Actor.patient, session, accountValues, Map.of(),
                Map.of(), true);
        Map<String, Object> extracted = new LinkedHashMap<>();
        if (answer.observation.ok()) {
            String id = answer.json == null ? null : profile.patients().whoAmIId().text(answer.json).orElse(null);
            if (id == null) {
                throw new TargetUnavailableException(answer.observation.request(), answer.observation.status(),
                        "the who-am-I answer has no id at " + profile.patients().whoAmIId() + ": it does not have the declared shape", null);
            }
            extracted.put("id", id);
        }
        return answer.observation.with(extracted);
    }

    @Override
    public ItemListing list(Listing listing, PatientSession session, Map<String, String> values, Map<String, String> extraQuery,
                            Map<String, String> extraHeaders) {
        Paging paging = listing.paging();
        String what = listing.resource() + " listing " + listing.name();
        List<String> ids = new ArrayList<>();
        List<Observation> pages = new ArrayList<>();
        List<List<String>> idsByPage = new ArrayList<>();
        List<Map<String, List<String>>> relatedByPage = new ArrayList<>();
        Integer total = null;
        String next = null;
        java.util.Set<String> seenNext = new java.util.HashSet<>();
        for (int page = 0; page < MAX_PAGES; page++) {
            Map<String, String> query = new LinkedHashMap<>();
            Exchange answer;
            if ("next-link".equals(paging.style()) && next != null) {
                answer = follow(what, listing.request(), session, next, extraQuery, extraHeaders);
            } else {
                switch (paging.style()) {
                    case "page-size" -> {
                        query.put(paging.page(), String.valueOf(paging.first() + page));
                        query.put(paging.size(), String.valueOf(pageSize));
                    }
                    case "offset-limit" -> {
                        query.put(paging.offset(), String.valueOf(page * pageSize));
                        query.put(paging.limit(), String.valueOf(pageSize));
                    }
                    default -> {
                        if (paging.size() != null) {
                            query.put(paging.size(), String.valueOf(pageSize));
                        } else if (paging.limit() != null) {
                            query.put(paging.limit(), String.valueOf(pageSize));
                        }
                        if ("cursor".equals(paging.style()) && next != null) {
                            query.put(paging.cursor(), next);
                        }
                    }
                }
                query.putAll(extraQuery);
                answer = exchange(what, listing.request(), Actor.patient, session, values, query, extraHeaders, true);
            }
            Observation observation = answer.observation;
            pages.add(observation);
            if (page == 0 && observation.status() >= 400 && observation.status() < 500) {
                throw new ListingRefusedException(observation.request(), observation.status());
            }
            requireOk(observation);
            List<String> pageIds = itemIds(listing, answer);
            ids.addAll(pageIds);
            idsByPage.add(pageIds);
            relatedByPage.add(relatedIds(listing, answer));
            if (paging.total() != null && total == null) {
                total = paging.total().text(answer.json).filter(HttpTargetApi::isCount).map(Integer::valueOf).orElse(null);
            }
            switch (paging.style()) {
                case "none" -> {
                    return new ItemListing(listing.name(), ids, pages, idsByPage, total, relatedByPage);
                }
                case "next-link", "cursor" -> {
                    next = paging.next().text(answer.json).filter(s -> !s.isBlank()).orElse(null);
                    if (next == null) {
                        return new ItemListing(listing.name(), ids, pages, idsByPage, total, relatedByPage);
                    }
                    if (!seenNext.add(next)) {
                        throw new TargetUnavailableException(observation.request(), observation.status(),
                                "the listing's next " + ("cursor".equals(paging.style()) ? "cursor" : "link") + " repeats: it does not advance", null);
                    }
                }
                default -> {
                    if (pageIds.size() < pageSize || pageIds.isEmpty() || (total != null && ids.size() >= total)) {
                        return new ItemListing(listing.name(), ids, pages, idsByPage, total, relatedByPage);
                    }
                }
            }
        }
        throw new TargetUnavailableException(what, 200, "the listing did not end after " + MAX_PAGES + " pages", null);
    }

    private static List<String> itemIds(Listing listing, Exchange answer) {
        Observation observation = answer.observation;
        if (answer.json == null) {
            throw new TargetUnavailableException(observation.request(), observation.status(), "the answer is not JSON (content type "
                    + observation.contentType() + "): it does not have the listing's shape", null);
        }
        List<JsonNode> items = listing.items().all(answer.json).orElseThrow(() -> new TargetUnavailableException(
                observation.request(), observation.status(), "the answer has no items at " + listing.items()
                + ": it does not have the listing's shape", null));
        List<String> ids = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            ids.add(listing.id().text(item).orElseThrow(() -> new TargetUnavailableException(observation.request(),
                    observation.status(), "an item of the listing has no id at " + listing.id(), null)));
        }
        return ids;
    }

    /** The ids of each related kind the listing declares on this page; a related path that is absent holds none. */
    private static Map<String, List<String>> relatedIds(Listing listing, Exchange answer) {
        Map<String, List<String>> related = new LinkedHashMap<>();
        for (Profile.Related kind : listing.related().values()) {
            List<String> ids = new ArrayList<>();
            for (JsonNode item : kind.items().all(answer.json).orElse(List.of())) {
                // An entry we cannot identify cannot be judged: the answer lacks the declared shape.
                ids.add(kind.id().text(item).orElseThrow(() -> new TargetUnavailableException(answer.observation.request(),
                        answer.observation.status(), "a related " + kind.name() + " entry of the listing has no id at " + kind.id(), null)));
            }
            related.put(kind.name(), ids);
        }
        return related;
    }

    @Override
    public Observation open(Opener opener, PatientSession session, String itemId, Map<String, String> values,
                            Map<String, String> extraQuery, Map<String, String> extraHeaders) {
        Map<String, String> withId = new LinkedHashMap<>(values);
        withId.put("id", itemId);
        return exchange(opener.resource() + " opener " + opener.name(), opener.request(), Actor.patient, session, withId,
                extraQuery, extraHeaders, true).observation;
    }

    @Override
    public Observation write(WriteProbe probe, PatientSession session, String itemId, Map<String, String> values) {
        Map<String, String> withId = new LinkedHashMap<>(values);
        withId.put("id", itemId);
        return exchange(probe.resource() + " write probe " + probe.name(), probe.request(), Actor.patient, session, withId,
                Map.of(), Map.of(), false).observation;
    }

    @Override
    public Observation write(WriteProbe probe, PatientSession session, String itemId, Map<String, String> values, JsonNode body) {
        Map<String, String> withId = new LinkedHashMap<>(values);
        withId.put("id", itemId);
        // The body is built by the caller from the owner's view; it is sent as it is, never filled as a template.
        return exchange(probe.resource() + " write probe " + probe.name(), probe.request(), Actor.patient, session, withId,
                Map.of(), Map.of(), false, body).observation;
    }

    @Override
    public List<TargetPatient> listPatients() {
        Listing list = profile.patients().list();
        if (list == null) {
            return List.of();
        }
        Exchange answer = exchange("patient list", list.request(), Actor.operator, null, Map.of(), Map.of(), Map.of(), true);
        requireOk(answer.observation);
        if (answer.json == null) {
            throw new TargetUnavailableException(answer.observation.request(), answer.observation.status(), "the patient list is not JSON", null);
        }
        List<TargetPatient> patients = new ArrayList<>();
        for (JsonNode item : list.items().all(answer.json).orElse(List.of())) {
            patients.add(new TargetPatient(list.id().text(item).orElse(null), field(list, "externalRef", item),
                    field(list, "createdAt", item)));
        }
        return patients;
    }

    private static String field(Listing list, String name, JsonNode item) {
        ValuePath path = list.fields().get(name);
        return path == null ? null : path.text(item).orElse(null);
    }

    @Override
    public boolean deletePatient(Map<String, String> accountValues) {
        Request delete = profile.patients().delete();
        if (delete == null) {
            throw new IllegalStateException("the profile " + profile.file() + " declares no patients.delete");
        }
        Exchange answer = exchange("patient delete", delete, Actor.operator, null, accountValues, Map.of(), Map.of(), false);
        if (answer.observation.status() == 404) {
            return false;
        }
        requireOk(answer.observation);
        return true;
    }

    // --- the HTTP exchange ---

    private record Exchange(Observation observation, HttpEngine.Reply reply, JsonNode json) {
    }

    private Exchange exchange(String what, Request request, Actor as, PatientSession session, Map<String, String> values,
                              Map<String, String> extraQuery, Map<String, String> extraHeaders, boolean idempotent) {
        return exchange(what, request, as, session, values, extraQuery, extraHeaders, idempotent, null);
    }

    /** {@code builtBody}: a JSON body built by the caller, sent as it is instead of the request's template (null: none). */
    private Exchange exchange(String what, Request request, Actor as, PatientSession session, Map<String, String> values,
                              Map<String, String> extraQuery, Map<String, String> extraHeaders, boolean idempotent,
                              JsonNode builtBody) {
        String path = Templates.path(request.path(), values);
        StringBuilder query = new StringBuilder();
        Map<String, String> allQuery = new LinkedHashMap<>();
        request.query().forEach((k, v) -> allQuery.put(k, Templates.text(v, values)));
        allQuery.putAll(extraQuery);
        allQuery.forEach((k, v) -> query.append(query.isEmpty() ? "?" : "&").append(encode(k)).append('=').append(encode(v)));
        String target = path + query;
        return send(what, request.method(), target, target, request, as, session, values, extraHeaders, idempotent, builtBody);
    }

    /** Follows a next link, on the same origin only, keeping the extra query parameters on every page. */
    private Exchange follow(String what, Request request, PatientSession session, String link, Map<String, String> extraQuery,
                            Map<String, String> extraHeaders) {
        URI next = baseUri.resolve(link);
        if (!sameOrigin(next)) {
            throw new TargetUnavailableException(request.describe(), 200, "the listing's next link points to another origin ("
                    + next.getHost() + "); Cordon does not follow it", null);
        }
        StringBuilder target = new StringBuilder(next.getRawPath());
        String rawQuery = next.getRawQuery();
        if (rawQuery != null) {
            target.append('?').append(rawQuery);
        }
        for (Map.Entry<String, String> e : extraQuery.entrySet()) {
            if (rawQuery == null || !rawQuery.contains(encode(e.getKey()) + "=")) {
                target.append(target.indexOf("?") < 0 ? '?' : '&').append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            }
        }
        return send(what, "GET", target.toString(), target.toString(), new Request(request.key(), "GET", request.path(), Map.of(),
                request.headers(), null, Map.of(), null), Actor.patient, session, Map.of(), extraHeaders, true, null);
    }

    private Exchange send(String what, String method, String target, String shownPath, Request request, Actor as, PatientSession session,
                          Map<String, String> values, Map<String, String> extraHeaders, boolean idempotent, JsonNode builtBody) {
        Outgoing builder = HttpEngine.to(baseUri, target);
        builder.setHeader("Accept", "application/json, */*;q=0.5");
        request.headers().forEach((k, v) -> builder.setHeader(k, Templates.text(v, values)));
        extraHeaders.forEach(builder::setHeader);
        authorize(builder, as, session);
        byte[] body = builtBody != null ? built(builtBody, builder) : body(request, values, builder);
        builder.method(method, body);
        String describe = method + " " + shownPath;
        HttpEngine.Reply reply = engine.send(builder, describe, idempotent);
        if (reply.status() == 401 && as == Actor.operator && "login".equals(profile.operator().style()) && operatorToken != null) {
            operatorToken = null; // the operator's token expired: log in again once
            Outgoing again = HttpEngine.to(baseUri, target);
            again.setHeader("Accept", "application/json, */*;q=0.5");
            request.headers().forEach((k, v) -> again.setHeader(k, Templates.text(v, values)));
            authorize(again, as, session);
            again.method(method, builtBody != null ? built(builtBody, again) : body(request, values, again));
            reply = engine.send(again, describe, idempotent);
        }
        String contentType = reply.header("Content-Type");
        JsonNode json = null;
        if (contentType != null && contentType.toLowerCase().contains("json") && reply.body().length > 0) {
            try {
                json = JSON.readTree(reply.body());
            } catch (IOException e) {
                json = null; // a truncated or malformed body has no shape: callers treat a missing JSON as UNVERIFIED
            }
        }
        Observation observation = new Observation(what, method, shownPath, reply.status(), reply.header("Cache-Control"),
                contentType, reply.millis(), Map.of(), reply.status() / 100 == 2 ? BodyDigest.of(reply.body()) : null,
                reply.status() / 100 == 2 ? BodyShape.of(contentType, json) : null);
        return new Exchange(observation, reply, json);
    }

    private void authorize(Outgoing builder, Actor as, PatientSession session) {
        switch (as) {
            case operator -> {
                Profile.OperatorAuth auth = profile.operator();
                switch (auth.style()) {
                    case "basic" -> builder.setHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (auth.user() + ":" + operatorSecret.reveal()).getBytes(StandardCharsets.UTF_8)));
                    case "login" -> builder.setHeader(auth.header(), auth.prefix() + operatorToken());
                    default -> builder.setHeader(auth.header(), auth.prefix() + operatorSecret.reveal());
                }
            }
            case patient -> {
                if (session == null) {
                    throw new IllegalStateException("a patient step needs the patient's session");
                }
                Profile.Session style = profile.patients().session();
                switch (style.style()) {
                    case "cookie" -> builder.setHeader("Cookie", style.cookie() + "=" + session.credential());
                    default -> builder.setHeader(style.header(), style.prefix() + session.credential());
                }
            }
            case anonymous -> {
            }
        }
    }

    private synchronized String operatorToken() {
        if (operatorToken == null) {
            Profile.OperatorAuth auth = profile.operator();
            Exchange answer = exchange("operator login", auth.login(), Actor.anonymous, null,
                    Map.of("secret", operatorSecret.reveal()), Map.of(), Map.of(), true);
            requireOk(answer.observation);
            operatorToken = auth.token().text(answer.json).orElseThrow(() -> new TargetUnavailableException(
                    answer.observation.request(), answer.observation.status(), "the operator login answered without a token at "
                    + auth.token(), null));
        }
        return operatorToken;
    }

    private static byte[] built(JsonNode json, Outgoing builder) {
        builder.setHeader("Content-Type", "application/json");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The body of the request (null for none), its Content-Type set on the request. */
    private static byte[] body(Request request, Map<String, String> values, Outgoing builder) {
        if (request.json() != null && !request.json().isNull()) {
            builder.setHeader("Content-Type", "application/json");
            return Templates.json(request.json(), values).toString().getBytes(StandardCharsets.UTF_8);
        }
        if (!request.form().isEmpty()) {
            builder.setHeader("Content-Type", "application/x-www-form-urlencoded");
            StringBuilder form = new StringBuilder();
            request.form().forEach((k, v) -> form.append(form.isEmpty() ? "" : "&").append(encode(k)).append('=')
                    .append(encode(Templates.text(v, values))));
            return form.toString().getBytes(StandardCharsets.UTF_8);
        }
        if (request.multipart() != null) {
            String boundary = "cordon-" + UUID.randomUUID();
            builder.setHeader("Content-Type", "multipart/form-data; boundary=" + boundary);
            return multipart(request.multipart(), values, boundary);
        }
        return null;
    }

    private static byte[] multipart(Profile.Multipart spec, Map<String, String> values, String boundary) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        spec.fields().forEach((k, v) -> write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k
                + "\"\r\n\r\n" + Templates.text(v, values) + "\r\n"));
        String fileName = Templates.text(spec.fileName(), values).replace("\"", "");
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + spec.fileField() + "\"; filename=\""
                + fileName + "\"\r\nContent-Type: " + spec.contentType() + "\r\n\r\n");
        out.writeBytes(SyntheticFile.of(spec.contentType(), values.getOrDefault("runTag", "cordon"), fileName));
        write(out, "\r\n--" + boundary + "--\r\n");
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String cookie(HttpEngine.Reply reply, String name) {
        for (String header : reply.all("Set-Cookie")) {
            String first = header.split(";", 2)[0];
            int eq = first.indexOf('=');
            if (eq > 0 && first.substring(0, eq).trim().equals(name)) {
                return first.substring(eq + 1).trim();
            }
        }
        return null;
    }

    private boolean sameOrigin(URI other) {
        return baseUri.getHost().equalsIgnoreCase(other.getHost()) && effectivePort(baseUri) == effectivePort(other)
                && baseUri.getScheme().equalsIgnoreCase(other.getScheme());
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    private static String encode(String value) {
        return Templates.formEncode(value);
    }

    /** A total the target states: digits only, small enough to count pages with. */
    private static boolean isCount(String text) {
        if (text.isEmpty() || text.length() > 9) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    static void requireOk(Observation answer) {
        if (!answer.ok()) {
            throw new TargetUnavailableException(answer.request(), answer.status(), "answered " + answer.status(), null);
        }
    }
}
