package dev.cordon.clinic.web;

import dev.cordon.clinic.Fault;
import dev.cordon.clinic.store.Consultation;
import dev.cordon.clinic.store.Patient;
import dev.cordon.clinic.store.Recording;
import dev.cordon.clinic.store.Recordings;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The server-rendered web pages: login, the replay list and one replay. */
final class Pages {
    private static final long PAGE_CACHE_TTL_MILLIS = 60_000;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private record Cached(String html, long expiresAt) {}

    private final Services s;
    /** Fault web-page-shared-cache: rendered pages keyed by page number only. */
    private final Map<Integer, Cached> pageCache = new ConcurrentHashMap<>();

    Pages(Services s) { this.s = s; }

    void register(Javalin app) {
        app.get("/", ctx -> ctx.redirect("/replays"));
        app.get("/login", ctx -> loginPage(ctx, 200, null));
        app.post("/login", this::login);
        app.post("/logout", this::logout);
        app.get("/replays", this::replays);
        app.get("/replays/{id}", this::replay);
        app.get("/replays/{id}/media", this::media);
    }

    private void loginPage(Context ctx, int status, String error) {
        String body = "<h1>Sign in</h1>\n"
                + (error == null ? "" : "<p class=\"error\">" + Html.esc(error) + "</p>\n")
                + "<form id=\"login-form\" method=\"post\" action=\"/login\">\n"
                + "<label>Username <input name=\"username\" autocomplete=\"username\" required></label>\n"
                + "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\n"
                + "<button type=\"submit\">Sign in</button>\n</form>";
        Http.privateResponse(s, ctx);
        ctx.status(status).html(Html.page("Sign in", body));
    }

    private void login(Context ctx) {
        String username = ctx.formParam("username");
        String password = ctx.formParam("password");
        Optional<Patient> patient = username == null || password == null ? Optional.empty()
                : PatientApi.authenticate(s, username, password);
        if (patient.isEmpty()) {
            loginPage(ctx, 401, "Wrong username or password.");
            return;
        }
        String token = s.sessions().open(patient.get().id());
        ctx.header("Set-Cookie", Http.SESSION_COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Lax");
        Http.privateResponse(s, ctx);
        ctx.redirect("/replays", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx) {
        s.sessions().close(ctx.cookie(Http.SESSION_COOKIE));
        ctx.header("Set-Cookie", Http.SESSION_COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
        ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private Optional<Patient> sessionPatient(Context ctx) {
        return s.sessions().patientOf(ctx.cookie(Http.SESSION_COOKIE)).flatMap(id -> s.patients().findById(id));
    }

    private void replays(Context ctx) {
        Optional<Patient> patient = sessionPatient(ctx);
        if (patient.isEmpty()) {
            ctx.redirect("/login");
            return;
        }
        Http.privateResponse(s, ctx);
        int page;
        try {
            page = Http.positiveInt(ctx, "page", 1, Integer.MAX_VALUE);
        } catch (ApiError e) {
            ctx.status(400).html(Html.page("Bad request", "<h1>Bad request</h1><p class=\"error\">" + Html.esc(e.getMessage()) + "</p>"));
            return;
        }
        if (s.has(Fault.WEB_PAGE_SHARED_CACHE)) {
            Cached hit = pageCache.get(page);
            if (hit != null && hit.expiresAt() > System.currentTimeMillis()) {
                ctx.html(hit.html());
                return;
            }
        }
        String html = renderReplays(patient.get(), page);
        if (s.has(Fault.WEB_PAGE_SHARED_CACHE)) {
            pageCache.put(page, new Cached(html, System.currentTimeMillis() + PAGE_CACHE_TTL_MILLIS));
        }
        ctx.html(html);
    }

    private String renderReplays(Patient patient, int page) {
        int size = s.pageSize();
        boolean anyOwner = page > 1 && s.has(Fault.LATER_PAGES_UNFILTERED);
        Recordings.Page result = s.recordings().page(patient.id(), page, size, anyOwner);
        long pages = Math.max(1, (result.total() + size - 1) / size);
        StringBuilder b = new StringBuilder();
        b.append("<header><h1>Consultation Replays</h1><div><span id=\"patient-name\">")
                .append(Html.esc(patient.name())).append("</span> ")
                .append("<form class=\"inline\" method=\"post\" action=\"/logout\"><button type=\"submit\">Sign out</button></form>")
                .append("</div></header>\n");
        b.append("<table id=\"replays\"><thead><tr><th>Recorded</th><th>Mode</th><th>Clinician</th><th>Duration</th></tr></thead><tbody>\n");
        List<Recording> items = result.items();
        for (Recording r : items) {
            b.append("<tr class=\"replay\" data-recording-id=\"").append(r.id()).append("\">")
                    .append("<td><a href=\"/replays/").append(r.id()).append("\">").append(Html.esc(MINUTE.format(r.recordedAt()))).append("</a></td>")
                    .append("<td>").append(Html.esc(r.mode())).append("</td>")
                    .append("<td>").append(Html.esc(r.clinician())).append("</td>")
                    .append("<td>").append(r.durationSeconds() == null ? "" : r.durationSeconds() + " s").append("</td></tr>\n");
        }
        b.append("</tbody></table>\n");
        if (items.isEmpty()) b.append("<p class=\"empty\">No replays yet.</p>\n");
        b.append("<p id=\"page-info\">Page ").append(page).append(" of ").append(pages)
                .append(" (").append(result.total()).append(" replays)</p>\n");
        if ((long) page * size < result.total()) {
            b.append("<a id=\"next-page\" href=\"/replays?page=").append(page + 1).append("\">Next page</a>\n");
        }
        return Html.page("Consultation Replays", b.toString());
    }

    private Optional<Recording> ownedRecording(Context ctx, Patient patient) {
        try {
            return s.recordings().findOwned(Long.parseLong(ctx.pathParam("id")), patient.id());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void notFound(Context ctx) {
        ctx.status(404).html(Html.page("Not found", "<h1>Not found</h1><p>There is no such replay. <a href=\"/replays\">Back to your replays</a></p>"));
    }

    private void replay(Context ctx) {
        Optional<Patient> patient = sessionPatient(ctx);
        if (patient.isEmpty()) {
            ctx.redirect("/login");
            return;
        }
        Http.privateResponse(s, ctx);
        Optional<Recording> found = ownedRecording(ctx, patient.get());
        if (found.isEmpty()) {
            notFound(ctx);
            return;
        }
        Recording r = found.get();
        Optional<Consultation> consultation = s.consultations().find(r.consultationId());
        String day = DAY.format(consultation.map(Consultation::slot).orElse(r.recordedAt()));
        String tag = Consultation.VIDEO.equals(r.mode()) ? "video" : "audio";
        String body = "<h1>Consultation on " + Html.esc(day) + "</h1>\n"
                + "<p><a href=\"/replays\">Back to your replays</a></p>\n"
                + "<dl><dt>Clinician</dt><dd>" + Html.esc(r.clinician()) + "</dd><dt>Mode</dt><dd>" + Html.esc(r.mode())
                + "</dd><dt>Duration</dt><dd>" + (r.durationSeconds() == null ? "" : r.durationSeconds() + " s") + "</dd></dl>\n"
                + "<" + tag + " id=\"player\" controls preload=\"none\"><source src=\"/replays/" + r.id() + "/media\" type=\""
                + Html.esc(r.contentType()) + "\"></" + tag + ">";
        ctx.html(Html.page("Replay", body));
    }

    private void media(Context ctx) {
        Optional<Patient> patient = sessionPatient(ctx);
        if (patient.isEmpty()) {
            ctx.status(401).result("sign in first");
            return;
        }
        Http.privateResponse(s, ctx);
        Optional<Recordings.Media> media = ownedRecording(ctx, patient.get()).flatMap(r -> s.recordings().media(r.id()));
        if (media.isEmpty()) {
            notFound(ctx);
            return;
        }
        ctx.contentType(media.get().contentType()).result(media.get().bytes());
    }
}
