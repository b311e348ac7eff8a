package dev.cordon.steps;

import io.cucumber.java.ParameterType;

/**
 * Every conversion the features use, in one place. {listing} and {resources} are words of the target profile (a
 * listing's name, a resource's plural); whether the profile has them is the scenario's to decide (not applicable).
 */
public class ParameterTypes {
    @ParameterType("[A-Za-z][\\w-]*")
    public String listing(String name) {
        return name;
    }

    @ParameterType("[A-Za-z][\\w-]*")
    public String resources(String word) {
        return word;
    }

    /** One or more names of the profile (openers, listings): "read", "read and binary", "read, binary and history". */
    @ParameterType("[A-Za-z][\\w-]*(?:(?:, | and |, and )[A-Za-z][\\w-]*)*")
    public java.util.List<String> names(String text) {
        return java.util.Arrays.stream(text.split(",\\s*and\\s+|,\\s*|\\s+and\\s+")).map(String::strip).filter(n -> !n.isEmpty()).toList();
    }

    /** A named request of the profile (requests: in the profile), e.g. signOut. */
    @ParameterType("[A-Za-z][\\w-]*")
    public String request(String name) {
        return name;
    }
}
