package dev.cordon.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Secrets are found by shape, whatever the value is and wherever it came from; what is no secret stays readable. */
class RedactionTest {
    private static final String SECRET = "S3cr3tValue42";

    @Test
    void aHeaderInsideJsonOrHtmlTextIsRedactedAndTheTextStaysWhole() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String html = "<pre>{\n  &quot;authenticatedBy&quot; : &quot;Authorization: Bearer " + SECRET + "&quot;\n}</pre><td class=\"good\">passed</td>";
        String file = json.writeValueAsString(java.util.Map.of("description", html, "status", "failed"));
        String redacted = Redaction.text(file);
        assertThat(redacted).doesNotContain(SECRET);
        assertThat(json.readTree(redacted).path("status").asText()).as("still JSON: %s", redacted).isEqualTo("failed");
        assertThat(json.readTree(redacted).path("description").asText()).contains("class=\"good\"");
    }

    @Test
    void userInfoInAnyUrlLikeStringIsRedactedAlsoWhenMalformed() {
        for (String url : new String[] {"https://user:" + SECRET + "@staging.example.test/api", "http:/user:" + SECRET + "@host:8080",
                "http:user:" + SECRET + "@host", "http:\\\\user:" + SECRET + "@host", "HTTP://" + SECRET + "@host",
                "postgres://cordon:" + SECRET + "@db:5432/x", "jdbc:postgresql://u:" + SECRET + "@db/x"}) {
            String said = Redaction.text("key 'deployment.baseUrl': expected an http(s) URL, found '" + url + "'");
            assertThat(said).as(url).doesNotContain(SECRET).contains(Redaction.MARK);
            assertThat(Redaction.carriesUserInfo(url)).as(url).isTrue();
        }
    }

    @Test
    void credentialQueryParametersHeadersAndTokensAreRedacted() {
        String[] texts = {"GET /api/replays?page=1&access_token=" + SECRET + "&size=5", "https://h/x?token=" + SECRET,
                "https://h/x?api_key=" + SECRET, "https://h/x#id_token=" + SECRET, "/cb?code=" + SECRET + "&state=1",
                "Authorization: Bearer " + SECRET, "cookie=SESSION=" + SECRET, "{\"Cookie\": \"sid=" + SECRET + "\"}",
                "{\"refresh_token\":\"" + SECRET + "\"}", "sent Basic " + SECRET};
        for (String text : texts) {
            assertThat(Redaction.text(text)).as(text).doesNotContain(SECRET).contains(Redaction.MARK);
        }
        assertThat(Redaction.text("GET /api/replays?page=1&access_token=" + SECRET + "&size=5")).contains("page=1", "&size=5");
    }

    @Test
    void whatIsNoSecretStaysAsItIs() {
        String[] texts = {"http://127.0.0.1:8080/api/replays?page=2&size=5", "patient p-0001 (p0001.cordon@patients.cordon.invalid)",
                "externalRef cordon-synthetic:20261205-101010-abc123", "note:alice@example.test", "VERDICT PASS (exit 0): 12 patients",
                "{\"sessionsChecked\":12,\"tokenCount\":3}"};
        for (String text : texts) {
            assertThat(Redaction.text(text)).as(text).isEqualTo(text);
        }
    }

    @Test
    void jsonFieldsNamedLikeSecretsLoseTheirValues() throws Exception {
        var node = new ObjectMapper().readTree("{\"password\":\"" + SECRET + "\",\"evidence\":{\"request\":\"GET /x?token=" + SECRET
                + "\",\"apiKey\":\"" + SECRET + "\",\"sessionsChecked\":4}}");
        String out = Redaction.json(node).toString();
        assertThat(out).doesNotContain(SECRET).contains("\"sessionsChecked\":4");
    }

    @Test
    void theConsoleRedactsEveryLineWhateverPrintsIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream console = Redaction.console(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        console.printf("target %s runs release 2.0.0%n", "http://u:" + SECRET + "@127.0.0.1:9/?access_token=" + SECRET);
        console.print("progress 10/20 https://h/?token=" + SECRET + "\r");
        console.print("a partial line ?api_key=" + SECRET);
        console.flush();
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed).doesNotContain(SECRET).contains("runs release 2.0.0", "progress 10/20", "a partial line");
    }
}
