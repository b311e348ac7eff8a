package dev.cordon.target;

import dev.cordon.population.PlannedConsultation;
import dev.cordon.population.SyntheticPatient;

import java.util.List;
import java.util.Map;

/** Everything Cordon does to a target, in domain words. The REST adapter interprets a target profile to do it. */
public interface TargetApi {
    String version();

    boolean healthy();

    /** Creates the patient and returns the id the target gave it. */
    String createPatient(SyntheticPatient patient, String password);

    /** Deletes the patient; true when it existed. */
    boolean deletePatient(String targetId);

    List<TargetPatient> listPatients();

    PatientSession logIn(String patientKey, String username, String password);

    /** GET who-am-I with the session; the observation's "patientId" is who the target thinks is calling. */
    Observation whoAmI(PatientSession session);

    String book(PatientSession session, PlannedConsultation consultation);

    List<String> start(String consultationId);

    List<String> switchToVideo(String consultationId);

    List<String> complete(String consultationId);

    /** Every page of the caller's replay listing; extra query parameters are added to every page request. */
    ReplayListing listReplays(PatientSession session, Map<String, String> extraQuery);

    Observation openReplay(PatientSession session, String recordingId, Map<String, String> extraQuery);

    Observation openMedia(PatientSession session, String recordingId, Map<String, String> extraQuery);

    boolean supports(String operation);

    /** A patient record as the operator lists it, for cleanup. */
    record TargetPatient(String targetId, String externalRef, String createdAt) {
    }
}
