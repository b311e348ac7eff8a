package dev.cordon.clinic.web;

import dev.cordon.clinic.ClinicSettings;
import dev.cordon.clinic.Fault;
import dev.cordon.clinic.store.Consultation;
import dev.cordon.clinic.store.Document;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Release 2.1.0: a patient's documents (PDFs attached to their own consultations): upload, cursor-paged listing,
 * metadata, download with byte ranges, delete. Another patient's document answers 404, like one that does not exist.
 */
final class DocumentApi {
    /** Largest document accepted: 1 MiB. */
    static final int MAX_DOCUMENT_BYTES = 1024 * 1024;
    static final int MAX_TITLE_LENGTH = 200;
    static final String PDF = "application/pdf";
    private static final byte[] PDF_MAGIC = "%PDF-".getBytes(StandardCharsets.US_ASCII);

    private final Services s;

    DocumentApi(Services s) { this.s = s; }

    void register(Javalin app) {
        app.post("/api/documents", this::upload);
        app.get("/api/documents", this::list);
        app.get("/api/documents/{id}", this::metadata);
        app.get("/api/documents/{id}/download", this::download);
        app.delete("/api/documents/{id}", this::delete);
    }

    private record Upload(String consultationId, String title, String contentType, byte[] bytes) {}

    private void upload(Context ctx) {
        long caller = Http.caller(s, ctx);
        Upload upload = readUpload(ctx);
        if (upload.consultationId() == null || upload.consultationId().isBlank()) throw ApiError.badRequest("missing field: consultationId");
        if (upload.title() == null || upload.title().isBlank()) throw ApiError.badRequest("missing field: title");
        if (upload.title().length() > MAX_TITLE_LENGTH) throw ApiError.badRequest("title must be at most " + MAX_TITLE_LENGTH + " characters");
        long consultationId;
        try {
            consultationId = Long.parseLong(upload.consultationId().trim());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("field consultationId must be a whole number");
        }
        if (!PDF.equals(mediaType(upload.contentType()))) throw ApiError.badRequest("file must be sent as " + PDF);
        byte[] bytes = upload.bytes();
        if (bytes.length < PDF_MAGIC.length || !Arrays.equals(bytes, 0, PDF_MAGIC.length, PDF_MAGIC, 0, PDF_MAGIC.length)) {
            throw ApiError.badRequest("file is not a PDF (it must start with %PDF-)");
        }
        // "Needs a prior step's id": only a consultation of the caller's own; anyone else's looks like no consultation.
        Optional<Consultation> consultation = s.consultations().find(consultationId).filter(c -> c.patientId() == caller);
        if (consultation.isEmpty()) throw ApiError.notFound("consultation");
        Document created = s.documents().create(caller, consultationId, upload.title().trim(), PDF, bytes);
        Http.json(s, ctx, 201, item(created));
    }

    /** The multipart parts; 400 for a body that is not multipart, 413 for a file over the limit. */
    private Upload readUpload(Context ctx) {
        if (!ctx.isMultipartFormData()) throw ApiError.badRequest("request body must be multipart/form-data");
        try {
            UploadedFile file = ctx.uploadedFile("file");
            if (file == null) throw ApiError.badRequest("missing part: file (a PDF with a filename)");
            byte[] bytes;
            try (InputStream in = file.content()) {
                bytes = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
            }
            if (bytes.length > MAX_DOCUMENT_BYTES) throw tooLarge();
            return new Upload(ctx.formParam("consultationId"), ctx.formParam("title"), file.contentType(), bytes);
        } catch (ApiError e) {
            throw e;
        } catch (IllegalStateException e) {
            // Jetty's multipart parser enforces the size limits ClinicServer configures.
            throw tooLarge();
        } catch (Exception e) {
            throw ApiError.badRequest("malformed multipart/form-data body");
        }
    }

    private static ApiError tooLarge() {
        return new ApiError(413, "file larger than " + MAX_DOCUMENT_BYTES + " bytes (1 MB)");
    }

    private static String mediaType(String contentType) {
        if (contentType == null) return null;
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private void list(Context ctx) {
        long caller = Http.caller(s, ctx);
        int limit = Http.positiveInt(ctx, "limit", s.pageSize(), ClinicSettings.MAX_PAGE_SIZE);
        String cursor = ctx.queryParam("cursor");
        boolean faulty = s.has(Fault.DOCUMENT_CURSOR_WITHOUT_OWNER);
        Long owner = caller;
        long after = 0;
        if (cursor != null && !cursor.isBlank()) {
            DocumentCursor.Position position = DocumentCursor.read(cursor);
            if (faulty) {
                owner = null; // The bug: "the cursor already knows where we are", so the owner filter is dropped.
            } else if (position.owner() == null || position.owner() != caller) {
                throw DocumentCursor.invalid();
            }
            after = position.afterId();
        }
        List<Document> rows = s.documents().after(owner, after, limit + 1);
        boolean more = rows.size() > limit;
        List<Document> items = more ? rows.subList(0, limit) : rows;
        String next = null;
        if (more) {
            long last = items.get(items.size() - 1).id();
            next = faulty ? DocumentCursor.withoutOwner(last) : DocumentCursor.of(caller, last);
        }
        Http.json(s, ctx, 200, Http.map("items", items.stream().map(DocumentApi::item).toList(), "nextCursor", next));
    }

    private void metadata(Context ctx) {
        long caller = Http.caller(s, ctx);
        long id = Http.id(ctx, "document");
        Document d = s.documents().findOwned(id, caller).orElseThrow(() -> ApiError.notFound("document"));
        Http.json(s, ctx, 200, item(d));
    }

    private void download(Context ctx) throws IOException {
        long caller = Http.caller(s, ctx);
        long id = Http.id(ctx, "document");
        Optional<Document> d = s.has(Fault.DOCUMENT_DOWNLOAD_WITHOUT_OWNER)
                ? s.documents().findAnyOwner(id) // The bug: only "does it exist?"
                : s.documents().findOwned(id, caller);
        Document document = d.orElseThrow(() -> ApiError.notFound("document"));
        byte[] bytes = s.documents().content(document.id()).orElseThrow(() -> ApiError.notFound("document"));

        ctx.header("Accept-Ranges", "bytes");
        ctx.header("Content-Disposition", "attachment; filename=\"document-" + document.id() + ".pdf\"");
        ByteRange.Request request = ByteRange.of(ctx.header("Range"), bytes.length);
        if (request instanceof ByteRange.Unsatisfiable) {
            ctx.header("Content-Range", "bytes */" + bytes.length);
            throw new ApiError(416, "range not satisfiable: the document has " + bytes.length + " bytes");
        }
        int from = 0;
        int length = bytes.length;
        int status = 200;
        if (request instanceof ByteRange.Part part) {
            from = (int) part.range().first();
            length = (int) part.range().length();
            status = 206;
            ctx.header("Content-Range", part.range().contentRange(bytes.length));
        }
        // Written to the servlet stream itself, so no response compression re-encodes a byte range.
        HttpServletResponse res = ctx.res();
        ctx.status(status);
        res.setContentType(document.contentType());
        res.setContentLengthLong(length);
        OutputStream out = res.getOutputStream();
        out.write(bytes, from, length);
        out.flush();
    }

    private void delete(Context ctx) {
        long caller = Http.caller(s, ctx);
        long id = Http.id(ctx, "document");
        boolean deleted;
        if (s.active(Fault.DELETE_KEEPS_DATA)) {
            // The bug (2.2.0): the delete is answered as done and nothing is removed.
            deleted = s.has(Fault.DOCUMENT_DELETE_WITHOUT_OWNER)
                    ? s.documents().findAnyOwner(id).isPresent()
                    : s.documents().findOwned(id, caller).isPresent();
        } else {
            deleted = s.has(Fault.DOCUMENT_DELETE_WITHOUT_OWNER)
                    ? s.documents().deleteAnyOwner(id) // The bug: delete by id alone.
                    : s.documents().deleteOwned(id, caller);
        }
        if (!deleted) throw ApiError.notFound("document");
        ctx.status(204);
    }

    static Map<String, Object> item(Document d) {
        return Http.map("id", d.id(), "title", d.title(), "consultationId", d.consultationId(), "contentType", d.contentType(),
                "size", d.size(), "createdAt", d.createdAt().toString());
    }
}
