package dev.cordon.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VerdictPageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String XSS = "<img src=x onerror=\"fetch('http://127.0.0.1:9/x')\"><script>fetch('http://127.0.0.1:9/s')</script>";

    static JsonNode breach(String id) throws Exception {
        return JSON.readTree("""
                {"runId":"20261125-1","environment":"local","phase":"rehearse","verdict":"BREACH","exitCode":1,
                 "target":"http://127.0.0.1:1","releases":{"from":"1.4.0","to":"2.0.0","observedAtSeed":"1.4.0","observedAtEnd":"2.0.0"},
                 "faults":["switch-owner-by-slot"],"seed":20200601,"population":{"patients":6,"consultationsPerPatient":3},
                 "uiChecked":false,
                 "counts":{"patientsChecked":6,"listingsChecked":6,"foreignProbes":12,"sessionsChecked":0,
                           "scenarios":{"passed":8,"failed":2,"skipped":0,"deselected":1},"findings":2,
                           "findingsByKind":{"FOREIGN_IN_LISTING":1,"MISSING_FROM_LISTING":1}},
                 "coverage":{"recording":{"listings":{"replays":{"checked":true,"why":"declared","patients":6,"items":18}},
                                          "openers":{"media":{"checked":"not-applicable","why":"no media in this profile"},
                                                     "replay":{"checked":false,"why":"5xx from the target"}},
                                          "probes":[{"name":"write","checked":true,"patients":2,"items":2}]},
                             "odd":"not an object"},
                 "notes":["scenario did not pass: x"],
                 "findings":[{"kind":"FOREIGN_IN_LISTING","category":"Isolation breach","patient":"p-1",
                              "summary":"p-1 sees %s","evidence":{"foreign":["%s"],"authorization":"Bearer abcdefghijklmnop","note":"Bearer abcdefghijklmnopq"}},
                             {"kind":"MISSING_FROM_LISTING","category":"Data loss","patient":"p-2","summary":"p-2 misses rec-2","evidence":{"missing":["rec-2"]}}]}
                """.formatted(JSON.writeValueAsString(id).replaceAll("^\"|\"$", ""), JSON.writeValueAsString(id).replaceAll("^\"|\"$", "")));
    }

    @Test
    void theVerdictComesFirstAndEverythingFromTheTargetIsText() throws Exception {
        String html = VerdictPage.html(breach(XSS), "index.html");
        assertThat(html.indexOf("VERDICT BREACH (exit 1)")).isLessThan(html.indexOf("Coverage"));
        assertThat(html).doesNotContain("<img", "<script", "onerror=\"").contains("&lt;img src=x onerror=&quot;fetch(");
        assertThat(html).contains("release 1.4.0 → 2.0.0").contains("6 patients × 3 consultations");
        assertThat(html).as("redacted").doesNotContain("abcdefghijklmnop").contains("[redacted]");
        assertThat(html).contains("Content-Security-Policy").contains("default-src 'none'").doesNotContain("script-src");
    }

    @Test
    void theCoverageMapShowsEveryEntryItFindsWhateverItsShape() throws Exception {
        List<String[]> rows = VerdictPage.coverageRows(breach("rec-1").path("coverage"));
        assertThat(rows).extracting(r -> r[0] + "/" + r[1] + "/" + r[2] + "=" + r[3]).containsExactly(
                "recording/listings/replays=checked", "recording/openers/media=not applicable",
                "recording/openers/replay=unverified", "recording/probes/write=checked");
        assertThat(VerdictPage.coverageRows(JSON.readTree("[1,2]"))).isEmpty();
        assertThat(VerdictPage.coverageRows(JSON.readTree("{}").path("coverage"))).isEmpty();
    }

    @Test
    void theComplianceMappingSaysWhichChecksFailedPassedOrDidNotRun() throws Exception {
        String html = VerdictPage.html(breach("rec-1"), "index.html");
        String listing = rowOf(html, "Replay listings hold only the caller");
        assertThat(listing).contains("HIPAA §164.312(a)(1)").contains("A.8.29").contains("GDPR Art. 32(1)(d)").contains("FAILED: 1 finding(s)");
        assertThat(rowOf(html, "No patient opens another patient")).contains("passed: no findings");
        assertThat(rowOf(html, "Every session is its own")).contains("not checked in this run");
        assertThat(rowOf(html, "Only synthetic, traceable test data")).contains("A.8.33");
        assertThat(rowOf(html, "A record of who owns what")).contains("HIPAA §164.312(b)");
    }

    @Test
    void aCleanRunSaysNoFindingsAndASummaryWithoutSectionsStillRenders() throws Exception {
        JsonNode pass = JSON.readTree("{\"verdict\":\"PASS\",\"exitCode\":0,\"counts\":{\"listingsChecked\":3,\"findingsByKind\":{}}}");
        String html = VerdictPage.html(pass, "index.html");
        assertThat(html).contains("VERDICT PASS (exit 0)").contains("No findings.").contains("passed: no findings");
        assertThat(VerdictPage.banner(pass, "verdict.html")).contains("cordon-verdict_pass").contains("no findings");
        assertThat(VerdictPage.html(JSON.readTree("{}"), "index.html")).contains("VERDICT UNKNOWN");
    }

    @Test
    void theBannerIsEscapedToo() throws Exception {
        JsonNode summary = breach(XSS);
        ((com.fasterxml.jackson.databind.node.ObjectNode) summary.path("releases")).put("to", XSS);
        assertThat(VerdictPage.banner(summary, "verdict.html")).doesNotContain("<img", "<script").contains("&lt;script&gt;")
                .contains("cordon-verdict_fail");
        assertThat(VerdictPage.description(summary)).doesNotContain("<img", "<script");
    }

    /** summary.json as the gate writes it: the coverage map is a list of entries, not a nested object. */
    static JsonNode defaultRun() throws Exception {
        dev.cordon.oracle.CoverageMap map = dev.cordon.oracle.CoverageMap.of(dev.cordon.profile.ProfileLoader.load(
                java.nio.file.Path.of("environments/profiles/reference-clinic.yaml")));
        map.entry("listing", "recording", "replay").checked(96, 320, 192);
        map.entry("opener", "recording", "media").unverified();
        var summary = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree("""
                {"verdict":"PASS","exitCode":0,"counts":{"patientsChecked":96,"accountBatchRequests":12,"accountsReconciled":0,
                 "itemsReconciled":0,"someNewCounter":3,"scenarios":{"passed":9,"failed":0,"notApplicable":2,"deselected":1,"skipped":0},
                 "traffic":{"requests":1703,"retries":0,"backoffs":0},"findings":0,"findingsByKind":{}},
                 "scenarios":[{"name":"Listings - The document listing","where":"features/x.feature:15","outcome":"notApplicable","why":"no documents before 2.1.0"}]}
                """);
        summary.putObject("coverage").put("profile", "reference-clinic").set("entries", JSON.valueToTree(map.asList()));
        return summary;
    }

    @Test
    void everyCoverageEntryOfSummaryJsonIsARowOfThePage() throws Exception {
        JsonNode summary = defaultRun();
        JsonNode entries = summary.path("coverage").path("entries");
        assertThat(entries.size()).as("the reference clinic's profile declares a map").isGreaterThan(10);
        String html = VerdictPage.html(summary, "index.html");
        assertThat(html).doesNotContain("coverage map is empty");
        assertThat(VerdictPage.coverageRows(summary.path("coverage"))).hasSize(entries.size());
        for (JsonNode entry : entries) {
            String status = entry.path("status").asText().replace('-', ' ');
            assertThat(html).as("the page shows %s", entry.path("what").asText())
                    .contains("<td>" + VerdictPage.esc(entry.path("name").asText()) + "</td><td class=\"")
                    .containsPattern("<td>" + java.util.regex.Pattern.quote(VerdictPage.esc(entry.path("name").asText()))
                            + "</td><td class=\"\\w+\">" + java.util.regex.Pattern.quote(status) + "</td>");
        }
        assertThat(html).contains("listing</td><td>replay</td><td class=\"good\">checked</td><td class=\"num\">96</td><td class=\"num\">320</td>")
                .contains("opener</td><td>media</td><td class=\"bad\">unverified</td>")
                .contains("every resource</td><td>tampering: query parameter</td>");
    }

    @Test
    void scenariosAreCountedInOneVocabularyAndEveryCounterInWords() throws Exception {
        String html = VerdictPage.html(defaultRun(), "index.html");
        assertThat(html).contains("Scenarios: 9 passed, 0 failed, 2 not applicable, 1 deselected")
                .contains("The document listing").contains("not applicable</td><td>no documents before 2.1.0");
        assertThat(html).doesNotContain("skipped", "accountBatchRequests", "accountsReconciled", "itemsReconciled", "someNewCounter", ">requests<")
                .contains("requests that created several accounts at once").contains("HTTP requests sent").contains("some new counter");
        // Every counter the gate writes has words of its own, not the fallback.
        for (String key : List.of(dev.cordon.oracle.Coverage.PATIENTS_CHECKED, dev.cordon.oracle.Coverage.RECORDINGS_EXPECTED,
                dev.cordon.oracle.Coverage.LISTINGS_CHECKED, dev.cordon.oracle.Coverage.PAGES_FETCHED, dev.cordon.oracle.Coverage.OWN_OPENS,
                dev.cordon.oracle.Coverage.FOREIGN_PROBES, dev.cordon.oracle.Coverage.SESSIONS_CHECKED, dev.cordon.oracle.Coverage.PATIENTS_SEEDED,
                dev.cordon.oracle.Coverage.RECORDINGS_SEEDED, dev.cordon.oracle.IsolationChecks.CROSSTALK_PROBES,
                dev.cordon.oracle.IsolationChecks.TAMPERING_PROBES, dev.cordon.oracle.IsolationChecks.CACHE_RESPONSES_CHECKED,
                dev.cordon.oracle.IsolationChecks.WRITE_PROBES, dev.cordon.ui.ReplaysPageCheck.UI_PAGES_CHECKED,
                dev.cordon.ui.ReplaysPageCheck.UI_PATIENTS_CHECKED, "accountBatchRequests", "accountsReconciled", "itemsReconciled",
                "traffic.requests", "traffic.retries", "traffic.backoffs", "scenarios.notApplicable")) {
            assertThat(CounterWords.known(key)).as("words for %s", key).isTrue();
        }
    }

    private static String rowOf(String html, String start) {
        int at = html.indexOf("<tr><td>" + start);
        assertThat(at).as("row " + start).isPositive();
        return html.substring(at, html.indexOf("</tr>", at));
    }
}
