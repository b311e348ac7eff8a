package dev.cordon.oracle;

import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.adapter.Observation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A session must resolve to the patient who logged in; anything else means a token minted for the wrong principal. */
public final class IdentityOracle {
    private final Ledger ledger;
    /** The patient id who-am-I answers with: the owner key, or the account id where ownership is a set-up record's. */
    private final String accountKey;

    public IdentityOracle(Ledger ledger) {
        this(ledger, null);
    }

    public IdentityOracle(Ledger ledger, String accountKey) {
        this.ledger = ledger;
        this.accountKey = accountKey;
    }

    /** The id a session of this patient must resolve to. */
    public String expectedId(LedgerPatient caller) {
        return accountKey == null ? caller.targetId() : caller.ids().getOrDefault(accountKey, caller.targetId());
    }

    public Optional<Finding> judge(LedgerPatient caller, Observation whoAmI) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("patient", caller.key());
        evidence.put("username", caller.username());
        evidence.put("expectedTargetId", expectedId(caller));
        evidence.put("request", whoAmI.request());
        evidence.put("status", whoAmI.status());
        List<String> twins = ledger.othersWithTargetId(caller);
        if (!twins.isEmpty()) {
            evidence.put("sameTargetIdAs", twins);
            return Optional.of(new Finding(FindingKind.IDENTITY_MISMATCH, caller.key(),
                    "%s (username %s) was given target id %s, which the target also gave %s: two accounts resolve to one patient"
                            .formatted(caller.key(), caller.username(), caller.targetId(), String.join(", ", twins)), evidence));
        }
        if (!whoAmI.ok()) {
            return Optional.of(new Finding(FindingKind.UNVERIFIED, caller.key(), "who-am-I for %s answered %d"
                    .formatted(caller.key(), whoAmI.status()), evidence));
        }
        String resolved = whoAmI.value("id");
        if (expectedId(caller).equals(resolved)) {
            return Optional.empty();
        }
        evidence.put("resolvedTargetId", resolved);
        String other = (expectedId(caller).equals(caller.targetId()) ? ledger.patientKeyByTargetId(String.valueOf(resolved))
                : ledger.patients().stream().filter(p -> String.valueOf(resolved).equals(expectedId(p))).map(LedgerPatient::key)
                .findFirst()).orElse("a patient unknown to the ledger");
        evidence.put("resolvedPatient", other);
        return Optional.of(new Finding(FindingKind.IDENTITY_MISMATCH, caller.key(),
                "%s logged in as %s but the session resolves to %s (target id %s)".formatted(caller.key(), caller.username(), other, resolved),
                evidence));
    }
}
