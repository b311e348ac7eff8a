package dev.cordon.gherkin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Every step the features may use, generated from the glue (each step's Cucumber annotation and its {@link
 * dev.cordon.extension.StepDoc}): printed by {@code ci/release-gate.sh --list-steps}, and written to docs/steps.md by
 * {@link #main} (StepCatalogueTest fails when that file is stale). One source, so the list cannot drift from the code.
 */
public final class StepCatalogue {
    /** The command that rewrites docs/steps.md; StepCatalogueTest names it when the file is stale. */
    public static final String REGENERATE = "ci/release-gate.sh --list-steps --markdown > docs/steps.md";

    private final Glue glue;

    public StepCatalogue(Glue glue) {
        this.glue = glue;
    }

    /** For the console: keyword and pattern, what it checks, an example, where it is defined. */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append("Steps the features may use (").append(glue.steps().size()).append("; {listing}, {resources}, {names}, {request} are words of the"
                + " target profile; docs/steps.md has the same list):\n");
        for (Glue.StepDefinition step : glue.steps()) {
            out.append('\n').append(step.keyword()).append(' ').append(step.pattern()).append('\n');
            out.append("    checks:  ").append(step.doc() == null ? "(undocumented: add @StepDoc to " + step.location() + ")"
                    : step.doc().value()).append('\n');
            if (step.doc() != null) {
                out.append("    example: ").append(step.doc().example().strip()).append('\n');
            }
            out.append("    glue:    ").append(step.method().getDeclaringClass().getName()).append('.').append(step.method().getName()).append('\n');
        }
        return out.toString();
    }

    /** docs/steps.md. */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Steps\n\n");
        out.append("<!-- Generated from the glue (each step's annotation and @StepDoc); do not edit by hand: ").append(REGENERATE)
                .append(" -->\n\n");
        out.append("Every step a feature may use, with what it checks and an example line. `ci/release-gate.sh --list-steps` prints the\n"
                + "same list; the preflight matches every step of the selected features against it before anything is sent (an\n"
                + "undefined, ambiguous or misspelt step is exit 2 with file:line and the nearest step below). Words in braces are\n"
                + "the target profile's own: `{listing}` a listing's name, `{resources}` a resource's plural (or singular) word,\n"
                + "`{names}` one or more opener or listing names (\"read and binary\"), `{request}` a named request of the profile\n"
                + "(`requests:`). Writing a step of your own: [extending.md](extending.md).\n\n");
        for (String keyword : List.of("Given", "When", "Then")) {
            List<Glue.StepDefinition> steps = glue.steps().stream().filter(s -> s.keyword().equals(keyword)).toList();
            if (steps.isEmpty()) {
                continue;
            }
            out.append("## ").append(keyword).append("\n\n");
            for (Glue.StepDefinition step : steps) {
                out.append("### ").append(keyword).append(' ').append(step.pattern().replace("<", "&lt;")).append("\n\n");
                out.append(step.doc() == null ? "(undocumented)" : step.doc().value()).append("\n\n");
                if (step.doc() != null) {
                    out.append("```gherkin\n").append(step.doc().example().strip()).append("\n```\n\n");
                }
                out.append("Glue: `").append(step.method().getDeclaringClass().getName()).append('.').append(step.method().getName())
                        .append("`\n\n");
            }
        }
        return out.toString().stripTrailing() + "\n";
    }

    /** Writes docs/steps.md (or the file given) from the glue. */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "docs/steps.md");
        Files.writeString(file, new StepCatalogue(Glue.ofThisProject()).markdown(), StandardCharsets.UTF_8);
    }
}
