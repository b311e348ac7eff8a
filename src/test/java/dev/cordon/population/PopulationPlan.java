package dev.cordon.population;

import java.util.List;

/** The patients of one cohort, planned from a seed before anything is sent to the target. */
public record PopulationPlan(String cohort, long seed, List<SyntheticPatient> patients) {
    /** The distinct times of day (UTC) this cohort books, earliest first: a later cohort may book at the same ones. */
    public List<java.time.LocalTime> timesOfDay() {
        return patients.stream().flatMap(p -> p.consultations().stream())
                .map(c -> c.slot().atZone(java.time.ZoneOffset.UTC).toLocalTime()).distinct().sorted().toList();
    }

    public int consultationCount() {
        return patients.stream().mapToInt(p -> p.consultations().size()).sum();
    }
}
