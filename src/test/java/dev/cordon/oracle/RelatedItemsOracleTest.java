package dev.cordon.oracle;

import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerHeader;
import dev.cordon.ledger.LedgerItem;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.profile.Profile;
import dev.cordon.adapter.ItemListing;
import dev.cordon.adapter.Observation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Related things a listing's answers carry (a FHIR search's included Patient and Encounter resources) are held against
 * the ledger like the listing's own items: another synthetic patient's is a breach, an unknown one is reported, and an
 * absent one is not missing. Both sides: the same comparison is silent on a clean answer.
 */
class RelatedItemsOracleTest {
    @TempDir
    Path dir;
    Ledger ledger;
    LedgerPatient ada;
    LedgerPatient bob;

    private static final Profile.Resource MEDIA = new Profile.Resource("media", "Media", "Media", null, List.of(), Map.of(),
            Map.of(), Map.of());

    @BeforeEach
    void ledger() {
        ledger = Ledger.create(dir.resolve("l.jsonl"), new LedgerHeader("r", "fhir", "t", "1.4.0", 1, "now", null, 2));
        ada = new LedgerPatient("B0001", "before-update", "11", "ada", null, "ref", "9990000018", "t", null);
        bob = new LedgerPatient("B0002", "before-update", "12", "bob", null, "ref", "9990000026", "t", null);
        ledger.recordPatient(ada);
        ledger.recordPatient(bob);
        ledger.recordItem(new LedgerItem("media", "1", "B0001", "before-update", "media#1", false));
        ledger.recordItem(new LedgerItem("media", "2", "B0002", "before-update", "media#1", false));
        ledger.recordItem(new LedgerItem("encounter", "1", "B0001", "before-update", "media#1", false));
        ledger.recordItem(new LedgerItem("encounter", "2", "B0002", "before-update", "media#1", false));
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    private static ItemListing twoPages(List<String> mediaIds, Map<String, List<String>> page1, Map<String, List<String>> page2) {
        List<Observation> pages = List.of(
                new Observation("media listing withPatient", "GET", "/fhir/Media?patient=Patient%2F11&_count=1", 200, "no-store", "application/fhir+json", 1, Map.of()),
                new Observation("media listing withPatient", "GET", "/fhir?_getpages=abc&_getpagesoffset=1", 200, "no-store", "application/fhir+json", 1, Map.of()));
        return new ItemListing("withPatient", mediaIds, pages, List.of(mediaIds, List.of()), null, List.of(page1, page2));
    }

    private List<Finding> judge(LedgerPatient caller, ItemListing seen) {
        return new ListingOracle(ledger).compare(caller, MEDIA, seen);
    }

    @Test
    void ownPatientRecordAndOwnEncounterAreClean() {
        assertThat(judge(ada, twoPages(List.of("1"), Map.of(Profile.ACCOUNTS, List.of("11")), Map.of("encounter", List.of("1")))))
                .isEmpty();
        assertThat(judge(ada, twoPages(List.of("1"), Map.of(Profile.ACCOUNTS, List.of()), Map.of())))
                .as("an include holds only what is referenced: nothing related is not missing").isEmpty();
    }

    @Test
    void anotherPatientsIncludedPatientRecordIsForeignAndNamesThePage() {
        List<Finding> findings = judge(ada, twoPages(List.of("1"), Map.of(Profile.ACCOUNTS, List.of("11")),
                Map.of(Profile.ACCOUNTS, List.of("12"))));
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.FOREIGN_IN_LISTING);
            assertThat(f.summary()).contains("related patient record(s)", "12 (rightful owner B0002)", "page 2 (GET /fhir?_getpages=abc");
            assertThat(f.evidence()).containsEntry("related", Profile.ACCOUNTS);
        });
    }

    @Test
    void anotherPatientsEncounterIsForeignAndAnUnknownOneIsReported() {
        List<Finding> findings = judge(ada, twoPages(List.of("1"), Map.of("encounter", List.of("1", "2")), Map.of("encounter", List.of("77"))));
        assertThat(findings).extracting(Finding::kind).containsExactly(FindingKind.FOREIGN_IN_LISTING, FindingKind.UNKNOWN_IN_LISTING);
        assertThat(findings.get(0).summary()).contains("2 (rightful owner B0002)").doesNotContain("1 (rightful");
        assertThat(findings.get(1).summary()).contains("[77]");
    }

    @Test
    void relatedFindingsComeBesideTheListingsOwn() {
        List<Finding> findings = judge(bob, twoPages(List.of("1", "2"), Map.of(Profile.ACCOUNTS, List.of("11", "12")), Map.of()));
        assertThat(findings).extracting(Finding::kind).containsExactly(FindingKind.FOREIGN_IN_LISTING, FindingKind.FOREIGN_IN_LISTING);
        assertThat(findings.get(0).summary()).contains("1 Media of other patients");
        assertThat(findings.get(1).summary()).contains("1 related patient record(s)", "11 (rightful owner B0001)");
    }
}
