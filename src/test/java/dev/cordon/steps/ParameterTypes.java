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
}
