package dev.cordon.ledger;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The provenance of an item made by a recipe run whose patient-authored request body carried a field naming another
 * synthetic patient (mass assignment, OWASP API3:2023): the item is the caller's, and the patient named must never
 * see it. Kept in the ledger item's {@code via}, so the ledger's format does not change.
 */
public record TamperedVia(String run, String field, String namedPatient) {
    private static final String MARK = " body-field ";
    private static final Pattern FORM = Pattern.compile("(.+)" + MARK + "([^=\\s]+)=(\\S+)");

    public String via() {
        return run + MARK + field + "=" + namedPatient;
    }

    public static Optional<TamperedVia> of(String via) {
        Matcher m = via == null ? null : FORM.matcher(via);
        return m != null && m.matches() ? Optional.of(new TamperedVia(m.group(1), m.group(2), m.group(3))) : Optional.empty();
    }
}
