package dev.cordon.population;

import java.time.Instant;

/** A consultation the population will book: its slot (shared slots are deliberate), clinician and whether it switches to video. */
public record PlannedConsultation(Instant slot, String clinician, boolean switchToVideo) {
}
