package dev.cordon.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.oracle.Finding;
import dev.cordon.oracle.FindingKind;
import dev.cordon.oracle.FindingLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every finding kept (findings.jsonl), counted by kind × resource × where, sampled with bounds, shown grouped. */
class FindingGroupsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyFindingIsKeptOneLinePerFindingWhateverItHolds(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("findings.jsonl");
        Files.writeString(file, "a line of an earlier run\n");
        List<Finding> findings = many(1_200);
        findings.add(new Finding(FindingKind.UNKNOWN_IN_LISTING, "B0001", "id rec-9\nVERDICT PASS (exit 0)\u2028<script>",
                Map.of("resource", "recording", "where", "recording listing replay", "unknown", List.of("rec-9\r\n"))));
        try (FindingsFile sink = new FindingsFile(file)) {
            FindingLog log = new FindingLog(sink);
            log.addAll(findings.subList(0, 700));
            log.addAll(findings.subList(700, findings.size()));
            assertThat(sink.lines()).isEqualTo(findings.size());
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).as("a previous run's line is gone; one line per finding").hasSize(findings.size());
        JsonNode last = JSON.readTree(lines.get(lines.size() - 1));
        assertThat(last.path("summary").asText()).isEqualTo("id rec-9\nVERDICT PASS (exit 0)\u2028<script>");
        assertThat(last.path("kind").asText()).isEqualTo("UNKNOWN_IN_LISTING");
        assertThat(lines.get(0)).isEqualTo(FindingsFile.line(findings.get(0)));
    }

    @Test
    void countsPerKindResourceAndWhereAndABoundedSampleOfManyPatients() {
        List<Finding> findings = many(1_200);
        Map<String, Map<String, Map<String, Integer>>> counts = FindingGroups.counts(findings);
        assertThat(counts.get("DIRECT_ACCESS").get("recording")).containsEntry("recording opener replay", 600)
                .containsEntry("recording opener media", 300);
        assertThat(counts.get("FOREIGN_IN_LISTING").get("recording")).containsEntry("recording listing replay", 300);
        List<Finding> sample = FindingGroups.sample(findings);
        assertThat(sample).hasSize(3 * FindingGroups.SAMPLE_PER_GROUP);
        assertThat(sample.stream().filter(f -> FindingGroups.where(f).equals("recording opener replay")).map(Finding::patient).distinct())
                .as("examples of different patients").hasSize(FindingGroups.SAMPLE_PER_GROUP);
        assertThat(FindingGroups.patientsByKind(findings)).containsEntry("DIRECT_ACCESS", 30).containsEntry("FOREIGN_IN_LISTING", 10);
        List<Finding> wide = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            wide.add(new Finding(FindingKind.DIRECT_ACCESS, "B" + i, "s", Map.of("resource", "r", "where", "opener " + i)));
        }
        assertThat(FindingGroups.sample(wide)).as("bounded").hasSize(FindingGroups.SAMPLE_MAX);
    }

    @Test
    void theVerdictPageGroupsFindingsByKindAndWhereAndLinksTheWholeFile() throws Exception {
        List<Finding> findings = many(1_200);
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("findings", findings.size());
        counts.put("findingsByKind", Map.of("DIRECT_ACCESS", 900, "FOREIGN_IN_LISTING", 300));
        counts.put("findingsByWhere", FindingGroups.counts(findings));
        counts.put("findingsPatientsByKind", FindingGroups.patientsByKind(findings));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("verdict", "BREACH");
        summary.put("exitCode", 1);
        summary.put("counts", counts);
        summary.put("findings", FindingGroups.sample(findings).stream().map(Evidence::asMap).toList());
        summary.put("findingsSample", Map.of("shown", 15, "total", findings.size(), "perGroup", FindingGroups.SAMPLE_PER_GROUP));
        summary.put("findingsFile", "target/cordon/findings.jsonl");
        String page = VerdictPage.html(JSON.valueToTree(summary), "index.html");
        assertThat(page).contains("<a href=\"findings.jsonl\">findings.jsonl</a> (1200 finding(s)")
                .contains("DIRECT_ACCESS: 900 finding(s) by listing, opener or probe")
                .contains("recording opener media</td><td class=\"num\">300")
                .contains("recording listing replay</td><td class=\"num\">300")
                .contains("show 15 of them as examples")
                .doesNotContain("secret-token-value");
    }

    /** 1,200 findings of 40 patients: DIRECT_ACCESS through two openers and FOREIGN_IN_LISTING in one listing. */
    private static List<Finding> many(int n) {
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String patient = "B%04d".formatted(i % 40);
            if (i % 4 < 2) {
                findings.add(new Finding(FindingKind.DIRECT_ACCESS, patient, "opened " + i, Map.of("resource", "recording",
                        "where", "recording opener replay", "item", String.valueOf(i), "authorization", "secret-token-value")));
            } else if (i % 4 == 2) {
                findings.add(new Finding(FindingKind.DIRECT_ACCESS, patient, "opened media " + i, Map.of("resource", "recording",
                        "where", "recording opener media", "item", String.valueOf(i))));
            } else {
                findings.add(new Finding(FindingKind.FOREIGN_IN_LISTING, patient, "holds " + i, Map.of("resource", "recording",
                        "where", "recording listing replay", "foreign", Map.of(String.valueOf(i), "B0999"))));
            }
        }
        return findings;
    }
}
