package dev.cordon.population;

import java.util.List;

/** The patients of one cohort, planned from a seed before anything is sent to the target. */
public record PopulationPlan(String cohort, long seed, List<SyntheticPatient> patients) {
    public int consultationCount() {
        return patients.stream().mapToInt(p -> p.consultations().size()).sum();
    }
}
