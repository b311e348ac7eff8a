package dev.cordon.population;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class PopulationPlannerTest {
    private final PopulationPlanner planner = new PopulationPlanner("20261124-run1", "patients.cordon.invalid", 10);

    @Test
    void sameSeedSamePopulation() {
        PopulationPlan a = planner.plan("before-update", 42, 50, 3, false);
        PopulationPlan b = planner.plan("before-update", 42, 50, 3, false);
        assertThat(a).isEqualTo(b);
        assertThat(planner.plan("before-update", 43, 50, 3, false)).isNotEqualTo(a);
    }

    @Test
    void everyPatientIsUnmistakablySynthetic() {
        for (SyntheticPatient p : planner.plan("before-update", 7, 60, 2, false).patients()) {
            assertThat(NhsNumber.isSynthetic(p.nhsNumber())).as("NHS number of %s", p).isTrue();
            assertThat(p.email()).as("e-mail of %s", p).endsWith("@patients.cordon.invalid");
            assertThat(p.externalRef()).isEqualTo("cordon-synthetic:20261124-run1");
            assertThat(PopulationPlanner.isSyntheticRef(p.externalRef())).isTrue();
        }
    }

    @Test
    void usernamesAreUniqueButSomeDifferOnlyInCase() {
        List<SyntheticPatient> patients = planner.plan("before-update", 7, 40, 1, false).patients();
        Set<String> exact = patients.stream().map(SyntheticPatient::username).collect(Collectors.toSet());
        Set<String> folded = patients.stream().map(p -> p.username().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        assertThat(exact).hasSize(40);
        assertThat(folded).as("look-alike pairs collapse when case is ignored").hasSize(36);
    }

    @Test
    void patientsShareConsultationSlots() {
        PopulationPlan plan = planner.plan("video-switch", 7, 16, 2, true);
        List<java.time.Instant> slots = plan.patients().stream().flatMap(p -> p.consultations().stream())
                .map(PlannedConsultation::slot).toList();
        assertThat(new HashSet<>(slots)).as("distinct slots").hasSizeLessThan(slots.size());
        assertThat(plan.patients()).allSatisfy(p -> assertThat(p.consultations()).allMatch(PlannedConsultation::switchToVideo));
    }
}
