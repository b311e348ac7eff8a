package dev.cordon.report;

import java.util.List;

/**
 * Which control each of Cordon's checks gives evidence for, in the words an auditor files them under. The mapping is
 * an argument the report makes, not a certification: each row says what was checked and where the evidence is.
 */
public final class ComplianceMap {
    private ComplianceMap() {
    }

    public record Control(String id, String framework, String title) {
    }

    /**
     * One check of a run: the finding kinds that mean it failed, the counters in summary.json that show it ran (any
     * above zero), and the controls it evidences.
     */
    public record Check(String name, String what, List<String> kinds, List<String> ranWhen, List<Control> controls) {
    }

    public static final Control HIPAA_ACCESS = new Control("HIPAA §164.312(a)(1)", "HIPAA Security Rule",
            "Access control: electronic PHI is accessible only to persons granted access rights");
    public static final Control HIPAA_AUDIT = new Control("HIPAA §164.312(b)", "HIPAA Security Rule",
            "Audit controls: record and examine activity in systems that hold electronic PHI");
    public static final Control ISO_TESTING = new Control("ISO/IEC 27001:2022 A.8.29", "ISO/IEC 27001:2022 Annex A",
            "Security testing in development and acceptance: every new version is tested before it is released");
    public static final Control ISO_TEST_DATA = new Control("ISO/IEC 27001:2022 A.8.33", "ISO/IEC 27001:2022 Annex A",
            "Test information: tests use no real personal data, and test data is protected and removed");
    public static final Control GDPR_TESTING = new Control("GDPR Art. 32(1)(d)", "GDPR",
            "A process for regularly testing, assessing and evaluating the effectiveness of technical measures");

    public static final List<Control> CONTROLS = List.of(HIPAA_ACCESS, HIPAA_AUDIT, ISO_TESTING, ISO_TEST_DATA, GDPR_TESTING);

    private static final List<Control> ISOLATION = List.of(HIPAA_ACCESS, ISO_TESTING, GDPR_TESTING);

    public static final List<Check> CHECKS = List.of(
            new Check("Replay listings hold only the caller's recordings",
                    "every patient's listing, every page, compared with the ledger: nothing foreign, nothing unknown",
                    List.of("FOREIGN_IN_LISTING", "UNKNOWN_IN_LISTING"), List.of("listingsChecked"), ISOLATION),
            new Check("No recording is lost in the update",
                    "every own recording is still listed and still opens after the update",
                    List.of("MISSING_FROM_LISTING"), List.of("listingsChecked", "ownRecordingsOpened"),
                    List.of(ISO_TESTING, GDPR_TESTING)),
            new Check("No patient opens another patient's recording by id",
                    "each patient asks for other patients' recordings and media by id and must be refused",
                    List.of("DIRECT_ACCESS"), List.of("foreignProbes"), ISOLATION),
            new Check("Owner-selecting parameters are ignored",
                    "patientId, ownerId and similar parameters naming another patient must not widen what is returned",
                    List.of("PARAMETER_TAMPERING"), List.of("tamperingProbes"), ISOLATION),
            new Check("Every session is its own patient's",
                    "each session, look-alike usernames included, resolves to the patient who logged in",
                    List.of("IDENTITY_MISMATCH"), List.of("sessionsChecked"), ISOLATION),
            new Check("Simultaneous callers get only their own data",
                    "listings fetched at the same instant by different patients each hold only their caller's recordings",
                    List.of("CROSSTALK"), List.of("crosstalkProbes"), ISOLATION),
            new Check("Private answers are not stored by shared caches",
                    "private responses carry Cache-Control no-store or private",
                    List.of("CACHEABLE_PRIVATE_RESPONSE"), List.of("cacheResponsesChecked"), ISOLATION),
            new Check("The web Consultation Replays page shows only own recordings",
                    "a browser logs sampled patients in and holds every page of the listing against the ledger and the API",
                    List.of("UI_MISMATCH"), List.of("uiPagesChecked"), ISOLATION),
            new Check("Only synthetic, traceable test data",
                    "patients from the never-issued 999 NHS number range, e-mail under a reserved .invalid domain, "
                            + "the run id in every record; removable per run",
                    List.of(), List.of("patientsSeeded", "patientsChecked"), List.of(ISO_TEST_DATA)),
            new Check("A record of who owns what, and of what was checked",
                    "the ledger of every synthetic patient and recording, summary.json, this report and an evidence "
                            + "bundle with SHA-256 digests",
                    List.of(), List.of("patientsSeeded", "patientsChecked"), List.of(HIPAA_AUDIT)));
}
