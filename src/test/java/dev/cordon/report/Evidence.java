package dev.cordon.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cordon.oracle.Finding;
import dev.cordon.oracle.FindingKind;
import io.qameta.allure.Allure;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Attaches what a check saw to the Allure report, readable without the code: one JSON attachment per finding kind
 * (counts by where each was seen, a few examples of each, the total, and where every one is) and a plain-language coverage note. Findings never carry tokens, passwords or cookies.
 */
public final class Evidence {
    public static final int MAX_FINDINGS_PER_ATTACHMENT = 50;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Evidence() {
    }

    public static void attachFindings(List<Finding> findings) {
        Map<FindingKind, List<Finding>> byKind = new EnumMap<>(FindingKind.class);
        findings.forEach(f -> byKind.computeIfAbsent(f.kind(), k -> new java.util.ArrayList<>()).add(f));
        byKind.forEach((kind, list) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("kind", kind.name());
            body.put("category", list.get(0).category());
            body.put("meaning", kind.meaning());
            body.put("total", list.size());
            body.put("byWhere", FindingGroups.counts(list).getOrDefault(kind.name(), Map.of()));
            List<Finding> sample = FindingGroups.sample(list).stream().limit(MAX_FINDINGS_PER_ATTACHMENT).toList();
            body.put("shown", sample.size());
            body.put("allIn", "target/cordon/" + FindingsFile.FILE_NAME + " and the report's " + FindingsFile.FILE_NAME
                    + " (every finding of the run, one JSON object per line)");
            body.put("findings", sample.stream().map(Evidence::asMap).toList());
            attachJson(kind.name() + " evidence (" + list.size() + ")", body);
        });
    }

    public static Map<String, Object> asMap(Finding finding) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("kind", finding.kind().name());
        map.put("category", finding.category());
        map.put("patient", finding.patient());
        map.put("summary", finding.summary());
        map.put("evidence", finding.evidence());
        return map;
    }

    public static void attachJson(String name, Object body) {
        try {
            Allure.addAttachment(name, "application/json", Redaction.text(JSON.writeValueAsString(body)), ".json");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            Allure.addAttachment(name, "text/plain", Redaction.text(String.valueOf(body)), ".txt");
        }
    }

    public static void attachText(String name, String text) {
        Allure.addAttachment(name, "text/plain", Redaction.text(text), ".txt");
    }
}
