package dev.cordon.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.StepResult;
import io.qameta.allure.model.TestResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Results written by Allure's own lifecycle (as the Cucumber plugin writes them) pass through the sanitizer. */
class AllureSanitizerTest {
    static final String PAYLOAD = "<img src=x onerror=\"fetch('http://127.0.0.1:9/x')\"><script>alert(1)</script> & 'q'\u001b[31m";

    @Test
    void messagesAndTracesFromTheTargetReachTheResultsEscaped(@TempDir Path results) throws Exception {
        AllureLifecycle lifecycle = new AllureLifecycle(new FileSystemResultsWriter(results));
        String test = UUID.randomUUID().toString();
        lifecycle.scheduleTestCase(new TestResult().setUuid(test).setName("Every replay listing holds exactly its owner's recordings\u202e"));
        lifecycle.startTestCase(test);
        String step = UUID.randomUUID().toString();
        lifecycle.startStep(test, step, new StepResult().setName("Then every patient's replay listing holds exactly their own recordings"));
        lifecycle.addAttachment("FOREIGN_IN_LISTING evidence " + PAYLOAD, "text/html", ".html",
                new ByteArrayInputStream(PAYLOAD.getBytes(StandardCharsets.UTF_8)));
        lifecycle.updateStep(step, s -> s.setStatus(Status.FAILED).setStatusDetails(new StatusDetails()
                .setMessage("FOREIGN_IN_LISTING x1 — first: " + PAYLOAD).setTrace("java.lang.AssertionError: " + PAYLOAD + "\n\tat x")));
        lifecycle.stopStep(step);
        lifecycle.updateTestCase(test, t -> t.setStatus(Status.FAILED).setStatusDetails(new StatusDetails().setMessage(PAYLOAD)));
        lifecycle.stopTestCase(test);
        lifecycle.writeTestCase(test);

        JsonNode result = readResult(results);
        assertThat(result.at("/statusDetails/message").asText()).isEqualTo(
                "&lt;img src=x onerror=&quot;fetch(&#39;http://127.0.0.1:9/x&#39;)&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;q&#39;\\x1b[31m");
        JsonNode stepResult = result.at("/steps/0");
        assertThat(stepResult.at("/statusDetails/message").asText()).startsWith("FOREIGN_IN_LISTING x1 — first: &lt;img").doesNotContain("<", ">");
        assertThat(stepResult.at("/statusDetails/trace").asText()).contains("&lt;script&gt;").contains("\n\tat x").doesNotContain("<");
        assertThat(stepResult.at("/attachments/0/type").asText()).as("an HTML attachment would render as a page").isEqualTo("text/plain");
        assertThat(stepResult.at("/attachments/0/name").asText()).doesNotContain("\u001b");
        assertThat(result.path("name").asText()).endsWith("recordings\\u202e");
        // Names are text to the report (it escapes them): they keep their words, without control characters.
        assertThat(stepResult.at("/attachments/0/name").asText()).contains("<script>alert(1)</script>");
    }

    @Test
    void cleanTextIsNotAltered() {
        String message = "FOREIGN_IN_LISTING x2, MISSING_FROM_LISTING x1 — replay listings; first: p-3 sees rec-17 (rightful owner p-4)";
        assertThat(AllureText.markup(message)).isEqualTo(message);
        assertThat(AllureText.markup("line one\n\tline two")).isEqualTo("line one\n\tline two");
        StatusDetails details = AllureSanitizer.details(new StatusDetails().setMessage(message));
        assertThat(details.getMessage()).isEqualTo(message);
    }

    private static JsonNode readResult(Path results) throws Exception {
        try (Stream<Path> files = Files.list(results)) {
            Path file = files.filter(f -> f.toString().endsWith("-result.json")).findFirst().orElseThrow();
            return new ObjectMapper().readTree(file.toFile());
        }
    }
}
