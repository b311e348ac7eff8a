package dev.cordon.steps;

import org.opentest4j.TestAbortedException;

/**
 * A scenario whose capability the target profile does not declare (no write probes, no who-am-I, a listing the
 * profile does not have): not applicable. Reported as such in the console, summary and report; never a pass, never
 * UNVERIFIED.
 */
public final class NotApplicable extends TestAbortedException {
    public static final String PREFIX = "not applicable: ";

    public NotApplicable(String why) {
        super(PREFIX + why);
    }
}
