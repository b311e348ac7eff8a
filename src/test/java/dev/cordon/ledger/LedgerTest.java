package dev.cordon.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LedgerTest {
    @TempDir
    Path dir;

    private Path seedLedger() {
        Path file = dir.resolve("ledger.jsonl");
        try (Ledger ledger = Ledger.create(file, new LedgerHeader("run-1", "local", "http://127.0.0.1:1", "1.4.0", 42, "2026-11-24T00:00:00Z", null, 2))) {
            ledger.recordPatient(new LedgerPatient("B0001", "before-update", "11", "ada", null, "cordon-synthetic:run-1", "9990000018", "t", null));
            ledger.recordPatient(new LedgerPatient("B0002", "before-update", "12", "bob", null, "cordon-synthetic:run-1", "9990000026", "t", null));
            ledger.recordItem(new LedgerItem("recording", "101", "B0001", "before-update", "recording#1", false));
            ledger.recordItem(new LedgerItem("recording", "102", "B0002", "before-update", "recording#1", false));
        }
        return file;
    }

    @Test
    void roundTripsThroughALaterProcess() {
        Ledger loaded = Ledger.load(seedLedger());
        assertThat(loaded.header().runId()).isEqualTo("run-1");
        assertThat(loaded.header().releaseAtSeed()).isEqualTo("1.4.0");
        assertThat(loaded.patients()).extracting(LedgerPatient::key).containsExactly("B0001", "B0002");
        assertThat(loaded.itemsOf("B0001", "recording")).containsExactly("101");
        assertThat(loaded.item("recording", "102")).get().extracting(LedgerItem::patientKey).isEqualTo("B0002");
        assertThat(loaded.patientByTargetId("12")).get().extracting(LedgerPatient::key).isEqualTo("B0002");
        loaded.close();
    }

    @Test
    void cohortsReadOneAfterTheOtherSkipEmptyOnes() {
        assertThat(ListView.concat(java.util.List.of(java.util.List.of("a"), java.util.List.<String>of(), java.util.List.of("b", "c"),
                java.util.List.<String>of()))).containsExactly("a", "b", "c");
        assertThat(ListView.concat(java.util.List.of(java.util.List.<String>of(), java.util.List.of("x")))).containsExactly("x");
    }

    @Test
    void sacrificialItemsAreTheOwnersButNoListingMustHoldThem() {
        Path file = seedLedger();
        try (Ledger ledger = Ledger.load(file)) {
            ledger.recordItem(new LedgerItem("recording", "105", "B0001", "before-update", LedgerItem.SACRIFICIAL + "rename:recording", false));
            ledger.recordItem(new LedgerItem("recording", "106", "B0002", "before-update",
                    LedgerItem.SACRIFICIAL + LedgerItem.DELETE_PROOF + ":recording", false));
        }
        try (Ledger loaded = Ledger.load(file)) {
            assertThat(loaded.itemsOf("B0001", "recording")).as("what B0001's listings must hold").containsExactly("101");
            assertThat(loaded.items("recording")).extracting(LedgerItem::itemId).as("what samples may pick").containsExactly("101", "102");
            assertThat(loaded.item("recording", "105")).get().extracting(LedgerItem::patientKey).isEqualTo("B0001");
            assertThat(loaded.sacrificialItems("recording")).extracting(LedgerItem::itemId, LedgerItem::sacrificedFor)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("105", "rename"), org.assertj.core.groups.Tuple.tuple("106", "delete-proof"));
        }
    }

    @Test
    void anOwnerKeyFromSetUpReplacesTheFirstRecordAndFixturesAreRecordedOnce() {
        Path file = seedLedger();
        try (Ledger ledger = Ledger.load(file)) {
            ledger.recordPatient(new LedgerPatient("B0003", "before-update", null, "cy", null, "cordon-synthetic:run-1", "9990000034", "t",
                    java.util.Map.of("patientId", "13")));
            assertThat(ledger.patient("B0003")).as("no owner key yet: not a patient any check names").isEmpty();
            assertThat(ledger.anyPatient("B0003")).as("but cleanup finds it").isPresent();
            ledger.recordPatient(new LedgerPatient("B0003", "before-update", "cr-7", "cy", null, "cordon-synthetic:run-1", "9990000034", "t",
                    java.util.Map.of("patientId", "13", "careRecord", "cr-7")));
            ledger.recordFixtures(java.util.Map.of("medication", "med-1"));
        }
        try (Ledger loaded = Ledger.load(file)) {
            assertThat(loaded.patientByTargetId("cr-7")).get().extracting(LedgerPatient::key).isEqualTo("B0003");
            assertThat(loaded.patient("B0003")).get().extracting(p -> p.values().get("careRecord")).isEqualTo("cr-7");
            assertThat(loaded.patients()).extracting(LedgerPatient::key).containsExactly("B0001", "B0002", "B0003");
            assertThat(loaded.fixtures()).containsExactly(java.util.Map.entry("medication", "med-1"));
        }
    }

    @Test
    void aTornLastLineIsSkippedAndCutSoAppendsStayWhole() throws Exception {
        Path file = seedLedger();
        Files.writeString(file, "{\"type\":\"item\",\"resource\":\"recording\",\"itemId\":\"103\",\"patie", StandardOpenOption.APPEND);
        try (Ledger loaded = Ledger.load(file)) {
            assertThat(loaded.skippedTornLines()).isEqualTo(1);
            assertThat(loaded.item("recording", "103")).isEmpty();
            loaded.recordItem(new LedgerItem("recording", "104", "B0001", "after-update", "recording#3", false));
        }
        try (Ledger again = Ledger.load(file)) {
            assertThat(again.skippedTornLines()).as("the fragment stays in the file, marked, and is skipped again").isEqualTo(1);
            assertThat(again.itemsOf("B0001", "recording")).containsExactly("101", "104");
        }
    }

    @Test
    void damageInTheMiddleIsAnErrorNotSilence() throws Exception {
        Path file = seedLedger();
        var lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        lines.set(2, "{broken");
        Files.write(file, lines, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Ledger.load(file)).isInstanceOf(LedgerException.class).hasMessageContaining("line 3");
    }

    @Test
    void aMissingLedgerSaysHowToGetOne() {
        assertThatThrownBy(() -> Ledger.load(dir.resolve("none.jsonl"))).hasMessageContaining("run the seed phase first");
    }

    @Test
    void patientsPastTheKeptWindowAreReadBackFromTheFileWhole() {
        Path file = dir.resolve("streamed.jsonl");
        LedgerHeader header = new LedgerHeader("run-2", "local", "http://127.0.0.1:1", "1.4.0", 42, "2026-11-24T00:00:00Z", null, 5);
        java.util.List<LedgerPatient> written = new java.util.ArrayList<>();
        try (Ledger ledger = Ledger.create(file, header, 2)) {
            for (int i = 1; i <= 5; i++) {
                // Non-ASCII in a record: offsets are bytes, not characters.
                LedgerPatient patient = new LedgerPatient("B000" + i, i <= 3 ? "before-update" : "after-update", "1" + i,
                        "zoë-" + i, "p" + i + "@patients.cordon.invalid", "cordon-synthetic:run-2", "999000001" + i, "t",
                        java.util.Map.of("patientId", "1" + i, "accountId", "a" + i));
                ledger.recordPatient(patient);
                written.add(patient);
                ledger.recordItem(new LedgerItem("recording", "2" + i, patient.key(), patient.cohort(), "recording#1", false));
            }
            assertThat(ledger.patient("B0005")).as("read back while the ledger is being written").contains(written.get(4));
            assertThat(ledger.patients()).containsExactlyElementsOf(written);
        }
        try (Ledger loaded = Ledger.load(file, 1)) {
            assertThat(loaded.patients()).as("every patient, kept or read from its line").containsExactlyElementsOf(written);
            assertThat(loaded.patients("after-update")).containsExactly(written.get(3), written.get(4));
            assertThat(loaded.patientByTargetId("14")).contains(written.get(3));
            assertThat(loaded.patientCount()).isEqualTo(5);
            assertThat(loaded.itemTotal()).isEqualTo(5);
            assertThat(loaded.patientCohorts()).containsExactly("before-update", "after-update");
            assertThat(loaded.items("recording")).extracting(LedgerItem::itemId).containsExactly("21", "22", "23", "24", "25");
            assertThat(loaded.itemsOf("B0004", "recording")).containsExactly("24");
        }
    }

    @Test
    void anItemRecordedAgainReplacesTheFirstRecordEverywhere() {
        Path file = dir.resolve("again.jsonl");
        try (Ledger ledger = Ledger.create(file, new LedgerHeader("run-3", "local", "http://127.0.0.1:1", "1.4.0", 42, "t", null, 1))) {
            ledger.recordPatient(new LedgerPatient("B0001", "before-update", "11", "ada", null, "x", "9990000018", "t", null));
            ledger.recordItem(new LedgerItem("recording", "7", "B0001", "before-update", "recording#1", false, true));
            assertThat(ledger.itemsOf("B0001", "recording")).as("a partial item is not expected in a listing").isEmpty();
            ledger.recordItem(new LedgerItem("recording", "7", "B0001", "before-update", "reconciled", true));
            assertThat(ledger.itemsOf("B0001", "recording")).containsExactly("7");
            assertThat(ledger.itemCount("B0001")).isEqualTo(1);
            assertThat(ledger.item("recording", "7")).get().extracting(LedgerItem::via).isEqualTo("reconciled");
        }
    }
}
