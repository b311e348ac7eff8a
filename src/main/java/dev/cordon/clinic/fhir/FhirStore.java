package dev.cordon.clinic.fhir;

import dev.cordon.clinic.store.Jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The FHIR face's view of the clinic's own tables: a consultation is an Encounter, a recording is a Media (and
 * its bytes a Binary with the same id). Release 2.0.0 keeps a recording's owner in recordings.patient_id (the
 * column the replay listing uses); 1.4.0 finds it through the consultation. Both faces therefore agree on who
 * owns a recording.
 */
final class FhirStore {
    static final int MEDIA_BYTES = 4096;

    record EncounterRow(long id, long patientId, Instant slot, String clinician, String status) {}

    record MediaRow(long id, long encounterId, long patientId, String mode, Instant recordedAt,
                    Integer durationSeconds, String contentType) {}

    record Bytes(String contentType, byte[] data) {}

    /**
     * Which Media or Encounters a search asks for. Each entry of {@code patientConstraints} is one search
     * parameter (patient=, subject=, or the narrowing's own): the owner must be in every one of those sets.
     * An empty set matches nothing; no constraints match every owner (the operator's view).
     */
    record Criteria(List<Set<Long>> patientConstraints, List<Set<Long>> encounterConstraints) {
        static Criteria any() { return new Criteria(List.of(), List.of()); }

        /** The same search without any patient/subject constraint. */
        Criteria withoutPatients() { return new Criteria(List.of(), encounterConstraints); }
    }

    private final Jdbc jdbc;
    private final boolean v2;
    private final String mediaOwner;

    FhirStore(Jdbc jdbc, boolean v2) {
        this.jdbc = jdbc;
        this.v2 = v2;
        this.mediaOwner = v2 ? "r.patient_id" : "c.patient_id";
    }

    // ---- Encounter = consultation -------------------------------------------------------------------------

    Optional<EncounterRow> encounter(long id) {
        return jdbc.queryOne("SELECT id, patient_id, slot, clinician, status FROM consultations WHERE id = ?",
                FhirStore::encounterRow, id);
    }

    List<EncounterRow> encounters(Criteria criteria, int offset, int limit) {
        List<Object> params = new ArrayList<>();
        String where = where(criteria, "patient_id", "id", params);
        return jdbc.query("SELECT id, patient_id, slot, clinician, status FROM consultations WHERE 1 = 1" + where
                + " ORDER BY id LIMIT " + limit + " OFFSET " + offset, FhirStore::encounterRow, params.toArray());
    }

    int countEncounters(Criteria criteria) {
        List<Object> params = new ArrayList<>();
        String where = where(criteria, "patient_id", "id", params);
        return jdbc.queryOne("SELECT COUNT(*) FROM consultations WHERE 1 = 1" + where, rs -> rs.getInt(1), params.toArray())
                .orElse(0);
    }

    long createEncounter(long patientId, Instant slot, String clinician, String status) {
        Instant now = Instant.now();
        return jdbc.inTransaction(c -> v2
                ? Jdbc.insert(c, "INSERT INTO consultations (patient_id, slot, clinician, status, mode, started_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        patientId, slot, clinician, status, "AUDIO", slot, now)
                : Jdbc.insert(c, "INSERT INTO consultations (patient_id, slot, clinician, status, started_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                        patientId, slot, clinician, status, slot, now));
    }

    // ---- Media = recording ----------------------------------------------------------------------------------

    private String mediaSelect() {
        return "SELECT r.id, r.consultation_id, " + mediaOwner + " AS owner, r.mode, r.recorded_at, r.duration_seconds, "
                + "r.content_type FROM recordings r JOIN consultations c ON c.id = r.consultation_id WHERE 1 = 1";
    }

    Optional<MediaRow> media(long id) {
        return jdbc.queryOne(mediaSelect() + " AND r.id = ?", FhirStore::mediaRow, id);
    }

    List<MediaRow> media(Criteria criteria, int offset, int limit) {
        List<Object> params = new ArrayList<>();
        String where = where(criteria, mediaOwner, "r.consultation_id", params);
        return jdbc.query(mediaSelect() + where + " ORDER BY r.id LIMIT " + limit + " OFFSET " + offset,
                FhirStore::mediaRow, params.toArray());
    }

    int countMedia(Criteria criteria) {
        List<Object> params = new ArrayList<>();
        String where = where(criteria, mediaOwner, "r.consultation_id", params);
        return jdbc.queryOne("SELECT COUNT(*) FROM recordings r JOIN consultations c ON c.id = r.consultation_id WHERE 1 = 1"
                + where, rs -> rs.getInt(1), params.toArray()).orElse(0);
    }

    /** The Media of these encounters, by the encounter reference (the consultation id). */
    List<MediaRow> mediaOfEncounters(Collection<Long> encounterIds) {
        if (encounterIds.isEmpty()) return List.of();
        return jdbc.query(mediaSelect() + " AND r.consultation_id IN (" + marks(encounterIds.size()) + ") ORDER BY r.id",
                FhirStore::mediaRow, encounterIds.toArray());
    }

    /**
     * Fault fhir-everything-follows-reference: the Media of every encounter held in the same time slot as one of
     * these encounters, whoever's they are.
     */
    List<MediaRow> mediaOfSameSlots(Collection<Long> encounterIds) {
        if (encounterIds.isEmpty()) return List.of();
        return jdbc.query(mediaSelect() + " AND c.slot IN (SELECT slot FROM consultations WHERE id IN ("
                + marks(encounterIds.size()) + ")) ORDER BY r.id", FhirStore::mediaRow, encounterIds.toArray());
    }

    /** Stores a recording of this consultation with synthetic media; its id (also the Binary's id). */
    long createMedia(long encounterId, long patientId, String contentType, String clinician) {
        String mode = contentType.startsWith("video/") ? "VIDEO" : "AUDIO";
        Instant now = Instant.now();
        return jdbc.inTransaction(c -> {
            long id = v2
                    ? Jdbc.insert(c, "INSERT INTO recordings (consultation_id, patient_id, mode, recorded_at, duration_seconds, clinician, content_type) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            encounterId, patientId, mode, now, 1, clinician, contentType)
                    : Jdbc.insert(c, "INSERT INTO recordings (consultation_id, mode, recorded_at, duration_seconds, clinician, content_type) VALUES (?, ?, ?, ?, ?, ?)",
                            encounterId, mode, now, 1, clinician, contentType);
            Jdbc.update(c, "UPDATE recordings SET media = ? WHERE id = ?", syntheticMedia(id, encounterId, mode), id);
            return id;
        });
    }

    Optional<Bytes> bytes(long mediaId) {
        return jdbc.queryOne("SELECT content_type, media FROM recordings WHERE id = ? AND media IS NOT NULL",
                rs -> new Bytes(rs.getString("content_type"), rs.getBytes("media")), mediaId);
    }

    /** The owner of a recording, if it exists. */
    Optional<Long> ownerOfMedia(long mediaId) {
        return media(mediaId).map(MediaRow::patientId);
    }

    /** A few KB that are unmistakably synthetic and name their recording, as the JSON API's media do. */
    static byte[] syntheticMedia(long recordingId, long consultationId, String mode) {
        byte[] header = ("CORDON-SYNTHETIC-MEDIA recording=" + recordingId + " consultation=" + consultationId
                + " mode=" + mode + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] media = new byte[MEDIA_BYTES];
        Arrays.fill(media, (byte) '.');
        System.arraycopy(header, 0, media, 0, header.length);
        media[MEDIA_BYTES - 1] = '\n';
        return media;
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static String where(Criteria criteria, String ownerColumn, String encounterColumn, List<Object> params) {
        StringBuilder sql = new StringBuilder();
        for (Set<Long> allowed : criteria.patientConstraints()) in(sql, ownerColumn, allowed, params);
        for (Set<Long> allowed : criteria.encounterConstraints()) in(sql, encounterColumn, allowed, params);
        return sql.toString();
    }

    private static void in(StringBuilder sql, String column, Set<Long> allowed, List<Object> params) {
        if (allowed.isEmpty()) {
            sql.append(" AND 1 = 0");
            return;
        }
        sql.append(" AND ").append(column).append(" IN (").append(marks(allowed.size())).append(')');
        params.addAll(allowed);
    }

    private static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private static EncounterRow encounterRow(ResultSet rs) throws SQLException {
        return new EncounterRow(rs.getLong("id"), rs.getLong("patient_id"), Jdbc.instant(rs, "slot"),
                rs.getString("clinician"), rs.getString("status"));
    }

    private static MediaRow mediaRow(ResultSet rs) throws SQLException {
        return new MediaRow(rs.getLong("id"), rs.getLong("consultation_id"), rs.getLong("owner"), rs.getString("mode"),
                Jdbc.instant(rs, "recorded_at"), Jdbc.nullableInt(rs, "duration_seconds"), rs.getString("content_type"));
    }
}
