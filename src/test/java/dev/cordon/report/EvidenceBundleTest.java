package dev.cordon.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class EvidenceBundleTest {
    @Test
    void theManifestHoldsTheDigestOfEveryFileAndTheKeyStaysOut(@TempDir Path dir) throws Exception {
        Path summary = write(dir.resolve("summary.json"), "{\"verdict\":\"PASS\"}");
        Path ledger = write(dir.resolve("ledger.jsonl"), "{\"runId\":\"r\"}\n");
        Path key = write(dir.resolve("ledger.jsonl.key"), "the-password-key");
        write(dir.resolve("report/index.html"), "<html></html>");
        write(dir.resolve("report/data/test-cases/a.json"), "{}");
        Path zip = dir.resolve("out/evidence.zip");

        Map<String, String> digests = new EvidenceBundle().file("summary.json", summary).file("ledger/ledger.jsonl", ledger)
                .file("ledger/ledger.jsonl.key", key).tree("report", dir.resolve("report")).write(zip);

        Map<String, byte[]> entries = unzip(zip);
        assertThat(entries.keySet()).containsExactly(EvidenceBundle.MANIFEST, "ledger/ledger.jsonl", "report/data/test-cases/a.json",
                "report/index.html", "summary.json");
        assertThat(new String(entries.get(EvidenceBundle.MANIFEST), StandardCharsets.UTF_8)).isEqualTo(
                sha("{\"runId\":\"r\"}\n") + "  ledger/ledger.jsonl\n" + sha("{}") + "  report/data/test-cases/a.json\n"
                        + sha("<html></html>") + "  report/index.html\n" + sha("{\"verdict\":\"PASS\"}") + "  summary.json\n");
        assertThat(digests).containsEntry("summary.json", sha("{\"verdict\":\"PASS\"}"));
        assertThat(entries.values()).noneMatch(bytes -> new String(bytes, StandardCharsets.UTF_8).contains("the-password-key"));
        assertThat(EvidenceBundle.verify(zip)).isEmpty();
    }

    @Test
    void verifyFindsAnAlteredAMissingAndAnAddedFile(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("evidence.zip");
        new EvidenceBundle().file("summary.json", write(dir.resolve("s.json"), "{\"verdict\":\"BREACH\"}"))
                .file("ledger/ledger.jsonl", write(dir.resolve("l.jsonl"), "{}\n")).write(zip);
        Map<String, byte[]> entries = unzip(zip);

        Map<String, byte[]> altered = new LinkedHashMap<>(entries);
        altered.put("summary.json", "{\"verdict\":\"PASS\"}".getBytes(StandardCharsets.UTF_8));
        altered.remove("ledger/ledger.jsonl");
        altered.put("report/extra.html", "<script></script>".getBytes(StandardCharsets.UTF_8));
        Path tampered = zip(dir.resolve("tampered.zip"), altered);

        assertThat(EvidenceBundle.verify(tampered)).containsExactlyInAnyOrder("digest differs: summary.json",
                "listed but missing: ledger/ledger.jsonl", "not in the manifest: report/extra.html");
        Map<String, byte[]> noManifest = new LinkedHashMap<>(entries);
        noManifest.remove(EvidenceBundle.MANIFEST);
        assertThat(EvidenceBundle.verify(zip(dir.resolve("bare.zip"), noManifest))).singleElement().asString().startsWith("no MANIFEST.sha256");
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static String sha(String text) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, byte[]> unzip(Path zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static Path zip(Path zip, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return zip;
    }
}
