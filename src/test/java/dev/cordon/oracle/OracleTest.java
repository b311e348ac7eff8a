package dev.cordon.oracle;

import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerHeader;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.ledger.LedgerItem;
import dev.cordon.ledger.TamperedVia;
import dev.cordon.profile.Profile;
import dev.cordon.adapter.Observation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Each finding kind from hand-made observations: it fires on the fault's symptom and stays silent on clean data. */
class OracleTest {
    @TempDir
    Path dir;
    Ledger ledger;
    LedgerPatient ada;
    LedgerPatient bob;

    @BeforeEach
    void ledger() {
        ledger = Ledger.create(dir.resolve("l.jsonl"), new LedgerHeader("r", "local", "t", "1.4.0", 1, "now", null, 2));
        ada = new LedgerPatient("B0001", "before-update", "11", "ada", null, "ref", "9990000018", "t", null);
        bob = new LedgerPatient("B0002", "before-update", "12", "Ada", null, "ref", "9990000026", "t", null);
        ledger.recordPatient(ada);
        ledger.recordPatient(bob);
        ledger.recordItem(new LedgerItem("recording", "101", "B0001", "before-update", "recording#1", false));
        ledger.recordItem(new LedgerItem("recording", "102", "B0001", "before-update", "recording#2", false));
        ledger.recordItem(new LedgerItem("recording", "201", "B0002", "before-update", "recording#3", false));
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    private static final Profile.Resource RECORDING = new Profile.Resource("recording", "recording", "recordings", null,
            List.of(), Map.of(), Map.of(), Map.of());

    private List<Finding> listing(LedgerPatient who, String... ids) {
        return new ListingOracle(ledger).compare(who, RECORDING, List.of(ids), null, FindingKind.FOREIGN_IN_LISTING,
                FindingKind.UNKNOWN_IN_LISTING, FindingKind.MISSING_FROM_LISTING, "recording listing replay");
    }

    @Test
    void exactListingIsClean() {
        assertThat(listing(ada, "101", "102")).isEmpty();
        assertThat(listing(ada, "102", "101")).as("order does not matter").isEmpty();
    }

    @Test
    void foreignRecordingNamesItsRightfulOwner() {
        List<Finding> findings = listing(ada, "101", "102", "201");
        assertThat(findings).extracting(Finding::kind).containsExactly(FindingKind.FOREIGN_IN_LISTING);
        assertThat(findings.get(0).evidence().get("foreign")).isEqualTo(Map.of("201", "B0002"));
        assertThat(findings.get(0).summary()).contains("rightful owner B0002");
    }

    /** Bob booked recording 202 sending ownerId naming Ada: it is Bob's, whatever the body said. */
    private void bobMassAssignsToAda() {
        ledger.recordItem(new LedgerItem("recording", "202", "B0002", "before-update",
                new TamperedVia("recording#1", "ownerId", "B0001").via(), false));
    }

    @Test
    void aBodyFieldObeyedIsParameterTamperingAndTheMakerMissesIt() {
        bobMassAssignsToAda();
        List<Finding> findings = listing(ada, "101", "102", "202");
        assertThat(findings).extracting(Finding::kind).containsExactly(FindingKind.PARAMETER_TAMPERING);
        assertThat(findings.get(0).summary()).contains("202 (B0002 sent body field ownerId naming B0001)");
        assertThat(listing(bob, "201")).extracting(Finding::kind).containsExactly(FindingKind.MISSING_FROM_LISTING);
    }

    @Test
    void aBodyFieldIgnoredLeavesTheItemWithItsMakerAndNoFinding() {
        bobMassAssignsToAda();
        assertThat(listing(ada, "101", "102")).isEmpty();
        assertThat(listing(bob, "201", "202")).isEmpty();
    }

    @Test
    void aMassAssignedItemBesideOtherForeignItemsIsForeign() {
        bobMassAssignsToAda();
        List<Finding> findings = listing(ada, "101", "102", "201", "202");
        assertThat(findings).extracting(Finding::kind).containsExactly(FindingKind.FOREIGN_IN_LISTING);
        assertThat(findings.get(0).evidence().get("foreign")).isEqualTo(Map.of("201", "B0002", "202", "B0002"));
    }

    @Test
    void tamperedViaReadsBackWhatItWrote() {
        TamperedVia via = new TamperedVia("recording#1", "patientId", "A0002");
        assertThat(TamperedVia.of(via.via())).contains(via);
        assertThat(TamperedVia.of("recording#1")).isEmpty();
        assertThat(TamperedVia.of("reconciled")).isEmpty();
    }

    @Test
    void unknownItemIsItsOwnKind() {
        assertThat(listing(ada, "101", "102", "999")).extracting(Finding::kind).containsExactly(FindingKind.UNKNOWN_IN_LISTING);
    }

    @Test
    void missingOwnRecordingIsDataLoss() {
        List<Finding> findings = listing(ada, "101");
        assertThat(findings).extracting(Finding::kind).containsExactly(FindingKind.MISSING_FROM_LISTING);
        assertThat(findings.get(0).category()).isEqualTo("Data loss");
    }

    private static Observation answer(String op, int status, Map<String, Object> extracted) {
        return new Observation(op, "GET", "/x", status, "no-store", "application/json", 1, extracted);
    }

    @Test
    void openingAForeignRecordingIsDirectAccessAndARefusalIsClean() {
        AccessOracle access = new AccessOracle();
        Supplier<Observation> owners = () -> withDigest(answer("openReplay", 200, Map.of()), "d-owner");
        assertThat(access.foreign(ada, "recording", "201", "B0002", withDigest(answer("openReplay", 200, Map.of()), "d-owner"),
                FindingKind.DIRECT_ACCESS, owners)).get().extracting(Finding::kind).isEqualTo(FindingKind.DIRECT_ACCESS);
        Supplier<Observation> never = () -> { throw new AssertionError("the owner's view is asked only for a 2xx"); };
        assertThat(access.foreign(ada, "recording", "201", "B0002", answer("openMedia", 404, Map.of()), FindingKind.DIRECT_ACCESS, never)).isEmpty();
        assertThat(access.foreign(ada, "recording", "201", "B0002", answer("openMedia", 403, Map.of()), FindingKind.DIRECT_ACCESS, never)).isEmpty();
        assertThat(access.foreign(ada, "recording", "201", "B0002", answer("openMedia", 502, Map.of()), FindingKind.DIRECT_ACCESS, never))
                .get().extracting(Finding::kind).as("a 5xx is not a pass").isEqualTo(FindingKind.UNVERIFIED);
    }

    @Test
    void aSuccessThatIsNotTheOwnersItemIsUnverifiedNeverABreach() {
        AccessOracle access = new AccessOracle();
        Observation maintenancePage = withDigest(answer("openReplay", 200, Map.of()), "d-maintenance");
        assertThat(access.foreign(ada, "recording", "201", "B0002", maintenancePage, FindingKind.DIRECT_ACCESS,
                () -> withDigest(answer("openReplay", 200, Map.of()), "d-owner"))).get().extracting(Finding::kind)
                .isEqualTo(FindingKind.UNVERIFIED);
        assertThat(access.foreign(ada, "recording", "201", "B0002", maintenancePage, FindingKind.PARAMETER_TAMPERING,
                () -> answer("openReplay", 503, Map.of()))).get().extracting(Finding::kind)
                .as("the owner's own view failed: nothing to compare with").isEqualTo(FindingKind.UNVERIFIED);
    }

    private static Observation withDigest(Observation o, String digest) {
        return new Observation(o.operation(), o.method(), o.path(), o.status(), o.cacheControl(), o.contentType(), o.millis(),
                o.extracted(), digest, digest.equals("d-maintenance") ? "application/json [status]" : "application/json [id, mode]");
    }

    @Test
    void partialItemsOfTheCallerAreNeitherForeignNorMissing() {
        ledger.recordItem(new LedgerItem("recording", "103", "B0001", "before-update", "recording#3", false, true));
        assertThat(ledger.itemsOf("B0001", "recording")).containsExactly("101", "102");
        assertThat(listing(ada, "101", "102")).as("absent partial item").isEmpty();
        assertThat(listing(ada, "101", "102", "103")).as("present partial item").isEmpty();
        assertThat(listing(bob, "201", "103")).as("someone else's partial item is still foreign").singleElement()
                .extracting(Finding::kind).isEqualTo(FindingKind.FOREIGN_IN_LISTING);
    }

    @Test
    void ownRecordingThatDoesNotOpenIsMissing() {
        AccessOracle access = new AccessOracle();
        assertThat(access.own(ada, "recording", "101", answer("openReplay", 200, Map.of()))).isEmpty();
        assertThat(access.own(ada, "recording", "101", answer("openReplay", 404, Map.of()))).get()
                .extracting(Finding::kind).isEqualTo(FindingKind.MISSING_FROM_LISTING);
    }

    @Test
    void sessionOfAnotherPatientIsAnIdentityMismatch() {
        IdentityOracle identity = new IdentityOracle(ledger);
        assertThat(identity.judge(ada, answer("whoAmI", 200, Map.of("id", 11)))).isEmpty();
        Finding finding = identity.judge(bob, answer("whoAmI", 200, Map.of("id", 11))).orElseThrow();
        assertThat(finding.kind()).isEqualTo(FindingKind.IDENTITY_MISMATCH);
        assertThat(finding.evidence()).containsEntry("resolvedPatient", "B0001");
        assertThat(identity.judge(ada, answer("whoAmI", 503, Map.of()))).get()
                .extracting(Finding::kind).isEqualTo(FindingKind.UNVERIFIED);
    }

    @Test
    void twoAccountsGivenOneTargetIdAreAnIdentityMismatchEvenWhenEachSessionAgreesWithItsLedgerEntry() {
        IdentityOracle identity = new IdentityOracle(ledger);
        LedgerPatient twin = new LedgerPatient("A0003", "after-update", "11", "ADA", null, "ref3", "9990000034", "t", null);
        assertThat(identity.judge(ada, answer("whoAmI", 200, Map.of("id", 11)))).as("before the twin exists").isEmpty();
        ledger.recordPatient(twin);
        Finding finding = identity.judge(twin, answer("whoAmI", 200, Map.of("id", 11))).orElseThrow();
        assertThat(finding.kind()).isEqualTo(FindingKind.IDENTITY_MISMATCH);
        assertThat(finding.evidence()).containsEntry("sameTargetIdAs", List.of("B0001"));
        assertThat(identity.judge(ada, answer("whoAmI", 200, Map.of("id", 11)))).get()
                .extracting(Finding::kind).isEqualTo(FindingKind.IDENTITY_MISMATCH);
        assertThat(identity.judge(bob, answer("whoAmI", 200, Map.of("id", 12)))).as("an account of its own").isEmpty();
    }

    @Test
    void findingLogSeparatesFailuresFromUnverified() {
        FindingLog log = new FindingLog();
        log.addAll(List.of(new Finding(FindingKind.UNVERIFIED, "B0001", "x", Map.of())));
        assertThat(log.anyFailingTheRelease()).isFalse();
        assertThat(log.anyUnverified()).isTrue();
        log.addAll(listing(ada, "101"));
        assertThat(log.anyFailingTheRelease()).isTrue();
    }
}
