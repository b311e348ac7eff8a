package dev.cordon.clinic.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.clinic.ClinicSettings;
import dev.cordon.clinic.Fault;
import dev.cordon.clinic.store.Consultation;
import dev.cordon.clinic.store.Consultations;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Release 2.2.0: a patient's own consultations: listing, one by id, changing the clinician (a write that needs the
 * consultation's related ids: its care record and slot), delete. Another patient's consultation answers 404 like
 * one that does not exist. Booking stays in {@link PatientApi}.
 */
final class ConsultationApi {
    private final Services s;

    ConsultationApi(Services s) { this.s = s; }

    void register(Javalin app) {
        app.get("/api/consultations", this::list);
        app.get("/api/consultations/{id}", this::read);
        app.put("/api/consultations/{id}", this::update);
        app.delete("/api/consultations/{id}", this::delete);
    }

    private void list(Context ctx) {
        long caller = Http.caller(s, ctx);
        int page = Http.positiveInt(ctx, "page", 1, Integer.MAX_VALUE);
        int size = Http.positiveInt(ctx, "size", s.pageSize(), ClinicSettings.MAX_PAGE_SIZE);
        Consultations.Page result = s.consultations().page(caller, page, size);
        String next = (long) page * size < result.total() ? "/api/consultations?page=" + (page + 1) + "&size=" + size : null;
        Http.json(s, ctx, 200, Http.map("items", result.items().stream().map(ConsultationApi::item).toList(),
                "page", page, "size", size, "total", result.total(), "next", next));
    }

    private void read(Context ctx) {
        long caller = Http.caller(s, ctx);
        Http.json(s, ctx, 200, item(owned(ctx, caller)));
    }

    /**
     * Changes the clinician. The body must carry all three of clinician, slot and careRecordId, the last two equal to
     * the consultation's own (400 otherwise): a client can only write with the related ids it read. Only the owner may
     * (404 for anyone else); with the fault consultation-update-without-owner the related ids are all that is checked.
     */
    private void update(Context ctx) {
        long caller = Http.caller(s, ctx);
        JsonNode body = Http.body(s, ctx);
        String clinician = Http.text(body, "clinician");
        Instant slot = PatientApi.slot(Http.text(body, "slot"));
        long careRecordId = Http.bodyId(body, "careRecordId");
        long id = Http.id(ctx, "consultation");
        Optional<Consultation> found = s.active(Fault.CONSULTATION_UPDATE_WITHOUT_OWNER)
                ? s.consultations().find(id) // The bug: "the client already proved it knows this consultation".
                : s.consultations().findOwned(id, caller);
        Consultation k = found.orElseThrow(() -> ApiError.notFound("consultation"));
        if (!slot.equals(k.slot()) || !Objects.equals(careRecordId, k.careRecordId())) {
            throw ApiError.badRequest("slot and careRecordId must be those of consultation " + id
                    + " (read it with GET /api/consultations/" + id + "); only the clinician can change");
        }
        Consultation changed = s.consultations().changeClinician(id, clinician).orElseThrow(() -> ApiError.notFound("consultation"));
        Http.json(s, ctx, 200, item(changed));
    }

    private void delete(Context ctx) {
        long caller = Http.caller(s, ctx);
        Consultation k = owned(ctx, caller);
        if (!s.active(Fault.DELETE_KEEPS_DATA)) { // The bug: answered as deleted, nothing removed.
            s.consultations().delete(k.id());
        }
        ctx.status(204);
    }

    private Consultation owned(Context ctx, long caller) {
        long id = Http.id(ctx, "consultation");
        return s.consultations().findOwned(id, caller).orElseThrow(() -> ApiError.notFound("consultation"));
    }

    static Map<String, Object> item(Consultation c) {
        return Http.map("id", c.id(), "slot", c.slot().toString(), "clinician", c.clinician(), "careRecordId", c.careRecordId(),
                "mode", c.mode(), "status", c.status());
    }
}
