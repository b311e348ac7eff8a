package dev.cordon.extension;

import dev.cordon.gate.GateRun;
import dev.cordon.ledger.LedgerPatient;
import io.restassured.specification.RequestSpecification;
import org.apiguardian.api.API;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A synthetic patient of the run, as the ledger knows it: key, cohort, login name, the owner key and every id its
 * account creation gave, the items it owns, the time slots it booked, and a REST Assured request specification
 * already authenticated as this patient. No password and no token is ever readable from it.
 */
@API(status = API.Status.STABLE, since = "3.0")
public final class Patient {
    private final GateRun run;
    private final LedgerPatient patient;

    Patient(GateRun run, LedgerPatient patient) {
        this.run = run;
        this.patient = patient;
    }

    /** The ledger's key of the patient (e.g. {@code p0007}): how findings and the report name it. */
    public String key() {
        return patient.key();
    }

    public String cohort() {
        return patient.cohort();
    }

    public String username() {
        return patient.username();
    }

    /** The value of the profile's owner key (patients.ownerKey): what the target judges ownership by. */
    public String ownerKey() {
        return patient.targetId();
    }

    /** Every id the account creation extracted (the owner key among them), by the profile's names. */
    public Map<String, String> ids() {
        return patient.ids();
    }

    /** Every value the profile's templates may use for this patient: ids, username, e-mail, run tag, NHS number. */
    public Map<String, String> values() {
        return patient.values();
    }

    /** The items the ledger gives this patient, of every resource. */
    public List<Item> items() {
        return run.environment().target().profile().resources().keySet().stream().flatMap(r -> items(r).stream()).toList();
    }

    /** The items of one resource (the profile's resource name, e.g. {@code recording}, {@code media}). */
    public List<Item> items(String resource) {
        return run.ledger().itemsOf(patient.key(), resource).stream().map(id -> new Item(resource, id)).toList();
    }

    /** The consultation time slots this patient booked, as the population planned them (slot-mates share one). */
    @API(status = API.Status.EXPERIMENTAL, since = "3.0")
    public List<Instant> slots() {
        return run.plannedSlots(patient);
    }

    /**
     * A REST Assured request specification authenticated as this patient the way the profile says (bearer or token
     * header, or session cookie), with the target's base URI and Allure's REST Assured filter: every exchange is
     * attached to the report, with Authorization, Cookie and Set-Cookie shown as "[ BLACKLISTED ]". Use it with
     * {@code RestAssured.given(patient.restAssured())}; never configure RestAssured's static globals.
     */
    public RequestSpecification restAssured() {
        return run.restAssured(patient);
    }

    LedgerPatient ledgerPatient() {
        return patient;
    }

    @Override
    public String toString() {
        return "patient " + patient.key();
    }
}
