package dev.cordon.extension;

import org.apiguardian.api.API;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a step checks and how a feature writes it, beside its Cucumber annotation: the step catalogue
 * ({@code ci/release-gate.sh --list-steps}, docs/steps.md) and the nearest-step hint of the preflight are generated from
 * it. Every step method of the glue carries one; StepCatalogueTest fails on a step without it.
 */
@API(status = API.Status.STABLE, since = "3.0")
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface StepDoc {
    /** What the step does or checks, in one or two sentences a QA engineer reads in the catalogue. */
    String value();

    /** A line of a feature that uses the step exactly as written (it must match the step's pattern). */
    String example();
}
