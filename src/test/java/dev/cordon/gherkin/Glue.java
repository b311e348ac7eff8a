package dev.cordon.gherkin;

import dev.cordon.extension.StepDoc;
import io.cucumber.core.resource.ClasspathScanner;
import io.cucumber.cucumberexpressions.Expression;
import io.cucumber.cucumberexpressions.ExpressionFactory;
import io.cucumber.cucumberexpressions.ParameterType;
import io.cucumber.cucumberexpressions.ParameterTypeRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The step definitions of the glue (the packages {@code cucumber.glue} of junit-platform.properties names), read from
 * their annotations as Cucumber reads them, without running anything: the step catalogue and the preflight's check of
 * the features both stand on this one source. Parameter types come from the glue's {@code @ParameterType} methods.
 */
public final class Glue {
    /** One step definition: its keyword, its Cucumber expression, where it lives and what it says about itself. */
    public record StepDefinition(String keyword, String pattern, Expression expression, Method method, StepDoc doc) {
        public String location() {
            return method.getDeclaringClass().getSimpleName() + "." + method.getName();
        }

        public boolean matches(String text) {
            return expression.match(text) != null;
        }
    }

    private static final List<Class<? extends Annotation>> KEYWORDS = List.of(io.cucumber.java.en.Given.class,
            io.cucumber.java.en.When.class, io.cucumber.java.en.Then.class, io.cucumber.java.en.And.class, io.cucumber.java.en.But.class);

    private final List<StepDefinition> steps;

    private Glue(List<StepDefinition> steps) {
        this.steps = steps;
    }

    public List<StepDefinition> steps() {
        return steps;
    }

    /** The glue this project runs: the packages of cucumber.glue in junit-platform.properties. */
    public static Glue ofThisProject() {
        Properties properties = new Properties();
        try (InputStream in = Glue.class.getResourceAsStream("/junit-platform.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read junit-platform.properties", e);
        }
        String glue = properties.getProperty("cucumber.glue", "dev.cordon.steps");
        return of(Arrays.stream(glue.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }

    public static Glue of(List<String> packages) {
        ClasspathScanner scanner = new ClasspathScanner(Glue.class::getClassLoader);
        List<Class<?>> classes = packages.stream().flatMap(p -> scanner.scanForClassesInPackage(p).stream()).distinct()
                .sorted(Comparator.comparing(Class::getName)).toList();
        ParameterTypeRegistry registry = new ParameterTypeRegistry(Locale.ENGLISH);
        for (Class<?> type : classes) {
            for (Method method : type.getDeclaredMethods()) {
                io.cucumber.java.ParameterType parameter = method.getAnnotation(io.cucumber.java.ParameterType.class);
                if (parameter != null) {
                    String name = parameter.name().isEmpty() ? method.getName() : parameter.name();
                    registry.defineParameterType(new ParameterType<>(name, parameter.value(), String.class, (String s) -> s));
                }
            }
        }
        ExpressionFactory expressions = new ExpressionFactory(registry);
        List<StepDefinition> steps = new ArrayList<>();
        for (Class<?> type : classes) {
            Method[] methods = type.getDeclaredMethods();
            Arrays.sort(methods, Comparator.comparing(Method::getName));
            for (Method method : methods) {
                for (Class<? extends Annotation> keyword : KEYWORDS) {
                    Annotation annotation = method.getAnnotation(keyword);
                    if (annotation != null) {
                        String pattern = patternOf(annotation);
                        steps.add(new StepDefinition(keyword.getSimpleName(), pattern, expressions.createExpression(pattern), method,
                                method.getAnnotation(StepDoc.class)));
                    }
                }
            }
        }
        steps.sort(Comparator.comparing((StepDefinition s) -> order(s.keyword())).thenComparing(StepDefinition::pattern));
        return new Glue(List.copyOf(steps));
    }

    private static int order(String keyword) {
        return switch (keyword) {
            case "Given" -> 0;
            case "When" -> 1;
            case "Then" -> 2;
            default -> 3;
        };
    }

    private static String patternOf(Annotation annotation) {
        try {
            return (String) annotation.annotationType().getMethod("value").invoke(annotation);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the pattern of " + annotation, e);
        }
    }

    /** The step definitions whose expression matches this step text (Cucumber ignores the keyword when matching). */
    public List<StepDefinition> matching(String text) {
        return steps.stream().filter(s -> s.matches(text)).toList();
    }

    /** The step nearest to a text that matches none: by edit distance to each step's example, else its pattern. */
    public StepDefinition nearest(String text) {
        return steps.stream().min(Comparator.comparingInt(s -> distance(text, s))).orElse(null);
    }

    private static int distance(String text, StepDefinition step) {
        int toPattern = Levenshtein.distance(text.toLowerCase(Locale.ROOT), step.pattern().toLowerCase(Locale.ROOT));
        if (step.doc() == null) {
            return toPattern;
        }
        String example = stripKeyword(step.doc().example());
        return Math.min(toPattern, Levenshtein.distance(text.toLowerCase(Locale.ROOT), example.toLowerCase(Locale.ROOT)));
    }

    /** "Then every patient ..." → "every patient ..." (an example is written as a feature line). */
    static String stripKeyword(String line) {
        String trimmed = line.strip();
        for (String keyword : List.of("Given ", "When ", "Then ", "And ", "But ", "* ")) {
            if (trimmed.startsWith(keyword)) {
                return trimmed.substring(keyword.length());
            }
        }
        return trimmed;
    }
}
