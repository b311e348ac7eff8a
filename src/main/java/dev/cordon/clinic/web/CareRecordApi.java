package dev.cordon.clinic.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.clinic.ClinicSettings;
import dev.cordon.clinic.Fault;
import dev.cordon.clinic.store.CareRecord;
import dev.cordon.clinic.store.Recordings;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.Map;
import java.util.Optional;

/**
 * Release 2.2.0: each account creates its own care record, once; its consultations, recordings and documents are
 * filed under it. Another patient's care record answers 404 like one that does not exist; its replay listing 403.
 */
final class CareRecordApi {
    static final int MAX_FIELD_LENGTH = 200;

    private final Services s;

    CareRecordApi(Services s) { this.s = s; }

    void register(Javalin app) {
        app.post("/api/care-records", this::create);
        app.get("/api/care-records/{id}", this::read);
        app.delete("/api/care-records/{id}", this::delete);
        app.get("/api/care-records/{id}/replays", this::replays);
    }

    private void create(Context ctx) {
        long caller = Http.caller(s, ctx);
        JsonNode body = Http.body(s, ctx);
        String gpPractice = bounded(body, "gpPractice");
        String emergencyContact = bounded(body, "emergencyContact");
        Optional<CareRecord> created = s.careRecords().create(caller, gpPractice, emergencyContact);
        if (created.isEmpty()) {
            Long existing = s.careRecords().ofPatient(caller).map(CareRecord::id).orElse(null);
            Http.json(s, ctx, 409, Http.map("error", "you already have a care record (one per account)", "id", existing));
            return;
        }
        Http.json(s, ctx, 201, item(created.get()));
    }

    private static String bounded(JsonNode body, String field) {
        String value = Http.text(body, field);
        if (value.length() > MAX_FIELD_LENGTH) throw ApiError.badRequest(field + " must be at most " + MAX_FIELD_LENGTH + " characters");
        return value;
    }

    private void read(Context ctx) {
        long caller = Http.caller(s, ctx);
        Http.json(s, ctx, 200, item(owned(ctx, caller)));
    }

    private void delete(Context ctx) {
        long caller = Http.caller(s, ctx);
        CareRecord record = owned(ctx, caller);
        if (!s.active(Fault.DELETE_KEEPS_DATA)) { // The bug: answered as deleted, nothing removed.
            s.careRecords().delete(record.id());
        }
        ctx.status(204);
    }

    /** The replays filed under the care record, paged as GET /api/replays; only for the record's owner (403). */
    private void replays(Context ctx) {
        long caller = Http.caller(s, ctx);
        long id = Http.id(ctx, "care record");
        int page = Http.positiveInt(ctx, "page", 1, Integer.MAX_VALUE);
        int size = Http.positiveInt(ctx, "size", s.pageSize(), ClinicSettings.MAX_PAGE_SIZE);
        if (s.careRecords().find(id).filter(r -> r.patientId() == caller).isEmpty()) {
            throw new ApiError(403, "care record " + id + " is not yours");
        }
        boolean anyRecord = page > 1 && s.has(Fault.LATER_PAGES_UNFILTERED);
        Recordings.Page result = s.recordings().pageOfCareRecord(id, page, size, anyRecord);
        String base = "/api/care-records/" + id + "/replays";
        String next = (long) page * size < result.total() ? base + "?page=" + (page + 1) + "&size=" + size : null;
        Http.json(s, ctx, 200, Http.map("items", result.items().stream().map(PatientApi::item).toList(),
                "page", page, "size", size, "total", result.total(), "next", next));
    }

    /** The caller's care record named by the path; 404 for another patient's, like an unknown one. */
    private CareRecord owned(Context ctx, long caller) {
        long id = Http.id(ctx, "care record");
        return s.careRecords().find(id).filter(r -> r.patientId() == caller)
                .orElseThrow(() -> ApiError.notFound("care record"));
    }

    static Map<String, Object> item(CareRecord r) {
        return Http.map("id", r.id(), "patientId", r.patientId(), "gpPractice", r.gpPractice(),
                "emergencyContact", r.emergencyContact(), "createdAt", r.createdAt().toString());
    }
}
