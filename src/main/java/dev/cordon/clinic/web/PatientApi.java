package dev.cordon.clinic.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.clinic.ClinicSettings;
import dev.cordon.clinic.Fault;
import dev.cordon.clinic.store.CareRecord;
import dev.cordon.clinic.store.Consultation;
import dev.cordon.clinic.store.Passwords;
import dev.cordon.clinic.store.Patient;
import dev.cordon.clinic.store.Recording;
import dev.cordon.clinic.store.Recordings;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The patient's API: login, own profile, booking, and the replays of their consultations. */
final class PatientApi {
    private static final long LISTING_CACHE_TTL_MILLIS = 60_000;
    private static final long SLOW_QUERY_MILLIS = 20;
    private static final List<String> PATIENT_PARAMETERS = List.of("patientId", "patient", "ownerId");

    private record Cached(String body, long expiresAt) {}

    private final Services s;
    /** Fault listing-cache-without-user: keyed by path and query only. */
    private final Map<String, Cached> listingCache = new ConcurrentHashMap<>();
    /** Fault shared-request-context: the caller kept in a field every request shares. */
    private volatile long currentPatientId;

    PatientApi(Services s) { this.s = s; }

    void register(Javalin app) {
        app.post("/api/login", this::login);
        app.post("/api/logout", this::logout);
        app.get("/api/me", this::me);
        app.post("/api/consultations", this::book);
        app.get("/api/replays", this::listReplays);
        app.get("/api/replays/{id}", this::replay);
        app.get("/api/replays/{id}/media", this::media);
    }

    /**
     * Checks a username/password pair; the patient the session belongs to, if it holds. From 2.1.0 a login name
     * linked to an account (see {@link dev.cordon.clinic.store.Patients#linkLogin}) opens that account's patient.
     */
    static Optional<Patient> authenticate(Services s, String username, String password) {
        if (s.has(Fault.TOKEN_FOR_WRONG_PATIENT)) {
            List<Patient> matches = s.patients().findByUsernameIgnoringCase(username);
            if (matches.isEmpty()) return linkedLogin(s, username, password);
            Optional<Patient> exact = matches.stream().filter(p -> p.username().equals(username)).findFirst();
            Patient checked = exact.orElse(matches.get(0));
            if (!Passwords.matches(password, checked.passwordHash())) return Optional.empty();
            // The bug: the session is opened for the first case-insensitive match.
            return Optional.of(matches.get(0));
        }
        Optional<Patient> patient = s.patients().findByUsername(username);
        if (patient.isPresent()) return patient.filter(p -> Passwords.matches(password, p.passwordHash()));
        return linkedLogin(s, username, password);
    }

    private static Optional<Patient> linkedLogin(Services s, String username, String password) {
        return s.patients().findLinkedLogin(username)
                .filter(l -> Passwords.matches(password, l.passwordHash()))
                .flatMap(l -> s.patients().findById(l.patientId()));
    }

    private void login(Context ctx) {
        Http.privateResponse(s, ctx);
        JsonNode body = Http.body(s, ctx);
        String username = Http.text(body, "username");
        String password = Http.text(body, "password");
        Patient patient = authenticate(s, username, password)
                .orElseThrow(() -> ApiError.unauthorized("wrong username or password"));
        String token = s.sessions().open(patient.id());
        Http.json(s, ctx, 200, Http.map("token", token, "patientId", patient.id()));
    }

    private void logout(Context ctx) {
        caller(ctx);
        s.sessions().close(Http.bearer(ctx));
        ctx.status(204);
    }

    private long caller(Context ctx) {
        return Http.caller(s, ctx);
    }

    private void me(Context ctx) {
        long id = caller(ctx);
        Patient p = s.patients().findById(id).orElseThrow(() -> ApiError.unauthorized("invalid or expired token"));
        Map<String, Object> body = Http.map("id", p.id());
        if (p.accountId() != null) body.put("accountId", p.accountId()); // 2.1.0: the sign-up account beside the patient id
        body.putAll(Http.map("username", p.username(), "name", p.name(),
                "nhsNumber", p.nhsNumber(), "email", p.email(), "externalRef", p.externalRef()));
        if (s.hasCareRecords()) { // 2.2.0: the care record the account made, null until it makes one
            body.put("careRecordId", s.careRecords().ofPatient(p.id()).map(CareRecord::id).orElse(null));
        }
        Http.json(s, ctx, 200, body);
    }

    private void book(Context ctx) {
        long caller = caller(ctx);
        long id = caller;
        JsonNode body = Http.body(s, ctx);
        String slotText = Http.text(body, "slot");
        String clinician = Http.text(body, "clinician");
        Instant slot = slot(slotText);
        Long careRecord = s.hasCareRecords() ? careRecordToBookUnder(caller, body) : null;
        if (s.has(Fault.BOOKING_OWNER_FROM_BODY)) {
            Optional<Long> named = ownerNamedIn(body);
            if (named.isPresent()) {
                id = named.get();
                // The consultation goes to the patient named, whole: on 2.2.0 under that patient's care record.
                if (s.hasCareRecords()) careRecord = s.careRecords().ofPatient(id).map(CareRecord::id).orElse(null);
            }
        }
        if (careRecord != null && s.active(Fault.CARE_RECORD_FROM_BODY)) {
            id = s.careRecords().find(careRecord).map(CareRecord::patientId).orElse(id);
        }
        Consultation c = s.consultations().book(id, careRecord, slot, clinician);
        Map<String, Object> answer = Http.map("id", c.id(), "slot", c.slot().toString(), "status", c.status(), "mode", c.mode());
        if (s.hasCareRecords()) answer.put("careRecordId", c.careRecordId());
        Http.json(s, ctx, 201, answer);
    }

    static Instant slot(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("field slot must be an instant like 2026-12-01T09:00:00Z");
        }
    }

    /**
     * 2.2.0: the care record a booking is filed under. The caller must have made their care record (409 otherwise)
     * and must name it as {@code careRecordId} (400 without, 403 for any other). With the fault care-record-from-body
     * any existing care record named is obeyed (mass assignment), and the consultation belongs to that record's owner.
     */
    private long careRecordToBookUnder(long caller, JsonNode body) {
        CareRecord own = s.careRecords().ofPatient(caller)
                .orElseThrow(() -> new ApiError(409, "create your care record first (POST /api/care-records)"));
        long named = Http.bodyId(body, "careRecordId");
        if (named == own.id()) return named;
        if (s.active(Fault.CARE_RECORD_FROM_BODY) && s.careRecords().find(named).isPresent()) {
            return named; // The bug: the body is bound to the consultation whole, its care record included.
        }
        throw new ApiError(403, "careRecordId " + named + " is not your care record");
    }

    /** The bug of booking-owner-from-body: the body is bound to the consultation whole, owner field included. */
    private static Optional<Long> ownerNamedIn(JsonNode body) {
        for (String name : PATIENT_PARAMETERS) {
            JsonNode v = body.get(name);
            if (v != null && (v.isIntegralNumber() || (v.isTextual() && v.asText().trim().matches("\\d{1,18}")))) {
                return Optional.of(v.isIntegralNumber() ? v.asLong() : Long.parseLong(v.asText().trim()));
            }
        }
        return Optional.empty();
    }

    private void listReplays(Context ctx) {
        long caller = caller(ctx);
        int page = Http.positiveInt(ctx, "page", 1, Integer.MAX_VALUE);
        int size = Http.positiveInt(ctx, "size", s.pageSize(), ClinicSettings.MAX_PAGE_SIZE);

        String cacheKey = ctx.path() + "?" + (ctx.queryString() == null ? "" : ctx.queryString());
        if (s.has(Fault.LISTING_CACHE_WITHOUT_USER)) {
            Cached hit = listingCache.get(cacheKey);
            if (hit != null && hit.expiresAt() > System.currentTimeMillis()) {
                ctx.status(200).contentType("application/json").result(hit.body());
                return;
            }
        }

        long owner = caller;
        if (s.has(Fault.PATIENT_PARAM_HONOURED)) {
            for (String name : PATIENT_PARAMETERS) {
                String value = ctx.queryParam(name);
                if (value != null && value.trim().matches("\\d+")) {
                    owner = Long.parseLong(value.trim());
                    break;
                }
            }
        }
        if (s.has(Fault.SHARED_REQUEST_CONTEXT)) {
            currentPatientId = owner;
            pause(SLOW_QUERY_MILLIS); // stands in for a slow call made before the query
            owner = currentPatientId;
        }

        Map<String, Object> body = listing(s, owner, page, size, "/api/replays");
        Http.json(s, ctx, 200, body);
        if (s.has(Fault.LISTING_CACHE_WITHOUT_USER)) {
            listingCache.put(cacheKey, new Cached(ctx.result(), System.currentTimeMillis() + LISTING_CACHE_TTL_MILLIS));
        }
    }

    static Map<String, Object> listing(Services s, long owner, int page, int size, String base) {
        boolean anyOwner = page > 1 && s.has(Fault.LATER_PAGES_UNFILTERED);
        Recordings.Page result = s.recordings().page(owner, page, size, anyOwner);
        String next = (long) page * size < result.total() ? base + "?page=" + (page + 1) + "&size=" + size : null;
        return Http.map("items", result.items().stream().map(PatientApi::item).toList(),
                "page", page, "size", size, "total", result.total(), "next", next);
    }

    static Map<String, Object> item(Recording r) {
        return Http.map("id", r.id(), "consultationId", r.consultationId(), "mode", r.mode(),
                "durationSeconds", r.durationSeconds(), "recordedAt", r.recordedAt().toString(), "clinician", r.clinician());
    }

    private void replay(Context ctx) {
        long caller = caller(ctx);
        long id = Http.id(ctx, "recording");
        Optional<Recording> r = s.has(Fault.REPLAY_BY_ID_WITHOUT_OWNER)
                ? s.recordings().findAnyOwner(id)
                : s.recordings().findOwned(id, caller);
        Http.json(s, ctx, 200, item(r.orElseThrow(() -> ApiError.notFound("recording"))));
    }

    private void media(Context ctx) {
        long caller = caller(ctx);
        long id = Http.id(ctx, "recording");
        Optional<Recording> r = s.has(Fault.MEDIA_WITHOUT_OWNER)
                ? s.recordings().findAnyOwner(id)
                : s.recordings().findOwned(id, caller);
        r.orElseThrow(() -> ApiError.notFound("recording"));
        Recordings.Media media = s.recordings().media(id).orElseThrow(() -> ApiError.notFound("recording"));
        ctx.status(200).contentType(media.contentType()).result(media.bytes());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
