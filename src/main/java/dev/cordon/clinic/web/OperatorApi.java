package dev.cordon.clinic.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.clinic.Fault;
import dev.cordon.clinic.Releases;
import dev.cordon.clinic.store.Consultation;
import dev.cordon.clinic.store.Consultations;
import dev.cordon.clinic.store.Document;
import dev.cordon.clinic.store.NewPatient;
import dev.cordon.clinic.store.Patient;
import dev.cordon.clinic.store.Patients;
import dev.cordon.clinic.store.Recordings;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/** The operator's endpoints: manage patients (one by one or in batches, every release) and play the clinician's side of a consultation. */
final class OperatorApi {
    static final String HOW_TO_SET =
            "operator secret not configured: start the clinic with --operator-secret or the CLINIC_OPERATOR_SECRET environment variable";

    /** The most patients one batch create may hold; a larger batch is refused whole (413). */
    static final int MAX_BATCH = 100;

    private final Services s;
    private final byte[] secretDigest;

    OperatorApi(Services s) {
        this.s = s;
        this.secretDigest = s.operatorSecret() == null || s.operatorSecret().isEmpty() ? null : sha256(s.operatorSecret());
    }

    void register(Javalin app) {
        app.post("/api/operator/patients", this::createPatient);
        app.post("/api/operator/patients/batch", this::createPatients);
        app.get("/api/operator/patients", this::listPatients);
        app.delete("/api/operator/patients/{id}", this::deletePatient);
        app.post("/api/operator/consultations/{id}/start", ctx -> lifecycle(ctx, s.consultations()::start));
        if (Releases.hasVideo(s.release())) {
            app.post("/api/operator/consultations/{id}/switch-to-video", ctx -> lifecycle(ctx, s.consultations()::switchToVideo));
        }
        app.post("/api/operator/consultations/{id}/complete", ctx -> lifecycle(ctx, s.consultations()::complete));
        // Read-back for cleanup, on every release that has the item: any owner's item, or 404 once it is gone.
        if (Releases.hasCareRecords(s.release())) {
            app.get("/api/operator/care-records/{id}", ctx -> readBack(ctx, "care record",
                    id -> s.careRecords().find(id).map(CareRecordApi::item)));
        }
        app.get("/api/operator/consultations/{id}", ctx -> readBack(ctx, "consultation",
                id -> s.consultations().find(id).map(OperatorApi::heldConsultation)));
        app.get("/api/operator/recordings/{id}", ctx -> readBack(ctx, "recording",
                id -> s.recordings().findHeld(id).map(OperatorApi::heldRecording)));
        if (Releases.hasDocuments(s.release())) {
            app.get("/api/operator/documents/{id}", ctx -> readBack(ctx, "document",
                    id -> s.documents().findAnyOwner(id).map(OperatorApi::heldDocument)));
        }
    }

    private void readBack(Context ctx, String what, LongFunction<Optional<Map<String, Object>>> find) {
        authorise(ctx);
        Http.json(s, ctx, 200, find.apply(Http.id(ctx, what)).orElseThrow(() -> ApiError.notFound(what)));
    }

    private static Map<String, Object> heldConsultation(Consultation c) {
        Map<String, Object> item = Http.map("id", c.id(), "patientId", c.patientId());
        item.putAll(ConsultationApi.item(c));
        item.put("recordingIds", c.recordingIds());
        return item;
    }

    private static Map<String, Object> heldRecording(Recordings.Held held) {
        Map<String, Object> item = Http.map("id", held.recording().id(), "patientId", held.patientId());
        item.putAll(PatientApi.item(held.recording()));
        return item;
    }

    private static Map<String, Object> heldDocument(Document d) {
        Map<String, Object> item = Http.map("id", d.id(), "patientId", d.patientId());
        item.putAll(DocumentApi.item(d));
        return item;
    }

    private void authorise(Context ctx) {
        Http.privateResponse(s, ctx);
        if (secretDigest == null) throw new ApiError(503, HOW_TO_SET);
        String presented = Http.bearer(ctx);
        if (presented == null) throw ApiError.unauthorized("missing operator secret (Authorization: Bearer <secret>)");
        // Compare digests so neither content nor length leaks through timing.
        if (!MessageDigest.isEqual(secretDigest, sha256(presented))) throw new ApiError(403, "operator secret wrong");
    }

    private void createPatient(Context ctx) {
        authorise(ctx);
        Optional<Patient> created = s.patients().create(PatientForm.read(s, ctx));
        if (created.isEmpty()) throw new ApiError(409, "username already exists");
        Http.json(s, ctx, 201, created(created.get()));
    }

    /**
     * Several patients in one request, {@code {"patients": [registration, ...]}} (1 to {@link #MAX_BATCH}), answered
     * {@code {"items": [{id, username[, accountId]}, ...]}} in the order asked. All or nothing: one invalid registration
     * (400, naming its index) or one taken username (409, naming it) creates none of them.
     */
    private void createPatients(Context ctx) {
        authorise(ctx);
        JsonNode body = Http.body(s, ctx);
        JsonNode patients = body.get("patients");
        if (patients == null || !patients.isArray() || patients.isEmpty()) {
            throw ApiError.badRequest("field patients must be a non-empty array of patients (the body of POST /api/operator/patients each)");
        }
        if (patients.size() > MAX_BATCH) {
            throw new ApiError(413, "at most " + MAX_BATCH + " patients per batch, got " + patients.size() + ": split the batch");
        }
        List<NewPatient> forms = new ArrayList<>(patients.size());
        for (int i = 0; i < patients.size(); i++) {
            try {
                forms.add(PatientForm.of(patients.get(i)));
            } catch (ApiError e) {
                throw new ApiError(e.status(), "patients[" + i + "]: " + e.getMessage() + " (nothing was created)");
            }
        }
        List<Patient> created;
        try {
            created = s.patients().createAll(forms);
        } catch (Patients.UsernameTaken e) {
            throw new ApiError(409, e.getMessage() + " (nothing was created)");
        }
        List<Map<String, Object>> items = created.stream().map(OperatorApi::created).toList();
        Http.json(s, ctx, 201, Http.map("items", items));
    }

    private static Map<String, Object> created(Patient p) {
        Map<String, Object> item = Http.map("id", p.id(), "username", p.username());
        if (p.accountId() != null) item.put("accountId", p.accountId());
        return item;
    }

    private void listPatients(Context ctx) {
        authorise(ctx);
        var items = s.patients().list().stream()
                .map(p -> {
                    Map<String, Object> item = Http.map("id", p.id(), "username", p.username(), "externalRef", p.externalRef(),
                            "createdAt", p.createdAt().toString());
                    if (p.accountId() != null) item.put("accountId", p.accountId());
                    return item;
                })
                .toList();
        Http.json(s, ctx, 200, Http.map("items", items));
    }

    private void deletePatient(Context ctx) {
        authorise(ctx);
        long id = Http.id(ctx, "patient");
        if (s.active(Fault.DELETE_KEEPS_DATA)) {
            // The bug (2.2.0): answered as deleted; the patient, everything they own and their sessions stay.
            if (!s.patients().exists(id)) throw ApiError.notFound("patient");
            ctx.status(204);
            return;
        }
        if (!s.patients().delete(id)) throw ApiError.notFound("patient");
        s.sessions().closeAllOf(id);
        ctx.status(204);
    }

    private void lifecycle(Context ctx, LongFunction<Consultations.Result> step) {
        authorise(ctx);
        Consultations.Result result = step.apply(Http.id(ctx, "consultation"));
        switch (result.outcome()) {
            case NOT_FOUND -> throw ApiError.notFound("consultation");
            case CONFLICT -> throw new ApiError(409, result.reason());
            default -> Http.json(s, ctx, 200, consultationJson(result.consultation()));
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Object consultationJson(Consultation c) {
        return Http.map("id", c.id(), "status", c.status(), "mode", c.mode(), "recordingIds", c.recordingIds());
    }
}
