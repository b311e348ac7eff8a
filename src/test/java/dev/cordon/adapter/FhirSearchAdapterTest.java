package dev.cordon.adapter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cordon.config.Secret;
import dev.cordon.profile.Profile;
import dev.cordon.profile.ProfileLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HTTP adapter driven by the shipped fhir-r4 profile against a small real HTTP server on loopback that answers
 * like a FHIR server: the SMART-style password grant is sent form-encoded and its access_token becomes the bearer of
 * every later request; a search is read page by page through the Bundle's absolute next link; the related things each
 * page carries are collected per page; a next link to another origin is never followed.
 */
class FhirSearchAdapterTest {
    private HttpServer server;
    private String base;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String nextLink;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        nextLink = base + "/fhir?_getpages=abc&_getpagesoffset=2&_count=2&_bundletype=searchset";
        server.createContext("/fhir/auth/token", this::token);
        server.createContext("/fhir", this::search);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void token(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!"application/x-www-form-urlencoded".equals(type) || !"password".equals(form.get("grant_type"))
                || !"patient/*.read".equals(form.get("scope"))) {
            reply(exchange, 400, "{'error':'invalid_request'}");
        } else if (!"ada".equals(form.get("username")) || !"s3cret pass&word".equals(form.get("password"))) {
            reply(exchange, 401, "{'error':'invalid_grant'}");
        } else {
            reply(exchange, 200, "{'access_token':'tok-ada','token_type':'Bearer','patient':'11'}");
        }
    }

    private void search(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestURI().toString();
        requests.add(target + " auth=" + exchange.getRequestHeaders().getFirst("Authorization"));
        if (target.contains("patient=Patient%2F12") || target.startsWith("/fhir?_getpages=gone")) {
            reply(exchange, 403, "{'resourceType':'OperationOutcome'}");
        } else if (target.startsWith("/fhir/Media?")) {
            reply(exchange, 200, "{'resourceType':'Bundle','type':'searchset','link':[{'relation':'self','url':'" + base + target
                    + "'},{'relation':'next','url':'" + nextLink + "'}],'entry':["
                    + "{'search':{'mode':'match'},'resource':{'resourceType':'Media','id':'1'}},"
                    + "{'search':{'mode':'match'},'resource':{'resourceType':'Media','id':'3'}},"
                    + "{'search':{'mode':'include'},'resource':{'resourceType':'Patient','id':'11'}}]}");
        } else if (target.startsWith("/fhir?_getpages=abc")) {
            reply(exchange, 200, "{'resourceType':'Bundle','type':'searchset','link':[{'relation':'self','url':'x'}],'entry':["
                    + "{'search':{'mode':'match'},'resource':{'resourceType':'Media','id':'5'}},"
                    + "{'search':{'mode':'include'},'resource':{'resourceType':'Patient','id':'12'}}]}");
        } else {
            reply(exchange, 404, "{'resourceType':'OperationOutcome'}");
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new java.util.HashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return form;
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/fhir+json;charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private HttpTargetApi api() {
        Profile profile = ProfileLoader.load(Path.of("environments/profiles/fhir-r4.yaml"));
        return new HttpTargetApi(URI.create(base + "/"), profile, Secret.of("operator-secret-for-test", "test"), 2,
                new HttpEngine(Duration.ofSeconds(2), Duration.ofSeconds(5), 4, HttpEngine.RetryPolicy.NONE));
    }

    private static final Map<String, String> ADA = Map.of("username", "ada", "password", "s3cret pass&word", "patientId", "11");

    @Test
    void passwordGrantIsFormEncodedAndItsTokenIsTheBearerOfEveryPage() {
        HttpTargetApi api = api();
        PatientSession session = api.logIn("B0001", ADA);
        Profile.Listing listing = api.profile().resource("media").listings().get("withPatient");
        ItemListing seen = api.list(listing, session, ADA, Map.of(), Map.of());

        assertThat(requests).hasSize(2).allMatch(r -> r.endsWith(" auth=Bearer tok-ada"));
        assertThat(requests.get(0)).startsWith("/fhir/Media?patient=Patient%2F11&_include=Media%3Asubject&_count=2");
        assertThat(requests.get(1)).as("the next link, as given").startsWith("/fhir?_getpages=abc&_getpagesoffset=2");
        assertThat(seen.itemIds()).containsExactly("1", "3", "5");
        assertThat(seen.relatedIds(Profile.ACCOUNTS)).containsExactly("11", "12");
        assertThat(seen.whereSeenRelated(Profile.ACCOUNTS, "12")).startsWith("page 2 (GET /fhir?_getpages=abc");
        assertThat(seen.whereSeen("5")).startsWith("page 2");
    }

    @Test
    void aWrongPasswordIsARefusedLoginNotASession() {
        Map<String, String> wrong = Map.of("username", "ada", "password", "wrong", "patientId", "11");
        assertThatThrownBy(() -> api().logIn("B0001", wrong)).isInstanceOf(LoginRefusedException.class);
    }

    @Test
    void aRefusedFirstRequestIsARefusedListingButARefusedLaterPageIsNot() {
        HttpTargetApi api = api();
        PatientSession session = api.logIn("B0001", ADA);
        Profile.Listing listing = api.profile().resource("media").listings().get("search");
        assertThatThrownBy(() -> api.list(listing, session, ADA, Map.of("patient", "Patient/12"), Map.of()))
                .isInstanceOf(ListingRefusedException.class).hasMessageContaining("403");
        nextLink = base + "/fhir?_getpages=gone";
        assertThatThrownBy(() -> api.list(listing, session, ADA, Map.of(), Map.of()))
                .isInstanceOf(TargetUnavailableException.class).isNotInstanceOf(ListingRefusedException.class)
                .hasMessageContaining("_getpages=gone");
    }

    @Test
    void aNextLinkToAnotherOriginIsNotFollowed() {
        nextLink = "http://other.invalid/fhir?_getpages=abc";
        HttpTargetApi api = api();
        PatientSession session = api.logIn("B0001", ADA);
        Profile.Listing listing = api.profile().resource("media").listings().get("search");
        assertThatThrownBy(() -> api.list(listing, session, ADA, Map.of(), Map.of()))
                .isInstanceOf(TargetUnavailableException.class).hasMessageContaining("another origin");
        assertThat(requests).as("only the first page was requested").hasSize(1);
    }
}
