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

    @Test
    void theSwitchCohortBooksAtTheFirstCohortsTimesOfDayOnDaysOfItsOwn() {
        PopulationPlan first = planner.plan("before-update", 7, 20, 3, false);
        PopulationPlan switching = planner.plan("video-switch", 7, 16, 2, true, first.timesOfDay());
        List<java.time.Instant> firstSlots = first.patients().stream().flatMap(p -> p.consultations().stream())
                .map(PlannedConsultation::slot).toList();
        List<java.time.Instant> switchSlots = switching.patients().stream().flatMap(p -> p.consultations().stream())
                .map(PlannedConsultation::slot).toList();
        assertThat(first.timesOfDay()).containsAll(switching.timesOfDay());
        assertThat(switchSlots).as("no instant of the first cohort: days of its own").doesNotContainAnyElementsOf(firstSlots);
        assertThat(new HashSet<>(switchSlots)).as("the switch cohort still shares slots within itself").hasSizeLessThan(switchSlots.size());
        assertThat(switching).as("deterministic").isEqualTo(planner.plan("video-switch", 7, 16, 2, true, first.timesOfDay()));
    }

    @Test
    void shardsOfOneRunPlanDistinctUsernamesAndUnshardedRunsKeepTheirs() {
        String run = "20261124-101500-abc123";
        Set<String> first = usernames(new PopulationPlanner(run + "-s1of2", "patients.cordon.invalid", 10));
        Set<String> second = usernames(new PopulationPlanner(run + "-s2of2", "patients.cordon.invalid", 10));
        Set<String> whole = usernames(new PopulationPlanner(run, "patients.cordon.invalid", 10));
        assertThat(first).doesNotContainAnyElementsOf(second).doesNotContainAnyElementsOf(whole);
        assertThat(whole).allMatch(u -> u.toLowerCase(Locale.ROOT).contains(".abc123."));
        assertThat(first).allMatch(u -> u.toLowerCase(Locale.ROOT).contains(".abc123s1of2."));
    }

    private static Set<String> usernames(PopulationPlanner planner) {
        return planner.plan("after-update", 42, 20, 1, false).patients().stream().map(SyntheticPatient::username)
                .collect(Collectors.toSet());
    }
}
