package dev.cordon.clinic.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Documents (release 2.1.0): PDFs a patient attaches to their own consultations. Ids are sequence numbers, like
 * recordings: ids are not secrets, the owner check is what protects a document.
 */
public final class Documents {
    private static final String COLUMNS = "id, patient_id, consultation_id, title, content_type, size_bytes, created_at";

    private final Jdbc jdbc;

    public Documents(Jdbc jdbc) { this.jdbc = jdbc; }

    public Document create(long patientId, long consultationId, String title, String contentType, byte[] content) {
        Instant now = Instant.now();
        long id = jdbc.inTransaction(c -> Jdbc.insert(c,
                "INSERT INTO documents (patient_id, consultation_id, title, content_type, size_bytes, content, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)",
                patientId, consultationId, title, contentType, content.length, content, now));
        return findAnyOwner(id).orElseThrow();
    }

    /**
     * Up to {@code limit} documents with an id above {@code afterId}, ordered by id. {@code ownerId} null drops the
     * owner filter (only the faulty cursor path does that).
     */
    public List<Document> after(Long ownerId, long afterId, int limit) {
        if (ownerId == null) {
            return jdbc.query("SELECT " + COLUMNS + " FROM documents WHERE id > ? ORDER BY id LIMIT " + limit,
                    Documents::map, afterId);
        }
        return jdbc.query("SELECT " + COLUMNS + " FROM documents WHERE patient_id = ? AND id > ? ORDER BY id LIMIT " + limit,
                Documents::map, ownerId, afterId);
    }

    /** The document if it belongs to this owner. */
    public Optional<Document> findOwned(long id, long ownerId) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM documents WHERE id = ? AND patient_id = ?", Documents::map, id, ownerId);
    }

    /** The document, whoever owns it. Only creation and the faulty paths use this. */
    public Optional<Document> findAnyOwner(long id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM documents WHERE id = ?", Documents::map, id);
    }

    public Optional<byte[]> content(long id) {
        return jdbc.queryOne("SELECT content FROM documents WHERE id = ?", rs -> rs.getBytes("content"), id);
    }

    /** Deletes the document if it belongs to this owner; false otherwise. */
    public boolean deleteOwned(long id, long ownerId) {
        return jdbc.update("DELETE FROM documents WHERE id = ? AND patient_id = ?", id, ownerId) > 0;
    }

    /** Deletes the document whoever owns it. Only the faulty path uses this. */
    public boolean deleteAnyOwner(long id) {
        return jdbc.update("DELETE FROM documents WHERE id = ?", id) > 0;
    }

    private static Document map(ResultSet rs) throws SQLException {
        return new Document(rs.getLong("id"), rs.getLong("patient_id"), rs.getLong("consultation_id"), rs.getString("title"),
                rs.getString("content_type"), rs.getInt("size_bytes"), Jdbc.instant(rs, "created_at"));
    }
}
