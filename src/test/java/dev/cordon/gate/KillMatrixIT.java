package dev.cordon.gate;

import dev.cordon.GateProcess;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The kill matrix in ./mvnw verify: a fault the clinic lists but Cordon does not catch fails the build. */
class KillMatrixIT {
    @Test
    void everyCatalogueFaultIsCaughtAndTheCleanReleaseNeverRaisesAnything() throws Exception {
        KillMatrix.Result result = new KillMatrix(GateProcess.forThisProject(), new PrintStream(System.out, true)).run(20, 3);
        assertThat(result.rows()).as("faults in the clinic's catalogue").hasSizeGreaterThanOrEqualTo(17);
        assertThat(result.rows()).as("faults not caught by the kind their catalogue row implies")
                .filteredOn(row -> !row.caught()).isEmpty();
        assertThat(result.falsePositives()).as("clean runs with findings").isZero();
        assertThat(result.cleanRunsAllPassed()).as("every clean run passes").isTrue();
    }
}
