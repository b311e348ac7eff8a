package dev.cordon.clinic.fhir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Patients p0..p(n-1), each with encounters and one Media per encounter, created through the FHIR face by the
 * operator. Encounter k of every patient shares time slot k, as Cordon's population books shared slots.
 */
final class FhirPopulation {
    static final Instant FIRST_SLOT = Instant.parse("2026-12-01T09:00:00Z");

    final Map<String, Long> patientIds = new LinkedHashMap<>();
    final Map<String, List<Long>> encounters = new LinkedHashMap<>();
    final Map<String, List<Long>> media = new LinkedHashMap<>();

    static FhirPopulation create(FhirClinic c, int patients, int encountersEach) {
        FhirPopulation p = new FhirPopulation();
        for (int i = 0; i < patients; i++) {
            String name = "p" + i;
            p.patientIds.put(name, c.createPatient(name));
            p.encounters.put(name, new ArrayList<>());
            p.media.put(name, new ArrayList<>());
        }
        for (int k = 0; k < encountersEach; k++) {
            for (var e : p.patientIds.entrySet()) {
                long encounter = c.encounter(e.getValue(), FIRST_SLOT.plusSeconds(1800L * k).toString());
                p.encounters.get(e.getKey()).add(encounter);
                p.media.get(e.getKey()).add(c.media(e.getValue(), encounter));
            }
        }
        return p;
    }

    long id(String name) { return patientIds.get(name); }

    /** Every Media id that is not this patient's. */
    List<Long> foreignMedia(String name) {
        List<Long> ids = new ArrayList<>();
        media.forEach((who, list) -> { if (!who.equals(name)) ids.addAll(list); });
        return ids;
    }
}
