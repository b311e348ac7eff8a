package dev.cordon.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.GateProcess;
import dev.cordon.GateProcess.Outcome;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ownership as the app defines it, on the reference clinic's release 2.2.0 (environment care): each account's care
 * record, made by a set-up step, is the owner key; write probes act on sacrificial items and are judged by the owner's
 * read-back; cleanup deletes every item and account and PASSes only when it reads back that nothing remains. Both
 * sides: the clean release passes and cleans up; a target whose deletes answer 204 and keep the data is caught
 * (KEPT_AFTER_DELETE) and its cleanup is UNVERIFIED (exit 3) naming what remains.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OwnershipIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final GateProcess gate = GateProcess.forThisProject();

    @Test
    @Order(1)
    void careRecordsOwnTheDataAndCleanupReadsBackThatNothingRemains() throws Exception {
        Outcome run = gate.run(Map.of(), "--env", "care", "--patients", "8", "--skip-ui", "--no-report");
        assertThat(run.exitCode()).as(run.console()).isZero();
        List<String> checked = new ArrayList<>();
        run.summary().at("/coverage/entries").forEach(e -> {
            if ("checked".equals(e.path("status").asText())) {
                checked.add(e.path("what").asText());
            }
        });
        assertThat(checked).as("coverage").contains("write-probe consultation/reassign", "delete consultation/delete",
                "delete document/delete", "listing recording/careRecordReplays", "opener careRecord/record");
        // The owner key comes from the set-up step: every checked patient is recorded under its care record.
        List<JsonNode> patients = new ArrayList<>();
        for (String line : Files.readAllLines(gate.projectDir().resolve("target/cordon/ledger.jsonl"))) {
            JsonNode node = JSON.readTree(line);
            if ("patient".equals(node.path("type").asText()) && !node.path("targetId").isNull()) {
                patients.add(node);
            }
        }
        assertThat(patients).isNotEmpty().allSatisfy(p -> assertThat(p.path("targetId").asText())
                .isEqualTo(p.at("/ids/careRecord").asText()));
        String ledger = Files.readString(gate.projectDir().resolve("target/cordon/ledger.jsonl"));
        assertThat(ledger).as("sacrificial items are marked in the ledger").contains("\"via\":\"sacrificial:reassign:consultation\"");

        Outcome cleanup = gate.run(Map.of(), "--env", "care", "--phase", "cleanup", "--no-report");
        assertThat(cleanup.exitCode()).as(cleanup.console()).isZero();
        assertThat(cleanup.console()).contains("cleanup: confirmed, nothing of run").doesNotContain("STILL");
        assertThat(cleanup.console()).containsPattern("care records: \\d+ in the ledger, \\d+ deleted, 0 already gone; read back: \\d+ gone\\n");
    }

    @Test
    @Order(2)
    void deletesThatKeepTheDataAreFoundAndCleanupDoesNotClaimOtherwise() throws Exception {
        Outcome run = gate.run(Map.of(), "--env", "care", "--patients", "6", "--skip-ui", "--no-report", "--fault", "delete-keeps-data");
        assertThat(run.exitCode()).as(run.console()).isEqualTo(1);
        assertThat(run.kinds()).contains("KEPT_AFTER_DELETE").doesNotContain("MISSING_FROM_LISTING", "DIRECT_ACCESS");

        Outcome cleanup = gate.run(Map.of(), "--env", "care", "--phase", "cleanup", "--no-report", "--fault", "delete-keeps-data");
        assertThat(cleanup.exitCode()).as(cleanup.console()).isEqualTo(3);
        assertThat(cleanup.console()).contains("STILL there").contains("cleanup: NOT confirmed").doesNotContain("cleanup: confirmed");
    }
}
