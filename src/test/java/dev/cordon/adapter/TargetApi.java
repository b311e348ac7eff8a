package dev.cordon.adapter;

import dev.cordon.profile.Profile;
import dev.cordon.profile.Profile.Listing;
import dev.cordon.profile.Profile.Opener;
import dev.cordon.profile.Profile.Request;
import dev.cordon.profile.Profile.WriteProbe;

import java.util.List;
import java.util.Map;

/**
 * Everything Cordon does to a target, in the words of its profile: perform a step as an actor, log a patient in, ask
 * who a session is, read every page of a listing, open an item, try a write. The HTTP adapter interprets the profile.
 */
public interface TargetApi {
    Profile profile();

    /** The release the target reports; null when the profile declares no version. */
    String version();

    boolean healthy();

    /**
     * Performs one request of a recipe, fixture or account step as the given caller (null: anonymous) and returns
     * what it answered with its parsed JSON. Writes are sent once: never retried here.
     */
    StepAnswer perform(String what, Request request, Profile.Actor as, PatientSession session, Map<String, String> values);

    /**
     * Sends one batch create (patients.createBatch) as the operator: the declared item filled with each patient's
     * values, in order, wrapped as declared. Sent once: never retried here (the caller reconciles a lost answer).
     */
    StepAnswer createAccounts(String what, Profile.CreateBatch batch, List<Map<String, String>> patients, Map<String, String> runValues);

    /** Logs a synthetic patient in with the profile's login; a refusal throws {@link LoginRefusedException}. */
    PatientSession logIn(String patientKey, Map<String, String> values);

    /** Who the target thinks is calling; the observation's "id" is compared with the owner key. */
    Observation whoAmI(PatientSession session, Map<String, String> accountValues);

    /** Every page of a listing as the session sees it; extra query parameters and headers go on every page request. */
    ItemListing list(Listing listing, PatientSession session, Map<String, String> values, Map<String, String> extraQuery,
                     Map<String, String> extraHeaders);

    Observation open(Opener opener, PatientSession session, String itemId, Map<String, String> values,
                     Map<String, String> extraQuery, Map<String, String> extraHeaders);

    Observation write(WriteProbe probe, PatientSession session, String itemId, Map<String, String> values);

    /** A write probe with a JSON body built by the caller (the owner's view with marker fields); sent once. */
    Observation write(WriteProbe probe, PatientSession session, String itemId, Map<String, String> values,
                      com.fasterxml.jackson.databind.JsonNode body);

    /** Every patient the operator can list (for cleanup); empty when the profile declares no patient listing. */
    List<TargetPatient> listPatients();

    /** Deletes a patient account; true when it existed. */
    boolean deletePatient(Map<String, String> accountValues);

    /** Requests sent, retries spent and back-offs taken so far (for the summary). */
    Map<String, Long> traffic();

    /** A patient record as the operator lists it, for cleanup. */
    record TargetPatient(String targetId, String externalRef, String createdAt) {
    }
}
