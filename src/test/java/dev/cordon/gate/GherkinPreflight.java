package dev.cordon.gate;

import dev.cordon.gherkin.GherkinCheck;
import dev.cordon.gherkin.Glue;
import dev.cordon.gherkin.ProfileScope;
import io.cucumber.gherkin.GherkinParser;
import io.cucumber.messages.types.Envelope;
import io.cucumber.messages.types.PickleTag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The preflight's Gherkin check, in every phase that runs scenarios (seed included) and before anything is started or
 * sent: every step of every scenario in this profile's scope must match exactly one step definition of the glue, no
 * scenario may be empty or hold a misspelt keyword, and every {@code @profile:NAME} tag must name a profile of
 * environments/profiles. A problem is exit 2 with file:line and the nearest existing step.
 */
final class GherkinPreflight {
    static final int SHOWN = 5;

    private GherkinPreflight() {
    }

    static void check(List<Path> files, ProfileScope scope, Path profilesDir, Function<Path, String> display) {
        unknownProfiles(files, profilesDir, display);
        List<GherkinCheck.Problem> problems = new GherkinCheck(Glue.ofThisProject()).check(files, scope::includes, display);
        if (problems.isEmpty()) {
            return;
        }
        String shown = problems.stream().limit(SHOWN).map(Object::toString).collect(Collectors.joining("; "));
        throw new Preflight.Refusal("the features do not match the steps: " + shown
                + (problems.size() > SHOWN ? "; and " + (problems.size() - SHOWN) + " more" : "")
                + " (no scenario was run; ci/release-gate.sh --list-steps lists every step)");
    }

    /** A @profile: tag that names no profile would silently leave its scenarios out of every run: refused. */
    private static void unknownProfiles(List<Path> files, Path profilesDir, Function<Path, String> display) {
        GherkinParser parser = GherkinParser.builder().includeSource(false).includeGherkinDocument(false).includePickles(true).build();
        List<String> unknown = new ArrayList<>();
        for (Path file : files) {
            Set<String> named = new TreeSet<>();
            try (Stream<Envelope> parsed = parser.parse(file)) {
                parsed.forEach(e -> e.getPickle().ifPresent(p -> named.addAll(
                        ProfileScope.named(p.getTags().stream().map(PickleTag::getName).toList()))));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            named.stream().filter(name -> !Files.isRegularFile(profilesDir.resolve(name + ".yaml")))
                    .forEach(name -> unknown.add(display.apply(file) + ": " + ProfileScope.PREFIX + name));
        }
        if (!unknown.isEmpty()) {
            throw new Preflight.Refusal("a feature is tagged for a profile that does not exist: " + String.join(", ", unknown)
                    + "; the profiles are the files of " + display.apply(profilesDir) + " (tag @profile:NAME for NAME.yaml)");
        }
    }
}
