package dev.cordon.adapter;

import com.fasterxml.jackson.databind.JsonNode;

/** What a recipe step answered: the observation (no body, no headers beyond cache policy) and the parsed JSON, if any. */
public record StepAnswer(Observation observation, JsonNode json) {
    public boolean ok() {
        return observation.ok();
    }
}
