package dev.cordon.gherkin;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Features written for one target's API carry {@code @profile:NAME} (on the feature or a scenario): they run only when
 * the environment's target profile is NAME, and are left out everywhere else before discovery — never run, never
 * counted as deselected or noted. A scenario without such a tag applies to every profile. Several tags: any of them.
 */
public final class ProfileScope {
    public static final String PREFIX = "@profile:";

    private final String profile;

    public ProfileScope(String profile) {
        this.profile = profile;
    }

    /** Whether a scenario with these Cucumber tag names (with their '@') runs against this profile. */
    public boolean includes(List<String> tags) {
        List<String> named = tags.stream().filter(t -> t.startsWith(PREFIX)).map(t -> t.substring(PREFIX.length())).toList();
        return named.isEmpty() || named.contains(profile);
    }

    /** Every profile named by a tag among these, for the check that each names a profile that exists. */
    public static Set<String> named(List<String> tags) {
        Set<String> names = new TreeSet<>();
        tags.stream().filter(t -> t.startsWith(PREFIX)).forEach(t -> names.add(t.substring(PREFIX.length())));
        return names;
    }

    /** The JUnit tag Cucumber gives a scenario tagged {@code @profile:NAME} (the '@' dropped). */
    public static String junitTag(String name) {
        return PREFIX.substring(1) + name;
    }

    public String profile() {
        return profile;
    }
}
