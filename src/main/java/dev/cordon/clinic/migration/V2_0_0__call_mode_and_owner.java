package dev.cordon.clinic.migration;

import dev.cordon.clinic.Fault;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

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
    private final Set<Fault> faults;

    public V2_0_0__call_mode_and_owner(Set<Fault> faults) {
        this.faults = Set.copyOf(faults);
    }

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement s = context.getConnection().createStatement()) {
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
                s.execute("UPDATE recordings SET patient_id = consultation_id");
            } else {
                s.execute("UPDATE recordings SET patient_id = "
                        + "(SELECT c.patient_id FROM consultations c WHERE c.id = recordings.consultation_id)");
            }
            s.execute("CREATE INDEX recordings_patient ON recordings (patient_id)");
        }
    }
}
