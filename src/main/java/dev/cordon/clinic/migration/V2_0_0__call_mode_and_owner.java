package dev.cordon.clinic.migration;

import dev.cordon.clinic.Fault;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * Release 2.0.0: a consultation gets a call mode (it can switch from audio to video), and a recording gets
 * its owner's patient id so the replay listing no longer joins through consultations.
 *
 * A Java migration because two faults of the catalogue live here: which faults apply is known only at the
 * start that performs the update, so the instance is built with them (no static state).
 */
public final class V2_0_0__call_mode_and_owner extends BaseJavaMigration {
    /**
     * Recordings backfilled per statement. Recordings carry their media inline (4 KB each), and H2 holds every row an
     * UPDATE changes, old and new, in memory before writing it: one statement over 30,000 recordings held ~240 MB and
     * wrote the table out about seven times (docs/benchmarks.md, "The 10,000-patient rehearsal"). Ranges of the
     * primary key keep each statement small on both databases.
     */
    static final int BACKFILL_BATCH = 1000;

    private final Set<Fault> faults;

    public V2_0_0__call_mode_and_owner(Set<Fault> faults) {
        this.faults = Set.copyOf(faults);
    }

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        try (Statement s = connection.createStatement()) {
            s.execute("ALTER TABLE consultations ADD COLUMN mode VARCHAR(10)");
            if (faults.contains(Fault.RECORDINGS_DROPPED_ON_UPDATE)) {
                // The bug: a batched backfill whose range arithmetic skips every third consultation.
                s.execute("UPDATE consultations SET mode = 'AUDIO' WHERE MOD(id, 3) <> 0");
            } else {
                s.execute("UPDATE consultations SET mode = 'AUDIO'");
            }

            s.execute("ALTER TABLE recordings ADD COLUMN patient_id BIGINT");
            if (faults.contains(Fault.MIGRATION_MISATTRIBUTES)) {
                // The bug: the backfill uses the consultation id where it meant the consultation's patient id.
                backfillByIdRange(connection, "UPDATE recordings SET patient_id = consultation_id");
            } else {
                backfillByIdRange(connection, "UPDATE recordings SET patient_id = "
                        + "(SELECT c.patient_id FROM consultations c WHERE c.id = recordings.consultation_id)");
            }
            s.execute("CREATE INDEX recordings_patient ON recordings (patient_id)");
        }
    }

    /**
     * Runs {@code update} over every recording, {@link #BACKFILL_BATCH} ids at a time. On H2 each range is committed:
     * H2 commits at every DDL statement, so this migration was never one transaction there, and a committed range lets
     * H2 drop the range's undo log instead of carrying the whole table's. On PostgreSQL the ranges stay in Flyway's
     * transaction, so the migration remains all or nothing there.
     */
    private static void backfillByIdRange(Connection connection, String update) throws SQLException {
        long first;
        long last;
        try (Statement s = connection.createStatement();
             ResultSet bounds = s.executeQuery("SELECT MIN(id), MAX(id) FROM recordings")) {
            bounds.next();
            first = bounds.getLong(1);
            if (bounds.wasNull()) return;
            last = bounds.getLong(2);
        }
        boolean commitEachRange = !connection.getAutoCommit()
                && "H2".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName());
        try (PreparedStatement range = connection.prepareStatement(update + " WHERE id >= ? AND id < ?")) {
            for (long from = first; from <= last; from += BACKFILL_BATCH) {
                range.setLong(1, from);
                range.setLong(2, from + BACKFILL_BATCH);
                range.executeUpdate();
                if (commitEachRange) connection.commit();
            }
        }
    }
}
