package dev.cordon.clinic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Release 2.1.0's documents: upload, metadata, ranged download, cursor listing, delete; each only for its owner. */
class ClinicDocumentsTest {
    static final Instant SLOT = Instant.parse("2026-12-01T09:00:00Z");

    @TempDir
    Path dir;

    @Test
    void ownerUploadsOpensAndDownloadsAnotherPatientGets404() {
        try (TestClinic c = TestClinic.start(dir, "2.1.0")) {
            c.createPatient("ann");
            c.createPatient("bob");
            String ann = c.login("ann");
            String bob = c.login("bob");
            long consultation = c.book(ann, SLOT);
            byte[] pdf = TestClinic.pdf("ann's referral");

            TestClinic.Response created = c.upload(ann, consultation, "Referral letter", "application/pdf", pdf);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.header("Cache-Control")).isEqualTo("no-store");
            JsonNode doc = created.json();
            long id = doc.get("id").asLong();
            assertThat(doc.get("consultationId").asLong()).isEqualTo(consultation);
            assertThat(doc.get("title").asText()).isEqualTo("Referral letter");
            assertThat(doc.get("contentType").asText()).isEqualTo("application/pdf");
            assertThat(doc.get("size").asInt()).isEqualTo(pdf.length);
            assertThat(c.document(ann, consultation, "second")).as("ids are sequence numbers").isEqualTo(id + 1);

            TestClinic.Response metadata = c.get("/api/documents/" + id, ann);
            assertThat(metadata.status()).isEqualTo(200);
            assertThat(metadata.header("Cache-Control")).isEqualTo("no-store");
            assertThat(metadata.json().get("title").asText()).isEqualTo("Referral letter");
            assertThat(metadata.json().get("size").asInt()).isEqualTo(pdf.length);
            assertThat(Instant.parse(metadata.json().get("createdAt").asText())).isBefore(Instant.now().plusSeconds(1));

            TestClinic.Response download = c.get("/api/documents/" + id + "/download", ann);
            assertThat(download.status()).isEqualTo(200);
            assertThat(download.header("Content-Type")).isEqualTo("application/pdf");
            assertThat(download.header("Cache-Control")).isEqualTo("no-store");
            assertThat(download.header("Accept-Ranges")).isEqualTo("bytes");
            assertThat(download.body().getBytes(StandardCharsets.US_ASCII)).isEqualTo(pdf);

            assertThat(c.get("/api/documents/" + id, bob).status()).isEqualTo(404);
            TestClinic.Response foreign = c.get("/api/documents/" + id + "/download", bob);
            assertThat(foreign.status()).isEqualTo(404);
            assertThat(foreign.body()).doesNotContain("CORDON-SYNTHETIC-DOCUMENT");
            assertThat(foreign.body()).isEqualTo(c.get("/api/documents/999999/download", bob).body())
                    .as("someone else's document looks like no document");
            assertThat(c.get("/api/documents/999999", ann).status()).isEqualTo(404);
            assertThat(c.get("/api/documents/abc", ann).status()).isEqualTo(404);
            assertThat(c.get("/api/documents/" + id, null).status()).isEqualTo(401);
            assertThat(c.get("/api/documents/" + id + "/download", "not-a-token").status()).isEqualTo(401);
        }
    }

    @Test
    void downloadHonoursASingleByteRange() {
        try (TestClinic c = TestClinic.start(dir, "2.1.0")) {
            c.createPatient("ann");
            String ann = c.login("ann");
            // Large enough that the server would compress it (over 1500 bytes) if a range could be re-encoded.
            byte[] pdf = TestClinic.pdf("ranged " + "x".repeat(4000));
            TestClinic.Response created = c.upload(ann, c.book(ann, SLOT), "ranged", "application/pdf", pdf);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            long id = created.json().get("id").asLong();
            String path = "/api/documents/" + id + "/download";
            int n = pdf.length;

            TestClinic.Response head = ranged(c, path, ann, "bytes=0-4", false);
            assertThat(head.status()).isEqualTo(206);
            assertThat(head.body()).isEqualTo("%PDF-");
            assertThat(head.header("Content-Range")).isEqualTo("bytes 0-4/" + n);
            assertThat(head.header("Content-Length")).isEqualTo("5");
            assertThat(head.header("Content-Type")).isEqualTo("application/pdf");
            assertThat(head.header("Cache-Control")).isEqualTo("no-store");

            TestClinic.Response middle = ranged(c, path, ann, "bytes=5-" + (n + 100), true);
            assertThat(middle.status()).isEqualTo(206);
            assertThat(middle.header("Content-Range")).as("clipped to the end").isEqualTo("bytes 5-" + (n - 1) + "/" + n);
            assertThat(middle.header("Content-Encoding")).as("a range is never re-encoded").isNull();
            assertThat(middle.body().getBytes(StandardCharsets.US_ASCII)).isEqualTo(Arrays.copyOfRange(pdf, 5, n));

            TestClinic.Response tail = ranged(c, path, ann, "bytes=-6", false);
            assertThat(tail.status()).isEqualTo(206);
            assertThat(tail.body()).isEqualTo("%%EOF\n");
            assertThat(tail.header("Content-Range")).isEqualTo("bytes " + (n - 6) + "-" + (n - 1) + "/" + n);

            TestClinic.Response beyond = ranged(c, path, ann, "bytes=" + n + "-", false);
            assertThat(beyond.status()).isEqualTo(416);
            assertThat(beyond.header("Content-Range")).isEqualTo("bytes */" + n);

            for (String ignored : List.of("bytes=0-1,4-5", "items=0-4", "bytes=9-2", "nonsense")) {
                TestClinic.Response whole = ranged(c, path, ann, ignored, false);
                assertThat(whole.status()).as(ignored).isEqualTo(200);
                assertThat(whole.body().length()).as(ignored).isEqualTo(n);
            }
            assertThat(ranged(c, path, c.login("ann"), "bytes=0-4", false).status()).isEqualTo(206);
            c.createPatient("bob");
            assertThat(ranged(c, path, c.login("bob"), "bytes=0-4", false).status()).as("a range of someone else's document").isEqualTo(404);
        }
    }

    @Test
    void uploadIsValidated() {
        try (TestClinic c = TestClinic.start(dir, "2.1.0")) {
            c.createPatient("ann");
            c.createPatient("bob");
            String ann = c.login("ann");
            String bob = c.login("bob");
            long own = c.book(ann, SLOT);
            long bobs = c.book(bob, SLOT);
            byte[] pdf = TestClinic.pdf("x");

            assertThat(c.upload(null, own, "t", "application/pdf", pdf).status()).isEqualTo(401);
            assertError(c.call("POST", "/api/documents", ann, "{\"title\":\"t\"}"), 400, "multipart");
            assertError(c.upload(ann, own, "t", null, null), 400, "file");
            assertError(c.upload(ann, null, "t", "application/pdf", pdf), 400, "consultationId");
            assertError(c.upload(ann, own, null, "application/pdf", pdf), 400, "title");
            assertError(c.upload(ann, own, " ", "application/pdf", pdf), 400, "title");
            assertError(c.upload(ann, own, "x".repeat(201), "application/pdf", pdf), 400, "title");
            assertError(c.upload(ann, "seven", "t", "application/pdf", pdf), 400, "consultationId");
            assertError(c.upload(ann, own, "t", "text/plain", pdf), 400, "application/pdf");
            assertError(c.upload(ann, own, "t", null, pdf), 400, "application/pdf");
            assertError(c.upload(ann, own, "t", "application/pdf", "<html>not a pdf</html>".getBytes(StandardCharsets.US_ASCII)), 400, "%PDF-");
            assertError(c.upload(ann, own, "t", "application/pdf", new byte[0]), 400, "%PDF-");

            byte[] large = new byte[1024 * 1024 + 1];
            System.arraycopy(pdf, 0, large, 0, pdf.length);
            assertError(c.upload(ann, own, "t", "application/pdf", large), 413, "1 MB");
            byte[] exactlyOneMb = Arrays.copyOf(large, 1024 * 1024);
            assertThat(c.upload(ann, own, "exactly 1 MB", "application/pdf", exactlyOneMb).status()).isEqualTo(201);

            assertError(c.upload(ann, bobs, "t", "application/pdf", pdf), 404, "consultation");
            assertError(c.upload(ann, 999_999, "t", "application/pdf", pdf), 404, "consultation");
            assertThat(c.upload(ann, own, "ok", "application/pdf; charset=binary", pdf).status()).isEqualTo(201);

            HttpRequest broken = HttpRequest.newBuilder(URI.create(c.base() + "/api/documents"))
                    .header("Authorization", "Bearer " + ann).header("Content-Type", "multipart/form-data; boundary=xyz")
                    .POST(HttpRequest.BodyPublishers.ofString("--xyz\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nunterminated"))
                    .build();
            assertThat(c.send(broken).status()).isEqualTo(400);

            assertThat(c.documents(ann, 100, null)).hasSize(2);
            assertThat(c.documents(bob, 100, null)).isEmpty();
        }
    }

    @Test
    void cursorListingPagesThroughExactlyTheCallersDocuments() {
        try (TestClinic c = TestClinic.start(TestClinic.settings(dir, "2.1.0").withPageSize(4))) {
            c.createPatient("ann");
            c.createPatient("bob");
            String ann = c.login("ann");
            String bob = c.login("bob");
            long annConsultation = c.book(ann, SLOT);
            long bobConsultation = c.book(bob, SLOT);
            List<Long> annDocs = new ArrayList<>();
            List<Long> bobDocs = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                annDocs.add(c.document(ann, annConsultation, "ann " + i));
                if (i < 5) bobDocs.add(c.document(bob, bobConsultation, "bob " + i));
            }

            List<Integer> pages = new ArrayList<>();
            assertThat(c.documents(ann, 3, pages)).isEqualTo(annDocs);
            assertThat(pages).containsExactly(3, 3, 1);
            pages.clear();
            assertThat(c.documents(bob, 2, pages)).isEqualTo(bobDocs);
            assertThat(pages).containsExactly(2, 2, 1);
            pages.clear();
            assertThat(c.documents(ann, 7, pages)).isEqualTo(annDocs);
            assertThat(pages).as("an exactly full page has no next page").containsExactly(7);

            JsonNode first = c.get("/api/documents", ann).json();
            assertThat(first.get("items")).as("default limit: the clinic's page size").hasSize(4);
            JsonNode item = first.get("items").get(0);
            assertThat(item.get("id").asLong()).isEqualTo(annDocs.get(0));
            assertThat(item.get("title").asText()).isEqualTo("ann 0");
            assertThat(item.get("consultationId").asLong()).isEqualTo(annConsultation);
            assertThat(item.get("contentType").asText()).isEqualTo("application/pdf");
            assertThat(item.get("size").asInt()).isEqualTo(TestClinic.pdf("ann 0").length);
            assertThat(item.get("createdAt").asText()).isNotBlank();
            String annCursor = first.get("nextCursor").asText();
            assertThat(annCursor).as("opaque, URL-safe").matches("[A-Za-z0-9_-]+").doesNotContain(String.valueOf(annDocs.get(3)));

            TestClinic.Response stolen = c.get("/api/documents?cursor=" + annCursor, bob);
            assertThat(stolen.status()).as("another patient's cursor").isEqualTo(400);
            assertThat(stolen.json().get("error").asText()).contains("cursor");
            assertThat(stolen.body()).doesNotContain("ann");
            String idOnly = Base64.getUrlEncoder().withoutPadding().encodeToString(("documents:v1:after=" + annDocs.get(0)).getBytes(StandardCharsets.UTF_8));
            assertThat(c.get("/api/documents?cursor=" + idOnly, bob).status()).as("a cursor without its owner").isEqualTo(400);
            assertThat(c.get("/api/documents?cursor=not*base64", ann).status()).isEqualTo(400);
            assertThat(c.get("/api/documents?cursor=" + Base64.getUrlEncoder().encodeToString("42".getBytes(StandardCharsets.UTF_8)), ann).status())
                    .isEqualTo(400);
            assertThat(c.get("/api/documents?cursor=" + annCursor, ann).json().get("items").get(0).get("id").asLong())
                    .isEqualTo(annDocs.get(4));
            assertThat(c.get("/api/documents?limit=0", ann).status()).isEqualTo(400);
            assertThat(c.get("/api/documents?limit=101", ann).status()).isEqualTo(400);
            assertThat(c.get("/api/documents?limit=100", ann).json().get("nextCursor").isNull()).isTrue();
            assertThat(c.get("/api/documents", null).status()).isEqualTo(401);
        }
    }

    @Test
    void onlyTheOwnerDeletesAndDeletingThePatientRemovesTheirDocuments() throws Exception {
        long annId;
        List<Long> annDocs = new ArrayList<>();
        long bobDoc;
        try (TestClinic c = TestClinic.start(dir, "2.1.0")) {
            annId = c.createPatient("ann");
            c.createPatient("bob");
            String ann = c.login("ann");
            String bob = c.login("bob");
            long consultation = c.book(ann, SLOT);
            annDocs.add(c.document(ann, consultation, "one"));
            annDocs.add(c.document(ann, consultation, "two"));
            bobDoc = c.document(bob, c.book(bob, SLOT), "bob's");

            assertThat(c.call("DELETE", "/api/documents/" + annDocs.get(0), bob, null).status()).isEqualTo(404);
            assertThat(c.get("/api/documents/" + annDocs.get(0), ann).status()).as("still there").isEqualTo(200);
            assertThat(c.documents(ann, 10, null)).isEqualTo(annDocs);

            TestClinic.Response deleted = c.call("DELETE", "/api/documents/" + annDocs.get(0), ann, null);
            assertThat(deleted.status()).isEqualTo(204);
            assertThat(deleted.header("Cache-Control")).isEqualTo("no-store");
            assertThat(c.call("DELETE", "/api/documents/" + annDocs.get(0), ann, null).status()).isEqualTo(404);
            assertThat(c.get("/api/documents/" + annDocs.get(0), ann).status()).isEqualTo(404);
            assertThat(c.get("/api/documents/" + annDocs.get(0) + "/download", ann).status()).isEqualTo(404);
            assertThat(c.documents(ann, 10, null)).containsExactly(annDocs.get(1));
            assertThat(c.call("DELETE", "/api/documents/" + annDocs.get(1), null, null).status()).isEqualTo(401);

            assertThat(c.operator("DELETE", "/api/operator/patients/" + annId, null).status()).isEqualTo(204);
            assertThat(c.documents(bob, 10, null)).containsExactly(bobDoc);
        }
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("clinic").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "");
             ResultSet rs = db.createStatement().executeQuery("SELECT patient_id, id FROM documents ORDER BY id")) {
            List<Long> remaining = new ArrayList<>();
            while (rs.next()) {
                assertThat(rs.getLong(1)).as("no document of the deleted patient is left").isNotEqualTo(annId);
                remaining.add(rs.getLong(2));
            }
            assertThat(remaining).containsExactly(bobDoc);
        }
    }

    private static TestClinic.Response ranged(TestClinic c, String path, String token, String range, boolean gzip) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(c.base() + path)).header("Authorization", "Bearer " + token)
                .header("Range", range);
        if (gzip) b.header("Accept-Encoding", "gzip");
        return c.send(b.build());
    }

    private static void assertError(TestClinic.Response r, int status, String mentions) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).contains(mentions);
    }
}
