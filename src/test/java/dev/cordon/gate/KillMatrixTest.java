package dev.cordon.gate;

import dev.cordon.clinic.Fault;
import dev.cordon.oracle.FindingKind;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class KillMatrixTest {
    @Test
    void everyClinicFaultHasAnExpectedFindingKind() throws Exception {
        Map<String, Set<String>> expectations = KillMatrix.expectations();
        assertThat(expectations.keySet()).containsExactlyInAnyOrderElementsOf(Arrays.stream(Fault.values()).map(Fault::id).toList());
        List<String> kinds = Arrays.stream(FindingKind.values()).map(Enum::name).toList();
        expectations.values().forEach(expected -> assertThat(kinds).containsAll(expected));
    }

    @Test
    void aFaultCountsAsCaughtOnlyWithTheRightKindAndAFailedGate() {
        var right = new KillMatrix.Row("f", Set.of("DIRECT_ACCESS"), Set.of("DIRECT_ACCESS"), 1, 1);
        var wrongKind = new KillMatrix.Row("f", Set.of("DIRECT_ACCESS"), Set.of("MISSING_FROM_LISTING"), 1, 1);
        var passed = new KillMatrix.Row("f", Set.of("DIRECT_ACCESS"), Set.of(), 0, 1);
        var unverified = new KillMatrix.Row("f", Set.of("DIRECT_ACCESS"), Set.of("DIRECT_ACCESS", "UNVERIFIED"), 3, 1);
        assertThat(right.caught()).isTrue();
        assertThat(wrongKind.caught()).isFalse();
        assertThat(passed.caught()).isFalse();
        assertThat(unverified.caught()).isFalse();
        var result = new KillMatrix.Result(List.of(right, passed), List.of(new KillMatrix.CleanRun(1, 0, Set.of(), 1),
                new KillMatrix.CleanRun(2, 1, Set.of("FOREIGN_IN_LISTING"), 1)), 2, 30);
        assertThat(result.lastLine()).isEqualTo("kill rate: 1/2, false positives: 1");
    }
}
