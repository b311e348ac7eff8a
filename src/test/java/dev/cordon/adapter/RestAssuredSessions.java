package dev.cordon.adapter;

import dev.cordon.profile.Profile;
import io.qameta.allure.restassured.AllureRestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.LogConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.filter.FilterContext;
import io.restassured.filter.OrderedFilter;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import io.restassured.specification.RequestSpecification;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A REST Assured request specification per synthetic patient, for steps written by users (docs/extending.md): the
 * target's base URI, the patient's session sent the way the profile says (bearer or token header, or session cookie),
 * the environment's timeouts, and Allure's REST Assured filter attaching every exchange to the report. Nothing static:
 * one immutable specification per patient, never RestAssured's global configuration. The credential is added by a
 * filter that runs after Allure's has recorded the request, so it never reaches an attachment; the headers that could
 * carry one in either direction (Authorization, Cookie, Set-Cookie and the profile's token header) are blacklisted
 * besides, and Allure shows them as "[ BLACKLISTED ]".
 */
public final class RestAssuredSessions {
    private RestAssuredSessions() {
    }

    public static RequestSpecification forPatient(URI baseUri, Profile.Session style, PatientSession session,
                                                  Duration connectTimeout, Duration readTimeout) {
        Set<String> secretHeaders = new LinkedHashSet<>(Set.of("Authorization", "Cookie", "Set-Cookie", "Proxy-Authorization"));
        if (style.header() != null) {
            secretHeaders.add(style.header());
        }
        RestAssuredConfig config = RestAssuredConfig.config()
                .logConfig(LogConfig.logConfig().blacklistHeaders(secretHeaders))
                .httpClient(HttpClientConfig.httpClientConfig()
                        .setParam("http.connection.timeout", (int) connectTimeout.toMillis())
                        .setParam("http.socket.timeout", (int) readTimeout.toMillis()));
        return new RequestSpecBuilder()
                .setBaseUri(baseUri.toString())
                .setConfig(config)
                .addFilter(new AllureRestAssured())
                .addFilter(new Credential(style, session))
                .build();
    }

    /** Adds the session to the request last of all filters (after Allure's has taken its copy of the request). */
    private record Credential(Profile.Session style, PatientSession session) implements OrderedFilter {
        @Override
        public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response, FilterContext ctx) {
            if ("cookie".equals(style.style())) {
                request.header("Cookie", style.cookie() + "=" + session.credential());
            } else {
                request.header(style.header(), style.prefix() + session.credential());
            }
            return ctx.next(request, response);
        }

        @Override
        public int getOrder() {
            return Integer.MAX_VALUE; // Allure's filter has this order too and was added first: it runs before this one
        }

        @Override
        public String toString() {
            return "credential of " + session; // names the patient only
        }
    }
}
