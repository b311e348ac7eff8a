package dev.cordon.population;

import java.time.LocalDate;
import java.util.List;

/**
 * A patient Cordon invents: unmistakably synthetic (999-range NHS number, reserved e-mail domain, the run tag in
 * externalRef) and reproducible from the seed. The password is derived, never stored in the ledger.
 */
public record SyntheticPatient(String key, String cohort, String name, LocalDate dateOfBirth, String nhsNumber,
                               String username, String email, String externalRef, List<PlannedConsultation> consultations) {
    @Override
    public String toString() {
        return key + " (" + username + ")";
    }
}
