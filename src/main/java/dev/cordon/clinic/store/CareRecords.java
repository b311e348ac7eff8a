package dev.cordon.clinic.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Care records (release 2.2.0): each account creates its own, once, after sign-up; consultations, and through them
 * recordings and documents, belong to it. Deleting one removes everything filed under it (foreign keys cascade).
 */
public final class CareRecords {
    private static final String COLUMNS = "id, patient_id, gp_practice, emergency_contact, created_at";

    private final Jdbc jdbc;

    public CareRecords(Jdbc jdbc) { this.jdbc = jdbc; }

    /** Creates the patient's care record; empty when the patient already has one (the unique key decides, so no race). */
    public Optional<CareRecord> create(long patientId, String gpPractice, String emergencyContact) {
        try {
            long id = jdbc.inTransaction(c -> Jdbc.insert(c,
                    "INSERT INTO care_records (patient_id, gp_practice, emergency_contact, created_at) VALUES (?, ?, ?, ?)",
                    patientId, gpPractice, emergencyContact, Instant.now()));
            return find(id);
        } catch (Jdbc.DataAccessException e) {
            if (e.isUniqueViolation()) return Optional.empty();
            throw e;
        }
    }

    /** The care record, whoever owns it. */
    public Optional<CareRecord> find(long id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM care_records WHERE id = ?", CareRecords::map, id);
    }

    /** The patient's own care record, if they made one (or the 2.2.0 migration made it). */
    public Optional<CareRecord> ofPatient(long patientId) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM care_records WHERE patient_id = ?", CareRecords::map, patientId);
    }

    /** Deletes the care record with its consultations, their recordings and documents; false if unknown. */
    public boolean delete(long id) {
        return jdbc.update("DELETE FROM care_records WHERE id = ?", id) > 0;
    }

    private static CareRecord map(ResultSet rs) throws SQLException {
        return new CareRecord(rs.getLong("id"), rs.getLong("patient_id"), rs.getString("gp_practice"),
                rs.getString("emergency_contact"), Jdbc.instant(rs, "created_at"));
    }
}
