package dev.cordon.clinic.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Replay queries. A patient sees the recordings of their completed consultations. Release 1.4.0 finds the
 * owner through the consultation; 2.0.0 uses the owner column its migration added (faster, no join on owner)
 * and only lists consultations with a known call mode.
 */
public final class Recordings {
    private static final String COLUMNS =
            "r.id, r.consultation_id, r.mode, r.duration_seconds, r.recorded_at, r.clinician, r.content_type";

    public record Page(List<Recording> items, long total) {}

    public record Media(String contentType, byte[] bytes) {}

    private final Jdbc jdbc;
    private final String ownerColumn;
    private final String visible;

    public Recordings(Jdbc jdbc, boolean hasCallMode) {
        this.jdbc = jdbc;
        this.ownerColumn = hasCallMode ? "r.patient_id" : "c.patient_id";
        this.visible = hasCallMode
                ? "c.status = 'COMPLETED' AND c.mode IN ('AUDIO', 'VIDEO')"
                : "c.status = 'COMPLETED'";
    }

    private String from() {
        return " FROM recordings r JOIN consultations c ON c.id = r.consultation_id WHERE " + visible;
    }

    /** One page (1-based) of the owner's replays, ordered by id. {@code anyOwner} drops the owner filter. */
    public Page page(long ownerId, int page, int size, boolean anyOwner) {
        String owner = anyOwner ? "" : " AND " + ownerColumn + " = ?";
        Object[] params = anyOwner ? new Object[] {} : new Object[] {ownerId};
        List<Recording> items = jdbc.query("SELECT " + COLUMNS + from() + owner + " ORDER BY r.id LIMIT " + size
                + " OFFSET " + ((long) (page - 1) * size), Recordings::map, params);
        long total = count(ownerId);
        return new Page(items, total);
    }

    /**
     * One page (1-based) of the replays filed under a care record (2.2.0: through the consultation they were made of),
     * ordered by id. {@code anyRecord} drops the care-record filter.
     */
    public Page pageOfCareRecord(long careRecordId, int page, int size, boolean anyRecord) {
        String filter = anyRecord ? "" : " AND c.care_record_id = ?";
        Object[] params = anyRecord ? new Object[] {} : new Object[] {careRecordId};
        List<Recording> items = jdbc.query("SELECT " + COLUMNS + from() + filter + " ORDER BY r.id LIMIT " + size
                + " OFFSET " + ((long) (page - 1) * size), Recordings::map, params);
        long total = jdbc.queryOne("SELECT COUNT(*)" + from() + " AND c.care_record_id = ?", rs -> rs.getLong(1), careRecordId)
                .orElse(0L);
        return new Page(items, total);
    }

    /** A recording in any state with the patient it belongs to (the operator's read-back). */
    public record Held(Recording recording, long patientId) {}

    /** The recording whatever its state and owner; empty when it is gone. Only the operator's read-back uses this. */
    public Optional<Held> findHeld(long id) {
        return jdbc.queryOne("SELECT " + COLUMNS + ", " + ownerColumn + " AS owner_id"
                        + " FROM recordings r JOIN consultations c ON c.id = r.consultation_id WHERE r.id = ?",
                rs -> new Held(map(rs), rs.getLong("owner_id")), id);
    }

    public long count(long ownerId) {
        return jdbc.queryOne("SELECT COUNT(*)" + from() + " AND " + ownerColumn + " = ?", rs -> rs.getLong(1), ownerId)
                .orElse(0L);
    }

    /** The recording if it is visible and belongs to this owner. */
    public Optional<Recording> findOwned(long id, long ownerId) {
        return jdbc.queryOne("SELECT " + COLUMNS + from() + " AND r.id = ? AND " + ownerColumn + " = ?",
                Recordings::map, id, ownerId);
    }

    /** The recording if it is visible, whoever owns it. Only the faulty paths use this. */
    public Optional<Recording> findAnyOwner(long id) {
        return jdbc.queryOne("SELECT " + COLUMNS + from() + " AND r.id = ?", Recordings::map, id);
    }

    public Optional<Media> media(long id) {
        return jdbc.queryOne("SELECT content_type, media FROM recordings WHERE id = ? AND media IS NOT NULL",
                rs -> new Media(rs.getString("content_type"), rs.getBytes("media")), id);
    }

    private static Recording map(ResultSet rs) throws SQLException {
        return new Recording(rs.getLong("id"), rs.getLong("consultation_id"), rs.getString("mode"),
                Jdbc.nullableInt(rs, "duration_seconds"), Jdbc.instant(rs, "recorded_at"), rs.getString("clinician"),
                rs.getString("content_type"));
    }
}
