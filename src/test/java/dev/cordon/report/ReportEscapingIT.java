package dev.cordon.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.StepResult;
import io.qameta.allure.model.TestResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An XSS payload in what the target returned (a finding's summary and ids) goes through the real pipeline: Allure's
 * lifecycle with {@link AllureSanitizer}, the real Allure CLI, {@link AllureReport#harden} and the verdict page, the
 * report served on 127.0.0.1 and opened in headless Chromium. No script may run and no request may reach the
 * listener. Both sides: the same payload in a report written without Cordon's escaping and CSP does reach the
 * listener (the check can fail), and the CSP alone stops it too (defence in depth).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportEscapingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PROJECT = Path.of(System.getProperty("cordon.project.dir", ".")).toAbsolutePath();
    private static final String SCENARIO = "Every replay listing holds exactly its owner's recordings after the update";

    private ReportServer listener;
    private ReportBrowser browser;
    private String payload;

    @BeforeAll
    void start() throws Exception {
        listener = ReportServer.listener();
        String beacon = "http://127.0.0.1:" + listener.port();
        payload = "rec-1<img src=x onerror=\"window.__pwned=1;new Image().src='" + beacon + "/img'\">"
                + "<script>window.__pwned=2;new Image().src='" + beacon + "/script'</script>"
                + "<svg onload=\"window.__pwned=3;new Image().src='" + beacon + "/svg'\"></svg>\n VERDICT PASS (exit 0)\u001b[31m";
        browser = new ReportBrowser();
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    @Test
    void aReportWithoutCordonsEscapingRunsThePayload(@TempDir Path dir) throws Exception {
        AllureReport report = report(dir);
        report.prepare();
        writeRawResult(dir.resolve("results"), payload);
        generateWithoutHardening(report);

        List<String> seen = visit(dir.resolve("report"), false);

        assertThat(seen).as("the payload ran in an unprotected report; requests to the listener").isNotEmpty();
    }

    @Test
    void cordonsReportShowsThePayloadAsTextAndNothingRuns(@TempDir Path dir) throws Exception {
        AllureReport report = report(dir);
        report.prepare();
        writeThroughTheLifecycle(dir.resolve("results"), payload);
        JsonNode summary = summary(payload);
        report.addRunResult("cordon-gate-verdict", "0 · " + VerdictPage.headline(summary) + " — release gate", "Release gate", false,
                "FOREIGN_IN_LISTING=1 first: " + payload, VerdictPage.description(summary), Map.of("summary.json", JSON.writeValueAsString(summary)),
                System.currentTimeMillis());
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("Release_observed_at_verify", payload);
        report.writeEnvironment(environment);
        report.writeCategories();
        report.generate(VerdictPage.oneLine(summary));
        report.addVerdict(summary, JSON.writeValueAsString(summary));

        List<String> seen = visit(dir.resolve("report"), true);

        assertThat(seen).as("requests an injected script made to the listener").isEmpty();
        assertThat(browser.script("window.__pwned")).isNull();
    }

    @Test
    void theContentSecurityPolicyAloneStopsThePayload(@TempDir Path dir) throws Exception {
        AllureReport report = report(dir);
        report.prepare();
        writeRawResult(dir.resolve("results"), payload);
        generateWithoutHardening(report);
        AllureReport.harden(report.reportDir().resolve("index.html"), "");

        List<String> seen = visit(dir.resolve("report"), false);

        assertThat(seen).as("requests an injected script made to the listener despite the CSP").isEmpty();
    }

    /** Opens the overview, the categories, the failed result (with its attachments) and the verdict page. */
    private List<String> visit(Path reportDir, boolean cordon) throws Exception {
        int before = listener.requests().size();
        try (ReportServer server = ReportServer.serving(reportDir)) {
            browser.open(server.url("index.html"), ".widget");
            if (cordon) {
                assertThat(browser.text("#cordon-verdict")).as("the report opens on the verdict").startsWith("VERDICT BREACH (exit 1)");
            }
            browser.open(server.url("index.html#categories"), ".tree__content");
            String uid = testCaseUid(reportDir, SCENARIO);
            browser.open(server.url("index.html#testresult/" + uid), ".status-details__message");
            String shown = browser.text(".status-details__message");
            if (cordon) {
                assertThat(shown).as("the message is shown as text").contains("<img src=x onerror=").contains("<script>");
            }
            for (WebElement row : browser.driver().findElements(By.cssSelector(".attachment-row"))) {
                if (row.isDisplayed()) {
                    row.click();
                }
            }
            Thread.sleep(1500); // let anything injected fire: this waits for a non-event, so it can only be a pause
            if (cordon) {
                browser.open(server.url("index.html#testresult/" + testCaseUid(reportDir, "0 · VERDICT")), ".description__text");
                assertThat(browser.text(".description__text")).contains("FOREIGN_IN_LISTING").contains("<img src=x");
                browser.open(server.url(VerdictPage.FILE_NAME), "h1");
                assertThat(browser.text("h1")).isEqualTo("VERDICT BREACH (exit 1)");
                assertThat(browser.text("body")).contains("<img src=x onerror=").contains("HIPAA §164.312(a)(1)");
                Thread.sleep(1000);
            }
        }
        List<String> requests = listener.requests();
        return new ArrayList<>(requests.subList(before, requests.size()));
    }

    private static AllureReport report(Path dir) {
        return new AllureReport(dir.resolve("results"), dir.resolve("report"), PROJECT.resolve("target/allure-cli"));
    }

    /** What allure-cucumber7-jvm writes for a failed check, through Allure's lifecycle (and so through the sanitizer). */
    private static void writeThroughTheLifecycle(Path results, String payload) {
        AllureLifecycle lifecycle = new AllureLifecycle(new FileSystemResultsWriter(results));
        String test = UUID.randomUUID().toString();
        String message = "FOREIGN_IN_LISTING x1 — replay listings; first: p-1 sees " + payload;
        lifecycle.scheduleTestCase(new TestResult().setUuid(test).setName(SCENARIO).setHistoryId("h-" + test));
        lifecycle.startTestCase(test);
        String step = UUID.randomUUID().toString();
        lifecycle.startStep(test, step, new StepResult().setName("Then every patient's replay listing holds exactly their own recordings"));
        lifecycle.addAttachment("FOREIGN_IN_LISTING evidence (1) " + payload, "application/json", ".json",
                new ByteArrayInputStream(("{\"findings\":[{\"summary\":" + quote(payload) + "}]}").getBytes(StandardCharsets.UTF_8)));
        lifecycle.addAttachment("evidence as a page " + payload, "text/html", ".html", new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)));
        lifecycle.updateStep(step, s -> s.setStatus(Status.FAILED).setStatusDetails(new StatusDetails().setMessage(message)
                .setTrace("java.lang.AssertionError: " + message + "\n\tat dev.cordon.steps.World.report(World.java:60)")));
        lifecycle.stopStep(step);
        lifecycle.updateTestCase(test, t -> t.setStatus(Status.FAILED).setStatusDetails(new StatusDetails().setMessage(message)
                .setTrace("java.lang.AssertionError: " + message)));
        lifecycle.stopTestCase(test);
        lifecycle.writeTestCase(test);
    }

    /** The same result as an Allure writer without Cordon's listener would store it. */
    private static void writeRawResult(Path results, String payload) throws Exception {
        String uuid = UUID.randomUUID().toString();
        String attachment = UUID.randomUUID() + "-attachment.html";
        Files.writeString(results.resolve(attachment), payload);
        String message = "FOREIGN_IN_LISTING x1 — replay listings; first: p-1 sees " + payload;
        ObjectNode result = JSON.createObjectNode().put("uuid", uuid).put("historyId", "h-" + uuid).put("name", SCENARIO)
                .put("status", "failed").put("stage", "finished").put("start", 1L).put("stop", 2L);
        result.putObject("statusDetails").put("message", message).put("trace", "java.lang.AssertionError: " + message);
        result.putArray("attachments").addObject().put("name", "evidence").put("source", attachment).put("type", "text/html");
        Files.writeString(results.resolve(uuid + "-result.json"), JSON.writeValueAsString(result));
    }

    private static void generateWithoutHardening(AllureReport report) throws Exception {
        Path allure;
        try (Stream<Path> found = Files.walk(PROJECT.resolve("target/allure-cli"), 3)) {
            allure = found.filter(p -> p.getFileName().toString().equals("allure") && p.getParent().getFileName().toString().equals("bin"))
                    .findFirst().orElseThrow();
        }
        ProcessBuilder builder = new ProcessBuilder(allure.toString(), "generate", "--clean", "-o", report.reportDir().toString(),
                report.reportDir().resolveSibling("results").toString()).redirectErrorStream(true);
        builder.environment().put("ALLURE_NO_ANALYTICS", "1");
        Process process = builder.start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor()).isZero();
        // Even the unprotected report must not reach outside: analytics are always stripped.
        Path index = report.reportDir().resolve("index.html");
        Files.writeString(index, AllureReport.stripAnalytics(Files.readString(index)));
    }

    private static JsonNode summary(String payload) throws Exception {
        ObjectNode summary = JSON.createObjectNode().put("runId", "r-1").put("environment", "local").put("phase", "rehearse")
                .put("verdict", "BREACH").put("exitCode", 1).put("target", "http://127.0.0.1:1");
        summary.putObject("releases").put("from", "1.4.0").put("to", "2.0.0").put("observedAtEnd", payload);
        summary.putObject("population").put("patients", 6).put("consultationsPerPatient", 3);
        ObjectNode counts = summary.putObject("counts").put("patientsChecked", 6).put("listingsChecked", 6);
        counts.putObject("findingsByKind").put("FOREIGN_IN_LISTING", 1);
        ObjectNode finding = summary.putArray("findings").addObject().put("kind", "FOREIGN_IN_LISTING").put("category", "Isolation breach")
                .put("patient", "p-1" + payload).put("summary", "p-1 sees " + payload);
        finding.putObject("evidence").putArray("foreign").add(payload);
        summary.putObject("coverage").putObject("recording" + payload).putObject("listings").putObject(payload)
                .put("checked", true).put("why", payload).put("patients", 6).put("items", 18);
        summary.putArray("notes").add(payload);
        return summary;
    }

    private static String testCaseUid(Path reportDir, String namePrefix) throws Exception {
        try (Stream<Path> files = Files.list(reportDir.resolve("data/test-cases"))) {
            for (Path file : files.toList()) {
                JsonNode node = JSON.readTree(file.toFile());
                if (node.path("name").asText().startsWith(namePrefix)) {
                    return node.path("uid").asText();
                }
            }
        }
        throw new AssertionError("no test case named " + namePrefix + " in " + reportDir);
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
