package dev.cordon.gate;

import dev.cordon.GateProcess;
import dev.cordon.GateProcess.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Extending Cordon, as CI runs it (docs/extending.md): the worked example for the FHIR face — a step of one's own on
 * REST Assured among them — passes on the clean release with every REST Assured exchange attached to the Allure results
 * and no credential in any of them; the profile-words checks fire on a profile whose sign-out does not end the session
 * and whose filtered listing the clinic does not filter (both sides: the clean profile passes them in ReleaseGateIT's
 * runs and in the first test here).
 */
class ExtendingIT {
    /** A bearer credential in a header or a page: what must never reach the report. */
    private static final Pattern BEARER = Pattern.compile("Bearer\\s+[A-Za-z0-9._~+/=-]{8,}");
    private final GateProcess gate = GateProcess.forThisProject();

    @TempDir
    Path dir;

    @Test
    void theWorkedExampleRunsWithItsRestAssuredExchangesInTheReportAndNoSecret() throws Exception {
        Outcome outcome = gate.run(Map.of(), "--env", "fhir", "--patients", "4", "--skip-ui", "--no-report", "--tags", "@example");
        assertThat(outcome.exitCode()).as(outcome.console()).isZero();
        assertThat(outcome.summary().at("/counts/scenarios/passed").asInt()).as(outcome.console()).isEqualTo(3);
        List<String> exchanges = new ArrayList<>();
        List<String> leaks = new ArrayList<>();
        // Allure writes where allure.properties says, relative to the gate's working directory: this project.
        try (Stream<Path> files = Files.list(gate.projectDir().resolve("target/allure-results"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(file);
                if (text.contains("/fhir/Patient/")) {
                    exchanges.add(file.getFileName().toString());
                }
                Matcher bearer = BEARER.matcher(text);
                if (bearer.find()) {
                    leaks.add(file.getFileName() + ": " + bearer.group().substring(0, 12) + "…");
                }
                if (Pattern.compile("(?i)authorization\\W{0,40}Bearer").matcher(text).find()) {
                    leaks.add(file.getFileName() + ": an Authorization header with its value");
                }
            }
        }
        assertThat(exchanges).as("REST Assured exchanges of the custom step attached by AllureRestAssured").hasSizeGreaterThanOrEqualTo(8);
        assertThat(leaks).as("credentials in the Allure results").isEmpty();
        assertThat(BEARER.matcher(outcome.console()).find()).as("a credential on the console").isFalse();
    }

    @Test
    void aSignOutThatKeepsTheSessionAndAnIgnoredFilterAreFindings() throws Exception {
        GateProcess.copyTree(gate.projectDir().resolve("environments"), dir.resolve("environments"));
        Path profile = dir.resolve("environments/profiles/reference-clinic.yaml");
        String yaml = Files.readString(profile);
        // A "sign-out" that ends nothing, and a filter the clinic's replay listing does not know (it returns everything).
        yaml = yaml.replace("signOut: { as: patient, method: POST, path: /api/logout }", "signOut: { as: patient, method: GET, path: /api/me }");
        String openers = "    openers:\n      replay: { path: \"/api/replays/{id}\" }";
        yaml = yaml.replace(openers, String.join("\n",
                "    filtered:",
                "      oneConsultation:",
                "        path: /api/replays",
                "        query: { recording: \"${recording}\" }",
                "        items: \"$.items[*]\"",
                "        id: $.id",
                "        filter: { by: recording }") + "\n" + openers);
        assertThat(yaml).contains("oneConsultation", "path: /api/me }");
        Files.writeString(profile, yaml);
        Outcome outcome = gate.runIn(dir, Map.of(), "--env", "local", "--patients", "4", "--consultations", "2", "--skip-ui",
                "--no-report", "--tags", "@isolation and not @video-switch");
        assertThat(outcome.exitCode()).as(outcome.console()).isEqualTo(1);
        assertThat(outcome.kinds()).as(outcome.console()).contains("FILTER_IGNORED", "SESSION_OUTLIVES_SIGN_OUT")
                .doesNotContain("UNVERIFIED", "FOREIGN_IN_LISTING", "MISSING_FROM_LISTING");
        assertThat(outcome.console()).contains("FILTER_IGNORED=", "SESSION_OUTLIVES_SIGN_OUT=");
        String categories = Files.readString(dir.resolve("target/allure-results/categories.json"));
        assertThat(categories).as("a custom category is filed in the report").contains("Listing filter", "FILTER_IGNORED");
    }
}
