package dev.cordon.oracle;

import dev.cordon.adapter.Observation;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.oracle.CachePolicyOracle.Authentication;
import dev.cordon.profile.Profile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.cordon.oracle.CachePolicyOracle.judge;
import static org.assertj.core.api.Assertions.assertThat;

/** The cache rule of RFC 9111, both sides: what a shared cache may store is a finding, what it may not is none. */
class CachePolicyOracleTest {
    private static final Authentication AUTHORIZATION = Authentication.AUTHORIZATION_HEADER;
    private static final Authentication OTHER = Authentication.OTHER;
    private final LedgerPatient ada = new LedgerPatient("B0001", "before-update", "11", "ada", null, "ref", "9990000018", "t", null);

    @Test
    void anAuthorizationRequestsAnswerWithoutCacheControlIsNotStorableByASharedCache() {
        assertThat(judge(null, AUTHORIZATION).storable()).as("§3.5: no Cache-Control").isFalse();
        assertThat(judge(null, AUTHORIZATION).noted()).as("said in the coverage map").isTrue();
        assertThat(judge("max-age=60", AUTHORIZATION).storable()).as("§3.5: max-age alone").isFalse();
        assertThat(judge(null, AUTHORIZATION).rule()).contains("§3.5");
    }

    @Test
    void publicSMaxageAndMustRevalidateLetASharedCacheStoreAnAuthorizationRequestsAnswer() {
        assertThat(judge("public, max-age=300", AUTHORIZATION).storable()).isTrue();
        assertThat(judge("public, max-age=300", AUTHORIZATION).rule()).contains("public").contains("§5.2.2.9");
        assertThat(judge("max-age=0, s-maxage=0", AUTHORIZATION).storable()).isTrue();
        assertThat(judge("S-MaxAge=60", AUTHORIZATION).storable()).isTrue();
        assertThat(judge("must-revalidate", AUTHORIZATION).storable()).isTrue();
        assertThat(judge("must-revalidate", AUTHORIZATION).rule()).contains("§3.5");
    }

    @Test
    void noStoreAndPrivateKeepEveryAnswerOutOfSharedCaches() {
        for (Authentication auth : Authentication.values()) {
            assertThat(judge("no-store", auth).storable()).isFalse();
            assertThat(judge("private, max-age=60", auth).storable()).isFalse();
            assertThat(judge("no-store, public", auth).storable()).as("no-store wins: no cache stores it").isFalse();
            assertThat(judge("private, must-revalidate", auth).storable()).isFalse();
        }
        assertThat(judge("no-store", OTHER).noted()).isFalse();
    }

    @Test
    void aCookieOrCustomHeaderRequestsAnswerNeedsNoStoreOrPrivate() {
        assertThat(judge(null, OTHER).storable()).as("cookie session, no Cache-Control").isTrue();
        assertThat(judge(null, OTHER).rule()).contains("without an Authorization header");
        assertThat(judge("max-age=60", OTHER).storable()).isTrue();
        assertThat(judge("no-cache", OTHER).storable()).as("no-cache still stores").isTrue();
        assertThat(judge("public", OTHER).storable()).isTrue();
        assertThat(judge("x-private-ish", OTHER).storable()).as("a directive is matched whole, not as a substring").isTrue();
    }

    @Test
    void theSessionStyleDecidesHowAnswersAreJudged() {
        assertThat(CachePolicyOracle.authenticationOf(new Profile.Session("bearer", null, null, "Authorization", "Bearer ")))
                .isEqualTo(AUTHORIZATION);
        assertThat(CachePolicyOracle.authenticationOf(new Profile.Session("header", null, null, "authorization", "Token ")))
                .isEqualTo(AUTHORIZATION);
        assertThat(CachePolicyOracle.authenticationOf(new Profile.Session("header", null, null, "X-Auth-Token", "")))
                .isEqualTo(OTHER);
        assertThat(CachePolicyOracle.authenticationOf(new Profile.Session("cookie", null, "sid", null, null))).isEqualTo(OTHER);
    }

    @Test
    void theFindingQuotesTheHeadersAndNamesTheRule() {
        List<Observation> answers = List.of(answer("/api/replays?page=0", null), answer("/api/me", "no-store"));
        CachePolicyOracle bearer = new CachePolicyOracle(new Profile.Session("bearer", null, null, "Authorization", "Bearer "));
        CachePolicyOracle.Outcome clean = bearer.judge(ada, answers);
        assertThat(clean.finding()).as("bearer target without Cache-Control").isEmpty();
        assertThat(clean.notedAuthorizationOnly()).isEqualTo(1);

        CachePolicyOracle cookie = new CachePolicyOracle(new Profile.Session("cookie", null, "sid", null, null));
        Finding finding = cookie.judge(ada, answers).finding().orElseThrow();
        assertThat(finding.kind()).isEqualTo(FindingKind.CACHEABLE_PRIVATE_RESPONSE);
        assertThat(finding.evidence().get("authenticatedBy").toString()).contains("session cookie sid");
        assertThat(finding.evidence().get("rule").toString()).contains("RFC 9111");
        assertThat(((Map<?, ?>) finding.evidence().get("responses")).keySet().stream().map(String::valueOf).toList()).containsExactly("GET /api/replays?page=0");
        assertThat(((Map<?, ?>) finding.evidence().get("responses")).values().iterator().next().toString())
                .startsWith("Cache-Control: (none)");

        Finding marked = bearer.judge(ada, List.of(answer("/api/me", "public, max-age=300"))).finding().orElseThrow();
        assertThat(marked.summary()).contains("Cache-Control: public, max-age=300").contains("§5.2.2.9");
        assertThat(bearer.judge(ada, List.of(new Observation("me", "GET", "/api/me", 404, "public", "application/json", 1, Map.of())))
                .finding()).as("a refusal is not a private answer").isEmpty();
    }

    private static Observation answer(String path, String cacheControl) {
        return new Observation("listing", "GET", path, 200, cacheControl, "application/json", 1, Map.of());
    }
}
