package dev.cordon.clinic.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Patient records. From release 2.1.0 every patient also has an account id (the sign-up account), and further
 * login names may be linked to an account ({@code account_logins}).
 */
public final class Patients {
    private static final String BASE_COLUMNS =
            "id, name, date_of_birth, nhs_number, username, email, password_hash, external_ref, created_at";
    private static final String ACCOUNT_PREFIX = "acct-";
    private static final int ACCOUNT_RANDOM_BYTES = 10;

    private final Jdbc jdbc;
    private final boolean hasAccounts;
    private final String columns;
    private final SecureRandom random = new SecureRandom();

    /** @param hasAccounts the schema has patients.account_id and account_logins (release 2.1.0) */
    public Patients(Jdbc jdbc, boolean hasAccounts) {
        this.jdbc = jdbc;
        this.hasAccounts = hasAccounts;
        this.columns = hasAccounts ? BASE_COLUMNS + ", account_id" : BASE_COLUMNS;
    }

    /** Inserts the patient (with a fresh random account id on 2.1.0); empty when the username (exact match) is taken. */
    public Optional<Patient> create(NewPatient p) {
        Instant now = Instant.now();
        try {
            long id = jdbc.inTransaction(c -> insert(c, p, now));
            return findById(id);
        } catch (Jdbc.DataAccessException e) {
            if (e.isUniqueViolation()) return Optional.empty();
            throw e;
        }
    }

    /**
     * Inserts all the patients in one transaction, in order: either every one is created or none is. A taken username
     * (or one given twice in the list) throws {@link UsernameTaken} naming it, and nothing is created.
     */
    public List<Patient> createAll(List<NewPatient> patients) {
        Instant now = Instant.now();
        return jdbc.inTransaction(c -> {
            List<Patient> created = new ArrayList<>(patients.size());
            for (NewPatient p : patients) {
                long id;
                try {
                    id = insert(c, p, now);
                } catch (SQLException e) {
                    if ("23505".equals(e.getSQLState())) throw new UsernameTaken(p.username());
                    throw e;
                }
                created.add(Jdbc.query(c, "SELECT " + columns + " FROM patients WHERE id = ?", this::map, id).get(0));
            }
            return created;
        });
    }

    /** A username of a batch that exists already (or twice in the batch); the batch's transaction was rolled back. */
    public static final class UsernameTaken extends RuntimeException {
        private final String username;

        UsernameTaken(String username) {
            super("username already exists: " + username, null, false, false);
            this.username = username;
        }

        public String username() { return username; }
    }

    private long insert(Connection c, NewPatient p, Instant now) throws SQLException {
        return hasAccounts
                ? Jdbc.insert(c,
                        "INSERT INTO patients (name, date_of_birth, nhs_number, username, email, password_hash, external_ref, created_at, account_id) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        p.name(), p.dateOfBirth(), p.nhsNumber(), p.username(), p.email(), p.passwordHash(), p.externalRef(), now,
                        newAccountId())
                : Jdbc.insert(c,
                        "INSERT INTO patients (name, date_of_birth, nhs_number, username, email, password_hash, external_ref, created_at) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        p.name(), p.dateOfBirth(), p.nhsNumber(), p.username(), p.email(), p.passwordHash(), p.externalRef(), now);
    }

    public List<Patient> list() {
        return jdbc.query("SELECT " + columns + " FROM patients ORDER BY id", this::map);
    }

    public Optional<Patient> findById(long id) {
        return jdbc.queryOne("SELECT " + columns + " FROM patients WHERE id = ?", this::map, id);
    }

    public Optional<Patient> findByUsername(String username) {
        return jdbc.queryOne("SELECT " + columns + " FROM patients WHERE username = ?", this::map, username);
    }

    /** All patients whose username equals this one ignoring case, lowest id first. */
    public List<Patient> findByUsernameIgnoringCase(String username) {
        return jdbc.query("SELECT " + columns + " FROM patients WHERE LOWER(username) = LOWER(?) ORDER BY id",
                this::map, username);
    }

    /**
     * Links a further login name with its own password to the patient's account. False when the name is already
     * linked. Only on 2.1.0; the clean sign-up never links (the fault signup-reuses-lookalike-account does).
     */
    public boolean linkLogin(long patientId, String username, String passwordHash) {
        requireAccounts();
        try {
            jdbc.update("INSERT INTO account_logins (username, patient_id, password_hash, created_at) VALUES (?, ?, ?, ?)",
                    username, patientId, passwordHash, Instant.now());
            return true;
        } catch (Jdbc.DataAccessException e) {
            if (e.isUniqueViolation()) return false;
            throw e;
        }
    }

    /** A linked login name (exact match): the patient it opens and the password hash to check. Empty before 2.1.0. */
    public Optional<LinkedLogin> findLinkedLogin(String username) {
        if (!hasAccounts) return Optional.empty();
        return jdbc.queryOne("SELECT patient_id, password_hash FROM account_logins WHERE username = ?",
                rs -> new LinkedLogin(rs.getLong("patient_id"), rs.getString("password_hash")), username);
    }

    public record LinkedLogin(long patientId, String passwordHash) {}

    /** Deletes the patient with their care record, consultations, recordings, documents and linked logins; false if unknown. */
    public boolean delete(long id) {
        return jdbc.update("DELETE FROM patients WHERE id = ?", id) > 0;
    }

    /** True when the patient exists. */
    public boolean exists(long id) {
        return jdbc.queryOne("SELECT id FROM patients WHERE id = ?", rs -> rs.getLong(1), id).isPresent();
    }

    private void requireAccounts() {
        if (!hasAccounts) throw new IllegalStateException("accounts exist from release 2.1.0 on");
    }

    /** "acct-" and 20 random hex digits: the same shape as the ids the 2.1.0 migration derives. */
    private String newAccountId() {
        byte[] bytes = new byte[ACCOUNT_RANDOM_BYTES];
        random.nextBytes(bytes);
        return ACCOUNT_PREFIX + HexFormat.of().formatHex(bytes);
    }

    private Patient map(ResultSet rs) throws SQLException {
        return new Patient(rs.getLong("id"), rs.getString("name"), rs.getObject("date_of_birth", LocalDate.class),
                rs.getString("nhs_number"), rs.getString("username"), rs.getString("email"),
                rs.getString("password_hash"), rs.getString("external_ref"), Jdbc.instant(rs, "created_at"),
                hasAccounts ? rs.getString("account_id") : null);
    }
}
