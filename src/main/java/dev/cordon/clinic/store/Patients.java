package dev.cordon.clinic.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

public final class Patients {
    private static final String COLUMNS =
            "id, name, date_of_birth, nhs_number, username, email, password_hash, external_ref, created_at";
    private final Jdbc jdbc;

    public Patients(Jdbc jdbc) { this.jdbc = jdbc; }

    /** Inserts the patient; empty when the username (exact match) is taken. */
    public Optional<Patient> create(NewPatient p) {
        Instant now = Instant.now();
        try {
            long id = jdbc.inTransaction(c -> Jdbc.insert(c,
                    "INSERT INTO patients (name, date_of_birth, nhs_number, username, email, password_hash, external_ref, created_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    p.name(), p.dateOfBirth(), p.nhsNumber(), p.username(), p.email(), p.passwordHash(), p.externalRef(), now));
            return findById(id);
        } catch (Jdbc.DataAccessException e) {
            if (e.isUniqueViolation()) return Optional.empty();
            throw e;
        }
    }

    public List<Patient> list() {
        return jdbc.query("SELECT " + COLUMNS + " FROM patients ORDER BY id", Patients::map);
    }

    public Optional<Patient> findById(long id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM patients WHERE id = ?", Patients::map, id);
    }

    public Optional<Patient> findByUsername(String username) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM patients WHERE username = ?", Patients::map, username);
    }

    /** All patients whose username equals this one ignoring case, lowest id first. */
    public List<Patient> findByUsernameIgnoringCase(String username) {
        return jdbc.query("SELECT " + COLUMNS + " FROM patients WHERE LOWER(username) = LOWER(?) ORDER BY id",
                Patients::map, username);
    }

    /** Deletes the patient with their consultations and recordings; false if unknown. */
    public boolean delete(long id) {
        return jdbc.update("DELETE FROM patients WHERE id = ?", id) > 0;
    }

    private static Patient map(ResultSet rs) throws SQLException {
        return new Patient(rs.getLong("id"), rs.getString("name"), rs.getObject("date_of_birth", LocalDate.class),
                rs.getString("nhs_number"), rs.getString("username"), rs.getString("email"),
                rs.getString("password_hash"), rs.getString("external_ref"), Jdbc.instant(rs, "created_at"));
    }
}
