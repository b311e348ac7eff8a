package dev.cordon.adapter;

import java.nio.charset.StandardCharsets;

/**
 * The bytes of a synthetic upload: a minimal, valid-looking file of the declared content type that says, inside,
 * that it is synthetic test data of a Cordon run. No real document is ever uploaded.
 */
public final class SyntheticFile {
    private SyntheticFile() {
    }

    public static byte[] of(String contentType, String runTag, String name) {
        String label = "Cordon synthetic test document " + name + " of run " + runTag + " - not patient data";
        String type = contentType.toLowerCase();
        if (type.contains("pdf")) {
            String pdf = "%PDF-1.4\n% " + label + "\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                    + "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
            return pdf.getBytes(StandardCharsets.US_ASCII);
        }
        if (type.contains("json")) {
            return ("{\"synthetic\":true,\"note\":\"" + label.replace("\"", "") + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        return (label + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
