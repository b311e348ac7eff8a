package dev.cordon.gherkin;

import io.cucumber.gherkin.GherkinParser;
import io.cucumber.messages.types.Envelope;
import io.cucumber.messages.types.Feature;
import io.cucumber.messages.types.FeatureChild;
import io.cucumber.messages.types.GherkinDocument;
import io.cucumber.messages.types.Pickle;
import io.cucumber.messages.types.PickleStep;
import io.cucumber.messages.types.PickleTag;
import io.cucumber.messages.types.RuleChild;
import io.cucumber.messages.types.Scenario;
import io.cucumber.messages.types.Step;
import io.cucumber.messages.types.Tag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a Cucumber dry run would find, before anything is started or sent: every step of every scenario in scope
 * matched against the glue (undefined: no step definition matches; ambiguous: more than one does), and two mistakes a
 * dry run lets pass — a scenario without a step of its own (it would check nothing and pass), and a line of a
 * scenario's description that starts with a misspelt keyword ("Than every patient's ..."), which Gherkin reads as prose
 * and so empties the scenario. Each problem names file:line and, for a step that matches nothing, the nearest one.
 */
public final class GherkinCheck {
    private static final List<String> KEYWORDS = List.of("Given", "When", "Then", "And", "But");

    /** One problem at file:line. */
    public record Problem(String file, long line, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + message;
        }
    }

    private final Glue glue;

    public GherkinCheck(Glue glue) {
        this.glue = glue;
    }

    /**
     * Checks the scenarios of these feature files whose tags (feature, rule and scenario tags) the scope accepts. A file
     * that does not parse is left to the parser's own report (nothing here is said about it).
     */
    public List<Problem> check(List<Path> files, Predicate<List<String>> inScope, java.util.function.Function<Path, String> display) {
        List<Problem> problems = new ArrayList<>();
        GherkinParser parser = GherkinParser.builder().includeSource(false).includeGherkinDocument(true).includePickles(true).build();
        for (Path file : files) {
            List<Envelope> envelopes;
            try (Stream<Envelope> parsed = parser.parse(file)) {
                envelopes = parsed.toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            if (envelopes.stream().anyMatch(e -> e.getParseError().isPresent())) {
                continue;
            }
            String name = display.apply(file);
            List<String> lines = readLines(file);
            Map<String, Step> stepsById = new HashMap<>();
            for (Envelope envelope : envelopes) {
                envelope.getGherkinDocument().flatMap(GherkinDocument::getFeature).ifPresent(feature ->
                        checkScenarios(feature, name, lines, inScope, stepsById, problems));
            }
            Set<String> reported = new LinkedHashSet<>();
            for (Envelope envelope : envelopes) {
                envelope.getPickle().ifPresent(pickle -> checkSteps(pickle, name, inScope, stepsById, reported, problems));
            }
        }
        return problems;
    }

    private void checkScenarios(Feature feature, String file, List<String> lines, Predicate<List<String>> inScope,
                                Map<String, Step> stepsById, List<Problem> problems) {
        List<String> featureTags = names(feature.getTags());
        for (FeatureChild child : feature.getChildren()) {
            child.getBackground().ifPresent(b -> b.getSteps().forEach(s -> stepsById.put(s.getId(), s)));
            child.getScenario().ifPresent(s -> checkScenario(s, featureTags, file, lines, inScope, stepsById, problems));
            child.getRule().ifPresent(rule -> {
                List<String> ruleTags = new ArrayList<>(featureTags);
                ruleTags.addAll(names(rule.getTags()));
                for (RuleChild ruleChild : rule.getChildren()) {
                    ruleChild.getBackground().ifPresent(b -> b.getSteps().forEach(s -> stepsById.put(s.getId(), s)));
                    ruleChild.getScenario().ifPresent(s -> checkScenario(s, ruleTags, file, lines, inScope, stepsById, problems));
                }
            });
        }
    }

    private void checkScenario(Scenario scenario, List<String> outerTags, String file, List<String> lines,
                               Predicate<List<String>> inScope, Map<String, Step> stepsById, List<Problem> problems) {
        scenario.getSteps().forEach(s -> stepsById.put(s.getId(), s));
        List<String> tags = new ArrayList<>(outerTags);
        tags.addAll(names(scenario.getTags()));
        if (!inScope.test(tags)) {
            return;
        }
        long at = scenario.getLocation().getLine();
        String description = scenario.getDescription() == null ? "" : scenario.getDescription();
        for (String line : description.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            String word = line.split("\\s+", 2)[0];
            String keyword = nearestKeyword(word);
            if (keyword != null) {
                String rest = line.substring(word.length()).strip();
                var nearest = glue.nearest(rest);
                problems.add(new Problem(file, lineOf(lines, line, at), "'" + word + "' is not a Gherkin keyword ("
                        + String.join(", ", KEYWORDS) + "), so this line is prose, not a step — did you mean '" + keyword + "'?"
                        + (nearest == null ? "" : " The nearest existing step: " + describe(nearest))));
            }
        }
        if (scenario.getSteps().isEmpty()) {
            problems.add(new Problem(file, at, "the scenario '" + scenario.getName() + "' has no step of its own: it would"
                    + " check nothing and pass; give it a Then step (ci/release-gate.sh --list-steps lists them)"));
        }
    }

    private void checkSteps(Pickle pickle, String file, Predicate<List<String>> inScope, Map<String, Step> stepsById,
                            Set<String> reported, List<Problem> problems) {
        if (!inScope.test(pickle.getTags().stream().map(PickleTag::getName).toList())) {
            return;
        }
        for (PickleStep step : pickle.getSteps()) {
            Step source = stepsById.get(step.getAstNodeIds().get(0));
            long line = source == null ? 0 : source.getLocation().getLine();
            if (!reported.add(line + " " + step.getText())) {
                continue;
            }
            String shown = (source == null ? "" : source.getKeyword()) + step.getText();
            List<Glue.StepDefinition> matches = glue.matching(step.getText());
            if (matches.isEmpty()) {
                var nearest = glue.nearest(step.getText());
                problems.add(new Problem(file, line, "undefined step '" + shown.strip() + "': no step definition matches it"
                        + (nearest == null ? "" : "; the nearest existing step: " + describe(nearest))
                        + " (ci/release-gate.sh --list-steps lists every step)"));
            } else if (matches.size() > 1) {
                problems.add(new Problem(file, line, "ambiguous step '" + shown.strip() + "': " + matches.size()
                        + " step definitions match it: " + matches.stream().map(m -> "'" + m.pattern() + "' (" + m.location() + ")")
                        .collect(Collectors.joining(", ")) + "; make one of the patterns more specific"));
            }
        }
    }

    static String describe(Glue.StepDefinition step) {
        return step.doc() != null ? "'" + step.doc().example().strip() + "'" : "'" + step.keyword() + " " + step.pattern() + "'";
    }

    /** English words a description may start with that are one letter from a keyword ("The" / "Then"). */
    private static final Set<String> PROSE = Set.of("the", "then", "they", "them", "than", "thus", "this", "that", "when",
            "what", "whom", "who", "and", "any", "ant", "bud", "bug", "buy", "but", "give", "gives", "giving", "given");

    /**
     * The keyword a word misspells, or null: one letter wrong, missing or extra, or two letters swapped, or a keyword in
     * the wrong case ("then"); common English words one letter from a keyword ("The") are prose.
     */
    static String nearestKeyword(String word) {
        String cleaned = word.replaceAll("[^\\p{L}]", "");
        if (cleaned.length() < 3) {
            return null;
        }
        String lower = cleaned.toLowerCase(Locale.ROOT);
        for (String keyword : KEYWORDS) {
            if (keyword.equals(cleaned)) {
                return null; // a real keyword inside a description cannot happen: Gherkin would have read a step
            }
            if (keyword.toLowerCase(Locale.ROOT).equals(lower)) {
                return keyword;
            }
        }
        if (PROSE.contains(lower) && !lower.equals("than")) {
            return null;
        }
        for (String keyword : KEYWORDS) {
            String k = keyword.toLowerCase(Locale.ROOT);
            if (Levenshtein.distance(lower, k) <= 1 || swapped(lower, k)) {
                return keyword;
            }
        }
        return null;
    }

    /** Two neighbouring letters swapped ("Givne"). */
    private static boolean swapped(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i + 1 < a.length(); i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return a.charAt(i) == b.charAt(i + 1) && a.charAt(i + 1) == b.charAt(i) && a.substring(i + 2).equals(b.substring(i + 2));
            }
        }
        return false;
    }

    private static long lineOf(List<String> lines, String text, long from) {
        for (int i = (int) Math.max(0, from - 1); i < lines.size(); i++) {
            if (lines.get(i).strip().equals(text)) {
                return i + 1;
            }
        }
        return from;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static List<String> names(List<Tag> tags) {
        return tags.stream().map(Tag::getName).toList();
    }
}
