package dev.cordon.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * One file an auditor can keep: target/cordon/evidence.zip with summary.json, the HTML report, the ledger's public
 * part and MANIFEST.sha256, the SHA-256 digest of every other entry in {@code sha256sum} format (so
 * {@code unzip evidence.zip && sha256sum -c MANIFEST.sha256} checks it without Cordon). The ledger's key file is never
 * included, nor is anything whose name says key, secret or token.
 */
public final class EvidenceBundle {
    public static final String MANIFEST = "MANIFEST.sha256";

    private final Map<String, Path> entries = new TreeMap<>();

    /** Adds one file under {@code name} (a path inside the bundle, forward slashes). Missing files are left out. */
    public EvidenceBundle file(String name, Path file) {
        if (file != null && Files.isRegularFile(file) && !isPrivate(file)) {
            entries.put(checkName(name), file);
        }
        return this;
    }

    /** Adds every file under {@code dir} below the folder {@code name} in the bundle. */
    public EvidenceBundle tree(String name, Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return this;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).sorted().forEach(f -> file(name + "/" + dir.relativize(f).toString().replace('\\', '/'), f));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
        return this;
    }

    /** Names the bundle will hold, besides the manifest. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** Writes the zip (replacing one that exists) with the manifest first; returns the digests it recorded. */
    public Map<String, String> write(Path zip) {
        Map<String, String> digests = new LinkedHashMap<>();
        entries.forEach((name, file) -> digests.put(name, sha256(file)));
        StringBuilder manifest = new StringBuilder();
        digests.forEach((name, digest) -> manifest.append(digest).append("  ").append(name).append('\n'));
        try {
            Files.createDirectories(zip.toAbsolutePath().getParent());
            Path partial = zip.resolveSibling(zip.getFileName() + ".partial");
            try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(partial))) {
                out.putNextEntry(new ZipEntry(MANIFEST));
                out.write(manifest.toString().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
                for (Map.Entry<String, Path> entry : entries.entrySet()) {
                    out.putNextEntry(new ZipEntry(entry.getKey()));
                    Files.copy(entry.getValue(), out);
                    out.closeEntry();
                }
            }
            Files.move(partial, zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + zip, e);
        }
        return digests;
    }

    /**
     * Checks a bundle against its manifest: every entry listed with a matching digest, nothing unlisted, nothing
     * listed missing. Returns the problems; empty means the bundle is intact.
     */
    public static List<String> verify(Path zip) {
        Map<String, String> actual = new TreeMap<>();
        String manifest = null;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (entry.isDirectory()) {
                    continue;
                }
                if (entry.getName().equals(MANIFEST)) {
                    manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } else {
                    actual.put(entry.getName(), sha256(in));
                }
            }
        } catch (IOException e) {
            return List.of("cannot read " + zip + ": " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        if (manifest == null) {
            return List.of("no " + MANIFEST + " in " + zip);
        }
        Map<String, String> listed = new TreeMap<>();
        for (String line : manifest.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int gap = line.indexOf("  ");
            if (gap != 64) {
                problems.add("malformed manifest line: " + ConsoleText.safe(line, 120));
                continue;
            }
            listed.put(line.substring(gap + 2), line.substring(0, gap));
        }
        listed.forEach((name, digest) -> {
            String found = actual.get(name);
            if (found == null) {
                problems.add("listed but missing: " + ConsoleText.safe(name));
            } else if (!found.equals(digest)) {
                problems.add("digest differs: " + ConsoleText.safe(name));
            }
        });
        actual.keySet().stream().filter(n -> !listed.containsKey(n)).forEach(n -> problems.add("not in the manifest: " + ConsoleText.safe(n)));
        return problems;
    }

    /** The ledger's key derives every synthetic patient's password: it stays on the machine that ran the gate. */
    static boolean isPrivate(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".key") || name.contains("secret") || name.contains("token") || name.endsWith(".partial");
    }

    private static String checkName(String name) {
        if (name.startsWith("/") || name.contains("..") || name.contains("\\") || name.equals(MANIFEST)) {
            throw new IllegalArgumentException("not a bundle entry name: " + name);
        }
        return name;
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (DigestInputStream digesting = new DigestInputStream(in, digest) {
                @Override
                public void close() {
                    // the zip stream stays open for its next entry
                }
            }) {
                digesting.transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
