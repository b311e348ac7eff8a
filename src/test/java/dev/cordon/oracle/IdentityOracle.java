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

    public IdentityOracle(Ledger ledger) {
        this.ledger = ledger;
    }

    public Optional<Finding> judge(LedgerPatient caller, Observation whoAmI) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("patient", caller.key());
        evidence.put("username", caller.username());
        evidence.put("expectedTargetId", caller.targetId());
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
        if (caller.targetId().equals(resolved)) {
            return Optional.empty();
        }
        evidence.put("resolvedTargetId", resolved);
        String other = ledger.patientKeyByTargetId(String.valueOf(resolved)).orElse("a patient unknown to the ledger");
        evidence.put("resolvedPatient", other);
        return Optional.of(new Finding(FindingKind.IDENTITY_MISMATCH, caller.key(),
                "%s logged in as %s but the session resolves to %s (target id %s)".formatted(caller.key(), caller.username(), other, resolved),
                evidence));
    }
}
