package dev.cordon.clinic.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Consultations and their lifecycle: BOOKED -> IN_PROGRESS -> COMPLETED. Starting one starts an audio
 * recording; in 2.0.0 switching to video ends the audio recording and starts a video one.
 */
public final class Consultations {
    static final int MEDIA_BYTES = 4096;

    /** Why a lifecycle step was refused. */
    public enum Outcome { OK, NOT_FOUND, CONFLICT }

    public record Result(Outcome outcome, Consultation consultation, String reason) {
        static Result ok(Consultation c) { return new Result(Outcome.OK, c, null); }
        static Result notFound() { return new Result(Outcome.NOT_FOUND, null, "consultation not found"); }
        static Result conflict(String reason) { return new Result(Outcome.CONFLICT, null, reason); }
    }

    /** Where switch-to-video files the new video recording: the switched consultation, or a fault's wrong one. */
    public enum VideoFiling {
        /** The clean release: the consultation that was switched. */
        OWN,
        /** Fault switch-owner-by-slot: the first consultation booked in the same time slot. */
        FIRST_IN_SLOT,
        /** Fault switch-owner-by-time-of-day: the first consultation booked at the same time of day, on any date. */
        FIRST_AT_TIME_OF_DAY
    }

    /** One page (1-based) of a patient's consultations and how many they have. */
    public record Page(List<Consultation> items, long total) {}

    private static final long SECONDS_PER_DAY = 86_400;

    private final Jdbc jdbc;
    private final boolean hasCallMode;
    private final boolean hasCareRecords;
    private final VideoFiling videoFiling;

    /**
     * @param hasCallMode the schema has consultations.mode and recordings.patient_id (release 2.0.0)
     * @param videoBySlot fault switch-owner-by-slot: the video recording goes to the slot's first consultation
     */
    public Consultations(Jdbc jdbc, boolean hasCallMode, boolean videoBySlot) {
        this(jdbc, hasCallMode, false, videoBySlot ? VideoFiling.FIRST_IN_SLOT : VideoFiling.OWN);
    }

    /** @param hasCareRecords the schema has consultations.care_record_id (release 2.2.0) */
    public Consultations(Jdbc jdbc, boolean hasCallMode, boolean hasCareRecords, VideoFiling videoFiling) {
        this.jdbc = jdbc;
        this.hasCallMode = hasCallMode;
        this.hasCareRecords = hasCareRecords;
        this.videoFiling = videoFiling;
    }

    public Consultation book(long patientId, Instant slot, String clinician) {
        return book(patientId, null, slot, clinician);
    }

    /** Books a consultation of this patient, filed under this care record (2.2.0; null before). */
    public Consultation book(long patientId, Long careRecordId, Instant slot, String clinician) {
        Instant now = Instant.now();
        long id = jdbc.inTransaction(c -> hasCareRecords
                ? Jdbc.insert(c, "INSERT INTO consultations (patient_id, care_record_id, slot, clinician, status, mode, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        patientId, careRecordId, slot, clinician, Consultation.BOOKED, Consultation.AUDIO, now)
                : hasCallMode
                ? Jdbc.insert(c, "INSERT INTO consultations (patient_id, slot, clinician, status, mode, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                        patientId, slot, clinician, Consultation.BOOKED, Consultation.AUDIO, now)
                : Jdbc.insert(c, "INSERT INTO consultations (patient_id, slot, clinician, status, created_at) VALUES (?, ?, ?, ?, ?)",
                        patientId, slot, clinician, Consultation.BOOKED, now));
        return find(id).orElseThrow();
    }

    /** The consultation, whoever owns it. */
    public Optional<Consultation> find(long id) {
        return jdbc.inTransaction(c -> find(c, id));
    }

    /** The consultation if it belongs to this patient. */
    public Optional<Consultation> findOwned(long id, long patientId) {
        return find(id).filter(k -> k.patientId() == patientId);
    }

    /** One page (1-based) of the patient's consultations, ordered by id (without their recording ids: one query). */
    public Page page(long patientId, int page, int size) {
        List<Consultation> items = jdbc.query(select() + " WHERE patient_id = ? ORDER BY id LIMIT " + size
                + " OFFSET " + ((long) (page - 1) * size), this::row, patientId);
        long total = jdbc.queryOne("SELECT COUNT(*) FROM consultations WHERE patient_id = ?", rs -> rs.getLong(1), patientId)
                .orElse(0L);
        return new Page(items, total);
    }

    /** Changes the clinician of the consultation; the consultation as it is afterwards. */
    public Optional<Consultation> changeClinician(long id, String clinician) {
        return jdbc.inTransaction(c -> {
            if (Jdbc.update(c, "UPDATE consultations SET clinician = ? WHERE id = ?", clinician, id) == 0) return Optional.empty();
            return find(c, id);
        });
    }

    /** Deletes the consultation with its recordings and documents (foreign keys cascade); false if unknown. */
    public boolean delete(long id) {
        return jdbc.update("DELETE FROM consultations WHERE id = ?", id) > 0;
    }

    public Result start(long id) {
        return jdbc.inTransaction(c -> {
            Optional<Consultation> found = findForUpdate(c, id);
            if (found.isEmpty()) return Result.notFound();
            Consultation k = found.get();
            if (!k.status().equals(Consultation.BOOKED)) return Result.conflict("consultation is " + k.status() + ", not BOOKED");
            Instant now = Instant.now();
            Jdbc.update(c, "UPDATE consultations SET status = ?, started_at = ? WHERE id = ?", Consultation.IN_PROGRESS, now, id);
            startRecording(c, k.id(), k.patientId(), Consultation.AUDIO, k.clinician(), now);
            return Result.ok(find(c, id).orElseThrow());
        });
    }

    public Result switchToVideo(long id) {
        return jdbc.inTransaction(c -> {
            Optional<Consultation> found = findForUpdate(c, id);
            if (found.isEmpty()) return Result.notFound();
            Consultation k = found.get();
            if (!k.status().equals(Consultation.IN_PROGRESS)) return Result.conflict("consultation is " + k.status() + ", not IN_PROGRESS");
            if (!Consultation.AUDIO.equals(k.mode())) return Result.conflict("consultation is already " + k.mode());
            Instant now = Instant.now();
            endOpenRecordings(c, id, now);
            Jdbc.update(c, "UPDATE consultations SET mode = ? WHERE id = ?", Consultation.VIDEO, id);
            long targetConsultation = k.id();
            long targetPatient = k.patientId();
            if (videoFiling == VideoFiling.FIRST_IN_SLOT) {
                // The bug: "the consultation of this slot" looked up by time slot alone.
                long[] first = Jdbc.query(c, "SELECT id, patient_id FROM consultations WHERE slot = ? ORDER BY id LIMIT 1",
                        rs -> new long[] {rs.getLong("id"), rs.getLong("patient_id")}, k.slot()).get(0);
                targetConsultation = first[0];
                targetPatient = first[1];
            } else if (videoFiling == VideoFiling.FIRST_AT_TIME_OF_DAY) {
                // The bug: the daily schedule is keyed by time of day, and the lookup forgot the date. Seconds since the
                // epoch are the same on H2 and PostgreSQL whatever the session's time zone, so the day is the UTC day.
                long secondOfDay = Math.floorMod(k.slot().getEpochSecond(), SECONDS_PER_DAY);
                long[] first = Jdbc.query(c, "SELECT id, patient_id FROM consultations"
                                + " WHERE MOD(CAST(EXTRACT(EPOCH FROM slot) AS BIGINT), " + SECONDS_PER_DAY + ") = ? ORDER BY id LIMIT 1",
                        rs -> new long[] {rs.getLong("id"), rs.getLong("patient_id")}, secondOfDay).get(0);
                targetConsultation = first[0];
                targetPatient = first[1];
            }
            long videoId = startRecording(c, targetConsultation, targetPatient, Consultation.VIDEO, k.clinician(), now);
            Consultation after = find(c, id).orElseThrow();
            if (!after.recordingIds().contains(videoId)) {
                // The handler reports the recording it created, wherever it was filed.
                List<Long> ids = new java.util.ArrayList<>(after.recordingIds());
                ids.add(videoId);
                after = new Consultation(after.id(), after.patientId(), after.slot(), after.clinician(), after.status(), after.mode(),
                        List.copyOf(ids), after.careRecordId());
            }
            return Result.ok(after);
        });
    }

    public Result complete(long id) {
        return jdbc.inTransaction(c -> {
            Optional<Consultation> found = findForUpdate(c, id);
            if (found.isEmpty()) return Result.notFound();
            Consultation k = found.get();
            if (!k.status().equals(Consultation.IN_PROGRESS)) return Result.conflict("consultation is " + k.status() + ", not IN_PROGRESS");
            endOpenRecordings(c, id, Instant.now());
            Jdbc.update(c, "UPDATE consultations SET status = ? WHERE id = ?", Consultation.COMPLETED, id);
            return Result.ok(find(c, id).orElseThrow());
        });
    }

    private long startRecording(Connection c, long consultationId, long patientId, String mode, String clinician, Instant at)
            throws SQLException {
        String contentType = Consultation.VIDEO.equals(mode) ? "video/webm" : "audio/ogg";
        long id = hasCallMode
                ? Jdbc.insert(c, "INSERT INTO recordings (consultation_id, patient_id, mode, recorded_at, clinician, content_type) VALUES (?, ?, ?, ?, ?, ?)",
                        consultationId, patientId, mode, at, clinician, contentType)
                : Jdbc.insert(c, "INSERT INTO recordings (consultation_id, mode, recorded_at, clinician, content_type) VALUES (?, ?, ?, ?, ?)",
                        consultationId, mode, at, clinician, contentType);
        Jdbc.update(c, "UPDATE recordings SET media = ? WHERE id = ?", syntheticMedia(id, consultationId, mode), id);
        return id;
    }

    private static void endOpenRecordings(Connection c, long consultationId, Instant now) throws SQLException {
        List<long[]> open = Jdbc.query(c, "SELECT id, recorded_at FROM recordings WHERE consultation_id = ? AND duration_seconds IS NULL",
                rs -> new long[] {rs.getLong("id"), Jdbc.instant(rs, "recorded_at").getEpochSecond()}, consultationId);
        for (long[] r : open) {
            long seconds = Math.max(1, Duration.between(Instant.ofEpochSecond(r[1]), now).getSeconds());
            Jdbc.update(c, "UPDATE recordings SET duration_seconds = ? WHERE id = ?", (int) seconds, r[0]);
        }
    }

    /** A few KB that are unmistakably synthetic and name their recording. */
    static byte[] syntheticMedia(long recordingId, long consultationId, String mode) {
        byte[] header = ("CORDON-SYNTHETIC-MEDIA recording=" + recordingId + " consultation=" + consultationId
                + " mode=" + mode + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] media = new byte[MEDIA_BYTES];
        Arrays.fill(media, (byte) '.');
        System.arraycopy(header, 0, media, 0, header.length);
        media[MEDIA_BYTES - 1] = '\n';
        return media;
    }

    private Optional<Consultation> findForUpdate(Connection c, long id) throws SQLException {
        Jdbc.query(c, "SELECT id FROM consultations WHERE id = ? FOR UPDATE", rs -> rs.getLong(1), id);
        return find(c, id);
    }

    private Optional<Consultation> find(Connection c, long id) throws SQLException {
        List<Consultation> rows = Jdbc.query(c, select() + " WHERE id = ?", this::row, id);
        if (rows.isEmpty()) return Optional.empty();
        Consultation k = rows.get(0);
        List<Long> recordingIds = Jdbc.query(c, "SELECT id FROM recordings WHERE consultation_id = ? ORDER BY id",
                rs -> rs.getLong(1), id);
        return Optional.of(new Consultation(k.id(), k.patientId(), k.slot(), k.clinician(), k.status(), k.mode(),
                List.copyOf(recordingIds), k.careRecordId()));
    }

    private String select() {
        String modeColumn = hasCallMode ? "mode" : "'AUDIO' AS mode";
        String careRecordColumn = hasCareRecords ? "care_record_id" : "CAST(NULL AS BIGINT) AS care_record_id";
        return "SELECT id, patient_id, slot, clinician, status, " + modeColumn + ", " + careRecordColumn + " FROM consultations";
    }

    /** A consultation row without its recording ids. */
    private Consultation row(ResultSet rs) throws SQLException {
        String mode = rs.getString("mode");
        return new Consultation(rs.getLong("id"), rs.getLong("patient_id"), Jdbc.instant(rs, "slot"), rs.getString("clinician"),
                rs.getString("status"), mode == null ? Consultation.AUDIO : mode, List.of(), nullableLong(rs, "care_record_id"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

}
