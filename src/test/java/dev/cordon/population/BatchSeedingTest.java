package dev.cordon.population;

import dev.cordon.adapter.HttpEngine;
import dev.cordon.adapter.HttpTargetApi;
import dev.cordon.clinic.Clinic;
import dev.cordon.clinic.ClinicSettings;
import dev.cordon.clinic.RunningClinic;
import dev.cordon.config.Secret;
import dev.cordon.faults.FaultKind;
import dev.cordon.faults.FaultProxy;
import dev.cordon.faults.FaultRule;
import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerHeader;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.profile.ProfileLoader;
import dev.cordon.progress.Progress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batch account creation (patients.createBatch) behind a fault proxy, against the real reference clinic: a batch whose
 * answer is lost is reconciled by logging in and never sent again as single creates; a batch the target did not make
 * falls back to one single create per patient. Seven patients: a batch of five and one of two.
 */
class BatchSeedingTest {
    private static final String SECRET = "batch-test-operator-secret";
    private static final String RUN = "batch-test";
    private static final int PATIENTS = 7;
    private static final String BATCH = "POST /api/operator/patients/batch";
    private static final String SINGLE = "POST /api/operator/patients";

    @TempDir
    Path dir;
    private RunningClinic clinic;
    private FaultProxy proxy;

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (clinic != null) {
            clinic.close();
        }
    }

    private Seeder.Outcome seedBehind(FaultRule rule, Ledger ledger) throws Exception {
        clinic = Clinic.start(ClinicSettings.defaults().withRelease("2.0.0")
                .withJdbcUrl("jdbc:h2:file:" + dir.resolve("db/clinic").toAbsolutePath()).withPort(0)
                .withOperatorSecret(SECRET).withAccessLog("off").withFaults(Set.of()));
        proxy = FaultProxy.to(URI.create("http://127.0.0.1:" + clinic.port())).seed(1).inject(rule).start();
        HttpEngine engine = new HttpEngine(Duration.ofSeconds(2), Duration.ofSeconds(15), 4, HttpEngine.RetryPolicy.NONE);
        HttpTargetApi target = new HttpTargetApi(proxy.baseUri(), ProfileLoader.load(Path.of("environments/profiles/reference-clinic.yaml")),
                Secret.of(SECRET, "test"), 2, engine);
        Passwords passwords = new Passwords(Secret.of("batch-test-password-key", "test"));
        PopulationPlan plan = new PopulationPlanner(RUN, "patients.cordon.invalid", 10).plan("before-update", 7, PATIENTS, 1, false);
        return new Seeder(target, ledger, passwords, 4, Progress.quiet(), "2.0.0", Map.of()).seed(plan, null);
    }

    private Ledger ledger() {
        return Ledger.create(dir.resolve("ledger.jsonl"), new LedgerHeader(RUN, "test", "http://127.0.0.1", "2.0.0", 7, "t",
                null, PATIENTS));
    }

    @Test
    void aBatchWhoseAnswerIsLostIsReconciledByLoggingInNeverSentAgain() throws Exception {
        try (Ledger ledger = ledger()) {
            Seeder.Outcome outcome = seedBehind(FaultRule.of(FaultKind.RESET_AFTER_FORWARDING, 1.0).onMethods("POST")
                    .onPaths("/api/operator/patients/batch"), ledger);

            assertThat(proxy.tally().requests(BATCH)).as("batches sent, each once").isEqualTo(2);
            assertThat(proxy.tally().count(FaultKind.RESET_AFTER_FORWARDING)).as("every batch answer lost").isEqualTo(2);
            assertThat(outcome.accountsReconciled()).as("accounts found by logging in").isEqualTo(PATIENTS);
            assertThat(proxy.tally().requests(SINGLE)).as("single creates after a batch the target made").isZero();
            assertThat(outcome.patients()).isEqualTo(PATIENTS);
            assertThat(outcome.incomplete()).isEmpty();
            assertThat(ledger.patients()).hasSize(PATIENTS).allSatisfy(p -> assertThat(p.targetId()).isNotBlank());
            assertThat(ledger.patients().stream().map(LedgerPatient::targetId).distinct().count()).isEqualTo(PATIENTS);
        }
    }

    @Test
    void aBatchTheTargetNeverMadeFallsBackToOneSingleCreateEach() throws Exception {
        try (Ledger ledger = ledger()) {
            Seeder.Outcome outcome = seedBehind(FaultRule.of(FaultKind.UNAVAILABLE_BEFORE, 1.0).onMethods("POST")
                    .onPaths("/api/operator/patients/batch"), ledger);

            assertThat(proxy.tally().requests(BATCH)).isEqualTo(2);
            assertThat(outcome.accountsReconciled()).as("nothing to find: the batch never reached the clinic").isZero();
            assertThat(proxy.tally().requests(SINGLE)).as("one single create per patient").isEqualTo(PATIENTS);
            assertThat(outcome.patients()).isEqualTo(PATIENTS);
            assertThat(outcome.incomplete()).isEmpty();
            assertThat(ledger.patients()).hasSize(PATIENTS);
        }
    }

    @Test
    void aCleanBatchConfirmsEveryAccountFromItsAnswer() throws Exception {
        try (Ledger ledger = ledger()) {
            Seeder.Outcome outcome = seedBehind(FaultRule.of(FaultKind.STALL, 0.0), ledger);

            assertThat(outcome.accountBatches()).isEqualTo(2);
            assertThat(outcome.accountsReconciled()).isZero();
            assertThat(proxy.tally().requests(SINGLE)).isZero();
            assertThat(outcome.patients()).isEqualTo(PATIENTS);
            assertThat(ledger.patients()).hasSize(PATIENTS);
        }
    }
}
