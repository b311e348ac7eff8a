package dev.cordon.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The page an auditor reads first: the verdict and its exit code, the releases before and after, the population,
 * the coverage map, the findings by kind with per-patient evidence, and the compliance mapping. Built from
 * summary.json alone and read defensively (any section may be missing), so it explains a run without the code.
 * The page is static: no script, its one style block allowed by hash in its own Content-Security-Policy, and every
 * value from the run HTML-escaped (ids and messages may come from the target).
 */
public final class VerdictPage {
    public static final String FILE_NAME = "verdict.html";
    /** Examples shown per kind × resource × where (summary.json's sample may hold a few more). */
    public static final int MAX_EXAMPLES_PER_GROUP = 3;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(token|password|passwd|secret|cookie|authori[sz]ation|api[-_]?key|session[-_]?id).*");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{8,}");

    /** Counters of summary.json, in the words of the page. Unknown counters are shown under their own names. */
    private static final Map<String, String> COUNTER_WORDS = new LinkedHashMap<>();

    static {
        COUNTER_WORDS.put("patientsSeeded", "synthetic patients seeded");
        COUNTER_WORDS.put("recordingsSeeded", "recordings seeded");
        COUNTER_WORDS.put("patientsChecked", "patients checked");
        COUNTER_WORDS.put("recordingsExpected", "recordings expected in listings");
        COUNTER_WORDS.put("listingsChecked", "replay listings checked");
        COUNTER_WORDS.put("pagesFetched", "listing pages fetched");
        COUNTER_WORDS.put("ownRecordingsOpened", "own recordings opened");
        COUNTER_WORDS.put("foreignProbes", "foreign recordings probed by id");
        COUNTER_WORDS.put("tamperingProbes", "owner-parameter probes");
        COUNTER_WORDS.put("sessionsChecked", "sessions checked");
        COUNTER_WORDS.put("crosstalkProbes", "simultaneous listing probes");
        COUNTER_WORDS.put("cacheResponsesChecked", "private responses checked for cache policy");
        COUNTER_WORDS.put("uiPagesChecked", "web pages checked in a browser");
        COUNTER_WORDS.put("uiPatientsChecked", "patients checked in a browser");
    }

    private VerdictPage() {
    }

    static final String STYLE = """
            body{font:15px/1.45 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2430;margin:0;background:#f4f6f8}
            main{max-width:1100px;margin:0 auto;padding:24px}
            h1{font-size:28px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #d5dbe1;padding-bottom:4px}
            .verdict{padding:18px 22px;border-radius:6px;color:#fff}.pass{background:#1f7a3a}.fail{background:#b3261e}.unknown{background:#8a5a00}
            .verdict p{margin:4px 0 0}table{border-collapse:collapse;width:100%;background:#fff;margin:6px 0}
            th,td{border:1px solid #d5dbe1;padding:5px 8px;text-align:left;vertical-align:top}th{background:#e9edf1}
            td.num{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#b3261e;font-weight:600}.good{color:#1f7a3a;font-weight:600}
            .muted{color:#5b6675}pre{white-space:pre-wrap;word-break:break-all;margin:0;font-size:12px}code{font-size:13px}
            details summary{cursor:pointer}nav a{margin-right:14px}
            """;

    /** The page. {@code reportHref} is where the Allure report's index is, relative to the page. */
    public static String html(JsonNode summary, String reportHref) {
        StringBuilder h = new StringBuilder(32_000);
        String verdict = text(summary, "verdict", "UNKNOWN");
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(csp()).append("\">\n")
                .append("<meta name=\"referrer\" content=\"no-referrer\">\n")
                .append("<title>").append(esc("Cordon verdict: " + verdict)).append("</title>\n")
                .append("<style>").append(STYLE).append("</style></head>\n<body><main>\n");
        verdict(h, summary, verdict);
        h.append("<nav><a href=\"").append(esc(reportHref)).append("\">Allure report: every scenario, step and attachment</a>")
                .append("<a href=\"summary.json\">summary.json</a></nav>\n");
        run(h, summary);
        coverage(h, summary);
        findings(h, summary);
        compliance(h, summary);
        notes(h, summary);
        h.append("<p class=\"muted\">Everything on this page comes from summary.json of the run; values the target returned ")
                .append("(ids, messages) are shown as text, never as markup. Generated by Cordon.</p>\n</main></body></html>\n");
        return h.toString();
    }

    /** The same account as the page, as the description of the verdict's result in the Allure report (HTML, escaped). */
    public static String description(JsonNode summary) {
        StringBuilder h = new StringBuilder(16_000);
        String verdict = text(summary, "verdict", "UNKNOWN");
        h.append("<p><strong>").append(esc(headline(summary))).append("</strong>: ").append(esc(meaning(verdict))).append("</p>\n")
                .append("<p><a href=\"").append(FILE_NAME).append("\">The verdict page</a> shows this account on its own.</p>\n");
        run(h, summary);
        coverage(h, summary);
        findings(h, summary);
        compliance(h, summary);
        notes(h, summary);
        return h.toString();
    }

    /** The strip the Allure report opens with: the verdict, the releases, the population, and a link to this page. */
    public static String banner(JsonNode summary, String pageHref) {
        String verdict = text(summary, "verdict", "UNKNOWN");
        StringBuilder h = new StringBuilder();
        h.append("<div id=\"cordon-verdict\" class=\"cordon-verdict cordon-verdict_").append(tone(summary)).append("\">")
                .append("<strong>").append(esc(headline(summary))).append("</strong> <span>")
                .append(esc(releasesLine(summary))).append(" · ").append(esc(populationLine(summary))).append(" · ")
                .append(esc(findingsLine(summary))).append("</span> <a href=\"").append(esc(pageHref))
                .append("\">Verdict, coverage, findings and compliance »</a></div>");
        return verdict.isEmpty() ? "" : h.toString();
    }

    /** Styles of the banner, served as a file of the report (its Content-Security-Policy allows no inline style). */
    public static final String BANNER_CSS = """
            .cordon-verdict{position:fixed;top:0;left:0;right:0;z-index:1000;padding:8px 16px;font:14px/1.4 Helvetica,Arial,sans-serif;color:#fff}
            .cordon-verdict a{color:#fff;text-decoration:underline;margin-left:8px}.cordon-verdict strong{font-size:16px;margin-right:6px}
            .cordon-verdict_pass{background:#1f7a3a}.cordon-verdict_fail{background:#b3261e}.cordon-verdict_unknown{background:#8a5a00}
            body{padding-top:40px}.side-nav{top:40px}
            """;

    public static String headline(JsonNode summary) {
        return "VERDICT " + text(summary, "verdict", "UNKNOWN") + " (exit " + text(summary, "exitCode", "?") + ")";
    }

    /** The report's name, the first words of its overview: the verdict and the releases. */
    public static String oneLine(JsonNode summary) {
        return headline(summary) + " · " + releasesLine(summary);
    }

    static String csp() {
        return "default-src 'none'; style-src '" + sha256(STYLE) + "'; img-src data:; base-uri 'none'; form-action 'none'";
    }

    // --- sections ---

    private static void verdict(StringBuilder h, JsonNode summary, String verdict) {
        h.append("<section class=\"verdict ").append(tone(summary)).append("\"><h1>").append(esc(headline(summary))).append("</h1>\n")
                .append("<p>").append(esc(meaning(verdict))).append("</p>\n")
                .append("<p>").append(esc(releasesLine(summary))).append(" · ").append(esc(populationLine(summary)))
                .append(" · ").append(esc(findingsLine(summary))).append("</p></section>\n");
    }

    private static void run(StringBuilder h, JsonNode summary) {
        h.append("<h2>The run</h2><table>\n");
        row(h, "Run id", text(summary, "runId", "—"));
        row(h, "Environment", text(summary, "environment", "—") + ", phase " + text(summary, "phase", "—"));
        row(h, "Target", text(summary, "target", "not reached"));
        JsonNode releases = summary.path("releases");
        row(h, "Release before the update", text(releases, "from", "—")
                + (releases.hasNonNull("observedAtSeed") ? " (the target reported " + text(releases, "observedAtSeed", "") + " when seeded)" : ""));
        row(h, "Release under test", text(releases, "to", "—")
                + (releases.hasNonNull("observedAtEnd") ? " (the target reported " + text(releases, "observedAtEnd", "") + " at the end)" : ""));
        row(h, "Population", populationLine(summary) + ", seed " + text(summary, "seed", "—")
                + (summary.hasNonNull("shard") && !"1/1".equals(summary.path("shard").asText()) ? ", shard " + text(summary, "shard", "") : ""));
        JsonNode faults = summary.path("faults");
        row(h, "Reference clinic faults switched on", faults.isArray() && faults.size() > 0 ? join(faults) : "none");
        row(h, "Web page checked in a browser", summary.path("uiChecked").asBoolean(false) ? "yes" : "no");
        row(h, "Duration", text(summary, "durationSeconds", "—") + " s");
        h.append("</table>\n");
    }

    private static void coverage(StringBuilder h, JsonNode summary) {
        h.append("<h2>Coverage: what was checked</h2>\n<table><tr><th>what</th><th>how many</th></tr>\n");
        JsonNode counts = summary.path("counts");
        COUNTER_WORDS.forEach((key, words) -> {
            if (counts.has(key)) {
                h.append("<tr><td>").append(esc(words)).append("</td><td class=\"num\">").append(esc(counts.path(key).asText())).append("</td></tr>\n");
            }
        });
        counts.fields().forEachRemaining(e -> {
            if (!COUNTER_WORDS.containsKey(e.getKey()) && e.getValue().isNumber() && !e.getKey().equals("findings")) {
                h.append("<tr><td>").append(esc(e.getKey())).append("</td><td class=\"num\">").append(esc(e.getValue().asText())).append("</td></tr>\n");
            }
        });
        JsonNode scenarios = counts.path("scenarios");
        if (scenarios.isObject()) {
            h.append("<tr><td>scenarios</td><td class=\"num\">").append(esc(scenarios.path("passed").asText("0"))).append(" passed, ")
                    .append(esc(scenarios.path("failed").asText("0"))).append(" failed, ").append(esc(scenarios.path("skipped").asText("0")))
                    .append(" skipped, ").append(esc(scenarios.path("deselected").asText("0"))).append(" deselected</td></tr>\n");
        }
        h.append("</table>\n");
        List<String[]> rows = coverageRows(summary.path("coverage"));
        if (!rows.isEmpty()) {
            h.append("<h2>Coverage map: every listing, opener and probe</h2>\n<table><tr><th>resource</th><th>kind</th><th>name</th>")
                    .append("<th>status</th><th>patients</th><th>items</th><th>why</th></tr>\n");
            for (String[] r : rows) {
                String statusClass = r[3].equals("checked") ? "good" : r[3].equals("unverified") ? "bad" : "muted";
                h.append("<tr><td>").append(esc(r[0])).append("</td><td>").append(esc(r[1])).append("</td><td>").append(esc(r[2]))
                        .append("</td><td class=\"").append(statusClass).append("\">").append(esc(r[3])).append("</td><td class=\"num\">")
                        .append(esc(r[4])).append("</td><td class=\"num\">").append(esc(r[5])).append("</td><td>").append(esc(r[6])).append("</td></tr>\n");
            }
            h.append("</table>\n");
        } else if (!summary.path("coverage").isMissingNode()) {
            h.append("<p class=\"muted\">The run's coverage map is empty.</p>\n");
        }
    }

    /**
     * Rows of summary.json's coverage map: resource → group (listings, openers, probes, ...) → entry
     * {checked: true|false|"not-applicable", why, patients, items}. Any level may be missing or shaped otherwise.
     */
    static List<String[]> coverageRows(JsonNode coverage) {
        List<String[]> rows = new ArrayList<>();
        if (!coverage.isObject()) {
            return rows;
        }
        coverage.fields().forEachRemaining(resource -> {
            if (isEntry(resource.getValue())) {
                rows.add(entryRow("", "", resource.getKey(), resource.getValue()));
                return;
            }
            resource.getValue().fields().forEachRemaining(group -> {
                if (isEntry(group.getValue())) {
                    rows.add(entryRow(resource.getKey(), "", group.getKey(), group.getValue()));
                } else if (group.getValue().isObject()) {
                    group.getValue().fields().forEachRemaining(entry -> rows.add(entryRow(resource.getKey(), group.getKey(), entry.getKey(), entry.getValue())));
                } else if (group.getValue().isArray()) {
                    group.getValue().forEach(entry -> rows.add(entryRow(resource.getKey(), group.getKey(), text(entry, "name", "—"), entry)));
                }
            });
        });
        return rows;
    }

    private static boolean isEntry(JsonNode node) {
        return node.isObject() && node.has("checked");
    }

    private static String[] entryRow(String resource, String group, String name, JsonNode entry) {
        JsonNode checked = entry.path("checked");
        String status = checked.isBoolean() ? (checked.asBoolean() ? "checked" : "unverified")
                : checked.isTextual() ? checked.asText().replace('-', ' ') : "unknown";
        return new String[]{resource, group, name, status, text(entry, "patients", ""), text(entry, "items", ""), text(entry, "why", "")};
    }

    private static void findings(StringBuilder h, JsonNode summary) {
        JsonNode byKind = summary.path("counts").path("findingsByKind");
        JsonNode byWhere = summary.path("counts").path("findingsByWhere");
        JsonNode findings = summary.path("findings");
        h.append("<h2>Findings by kind</h2>\n");
        if ((!byKind.isObject() || byKind.size() == 0) && (!findings.isArray() || findings.size() == 0)) {
            h.append("<p class=\"good\">No findings.</p>\n");
            return;
        }
        Map<String, List<JsonNode>> grouped = new LinkedHashMap<>();
        findings.forEach(f -> grouped.computeIfAbsent(text(f, "kind", "UNKNOWN"), k -> new ArrayList<>()).add(f));
        JsonNode patientsByKind = summary.path("counts").path("findingsPatientsByKind");
        h.append("<table><tr><th>kind</th><th>category</th><th>findings</th><th>patients</th></tr>\n");
        Map<String, String> totals = new LinkedHashMap<>();
        byKind.fields().forEachRemaining(e -> totals.put(e.getKey(), e.getValue().asText()));
        grouped.keySet().forEach(k -> totals.putIfAbsent(k, String.valueOf(grouped.get(k).size())));
        totals.forEach((kind, total) -> {
            List<JsonNode> list = grouped.getOrDefault(kind, List.of());
            long patients = patientsByKind.has(kind) ? patientsByKind.path(kind).asLong()
                    : list.stream().map(f -> f.path("patient").asText()).distinct().count();
            h.append("<tr><td class=\"bad\">").append(esc(kind)).append("</td><td>").append(esc(list.isEmpty() ? "" : text(list.get(0), "category", "")))
                    .append("</td><td class=\"num\">").append(esc(total)).append("</td><td class=\"num\">").append(patients).append("</td></tr>\n");
        });
        h.append("</table>\n");
        JsonNode sample = summary.path("findingsSample");
        String file = summary.path("findingsFile").asText(FindingsFile.FILE_NAME);
        long total = summary.path("counts").path("findings").asLong(findings.size());
        h.append("<p>Every finding, one JSON object per line: <a href=\"").append(FindingsFile.FILE_NAME).append("\">")
                .append(esc(FindingsFile.FILE_NAME)).append("</a> (").append(total).append(" finding(s); ").append(esc(file))
                .append(" of the run, and in evidence.zip). ");
        if (sample.isObject()) {
            h.append("summary.json and this page show ").append(esc(sample.path("shown").asText("?"))).append(" of them as examples, ")
                    .append("at most ").append(esc(sample.path("perGroup").asText("?"))).append(" per kind, resource and place.");
        } else if (summary.path("findingsTruncated").asBoolean(false)) {
            h.append("summary.json holds the first findings only.");
        }
        h.append("</p>\n");
        for (Map.Entry<String, String> kind : totals.entrySet()) {
            h.append("<h2>").append(esc(kind.getKey())).append(": ").append(esc(kind.getValue()))
                    .append(" finding(s) by listing, opener or probe</h2>\n");
            List<JsonNode> list = grouped.getOrDefault(kind.getKey(), List.of());
            JsonNode places = byWhere.path(kind.getKey());
            if (places.isObject() && places.size() > 0) {
                h.append("<table><tr><th>resource</th><th>where</th><th>findings</th><th>examples</th></tr>\n");
                places.fields().forEachRemaining(resource -> resource.getValue().fields().forEachRemaining(where -> {
                    List<JsonNode> examples = list.stream().filter(f -> matches(f, resource.getKey(), where.getKey())).toList();
                    h.append("<tr><td>").append(esc(resource.getKey())).append("</td><td>").append(esc(where.getKey()))
                            .append("</td><td class=\"num\">").append(esc(where.getValue().asText())).append("</td><td>");
                    examples(h, examples);
                    h.append("</td></tr>\n");
                }));
                h.append("</table>\n");
            } else {
                h.append("<table><tr><th>examples</th></tr><tr><td>");
                examples(h, list);
                h.append("</td></tr></table>\n");
            }
        }
    }

    /** Whether a finding of the sample belongs to a resource × where group of counts.findingsByWhere. */
    private static boolean matches(JsonNode finding, String resource, String where) {
        JsonNode evidence = finding.path("evidence");
        String r = evidence.hasNonNull("resource") ? evidence.path("resource").asText()
                : evidence.hasNonNull("related") ? evidence.path("related").asText() : FindingGroups.ANY_RESOURCE;
        String w = null;
        for (String key : List.of("where", "channel", "listing", "check")) {
            if (evidence.hasNonNull(key)) {
                w = evidence.path(key).isValueNode() ? evidence.path(key).asText() : evidence.path(key).toString();
                break;
            }
        }
        return r.equals(resource) && (w == null ? "(whole check)" : w).equals(where);
    }

    private static void examples(StringBuilder h, List<JsonNode> examples) {
        if (examples.isEmpty()) {
            h.append("<span class=\"muted\">in ").append(esc(FindingsFile.FILE_NAME)).append("</span>");
            return;
        }
        examples.stream().limit(MAX_EXAMPLES_PER_GROUP).forEach(f -> h.append("<details><summary><code>").append(esc(text(f, "patient", "—")))
                .append("</code> ").append(esc(text(f, "summary", ""))).append("</summary><pre>")
                .append(esc(pretty(redact(f.path("evidence"))))).append("</pre></details>\n"));
    }

    private static void compliance(StringBuilder h, JsonNode summary) {
        JsonNode counts = summary.path("counts");
        JsonNode byKind = counts.path("findingsByKind");
        h.append("<h2>Compliance mapping: what each check evidences</h2>\n")
                .append("<p>This run is one execution of the release gate, the regular test of a new version before release ")
                .append("(ISO/IEC 27001:2022 A.8.29, GDPR Art. 32(1)(d)). Each check below evidences the controls named beside it.</p>\n")
                .append("<table><tr><th>check</th><th>what it does</th><th>controls evidenced</th><th>this run</th></tr>\n");
        for (ComplianceMap.Check check : ComplianceMap.CHECKS) {
            long found = check.kinds().stream().mapToLong(k -> byKind.path(k).asLong(0)).sum();
            boolean ran = check.ranWhen().stream().anyMatch(c -> counts.path(c).asLong(0) > 0);
            String result;
            String css;
            if (found > 0) {
                result = "FAILED: " + found + " finding(s)";
                css = "bad";
            } else if (!ran) {
                result = "not checked in this run";
                css = "muted";
            } else {
                result = check.kinds().isEmpty() ? "applied" : "passed: no findings";
                css = "good";
            }
            h.append("<tr><td>").append(esc(check.name())).append("</td><td>").append(esc(check.what())).append("</td><td>");
            check.controls().forEach(c -> h.append(esc(c.id())).append("<br>"));
            h.append("</td><td class=\"").append(css).append("\">").append(esc(result)).append("</td></tr>\n");
        }
        h.append("</table>\n<table><tr><th>control</th><th>what it asks for</th></tr>\n");
        ComplianceMap.CONTROLS.forEach(c -> h.append("<tr><td>").append(esc(c.id())).append("</td><td>").append(esc(c.title())).append("</td></tr>\n"));
        h.append("</table>\n");
    }

    private static void notes(StringBuilder h, JsonNode summary) {
        JsonNode notes = summary.path("notes");
        if (summary.hasNonNull("error")) {
            h.append("<h2>Error</h2><p class=\"bad\">").append(esc(text(summary, "error", ""))).append("</p>\n");
        }
        if (notes.isArray() && notes.size() > 0) {
            h.append("<h2>Notes</h2><ul>\n");
            notes.forEach(n -> h.append("<li>").append(esc(n.asText())).append("</li>\n"));
            h.append("</ul>\n");
        }
    }

    // --- words ---

    private static String meaning(String verdict) {
        return switch (verdict) {
            case "PASS" -> "Every check ran and found nothing: no patient saw another patient's data.";
            case "SEEDED" -> "Phase seed wrote the synthetic population and its ledger; nothing was verified yet.";
            case "BREACH" -> "Do not release: a patient saw, or could open, data that is not theirs, or lost their own.";
            case "UNVERIFIED" -> "The target could not be verified completely; this is never a pass.";
            case "ERROR" -> "Usage or configuration error: nothing was sent to the target.";
            default -> "Unknown verdict.";
        };
    }

    private static String tone(JsonNode summary) {
        String verdict = text(summary, "verdict", "");
        return verdict.equals("PASS") || verdict.equals("SEEDED") ? "pass" : verdict.equals("BREACH") ? "fail" : "unknown";
    }

    static String releasesLine(JsonNode summary) {
        JsonNode releases = summary.path("releases");
        return "release " + text(releases, "from", "?") + " → " + text(releases, "to", "?");
    }

    static String populationLine(JsonNode summary) {
        JsonNode population = summary.path("population");
        return text(population, "patients", "?") + " patients × " + text(population, "consultationsPerPatient", "?") + " consultations";
    }

    static String findingsLine(JsonNode summary) {
        JsonNode byKind = summary.path("counts").path("findingsByKind");
        if (!byKind.isObject() || byKind.size() == 0) {
            return "no findings";
        }
        List<String> parts = new ArrayList<>();
        byKind.fields().forEachRemaining(e -> parts.add(e.getKey() + " " + e.getValue().asText()));
        return "findings: " + String.join(", ", parts);
    }

    // --- escaping and redaction ---

    /** HTML-escaped, control and format characters shown escaped. */
    static String esc(String value) {
        return value == null ? "" : AllureText.markup(value);
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static String text(JsonNode node, String field, String absent) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? absent : value.isValueNode() ? value.asText() : value.toString();
    }

    private static String join(JsonNode array) {
        List<String> items = new ArrayList<>();
        array.forEach(n -> items.add(n.asText()));
        return String.join(", ", items);
    }

    /** Evidence never should carry a secret; if a target echoed one into a field, it is not repeated here. */
    static JsonNode redact(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                copy.set(e.getKey(), SECRET_KEY.matcher(e.getKey()).matches() ? TextNode.valueOf("[redacted]") : redact(e.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            var copy = JSON.createArrayNode();
            node.forEach(n -> copy.add(redact(n)));
            return copy;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(BEARER.matcher(node.asText()).replaceAll("$1 [redacted]"));
        }
        return node;
    }

    private static String pretty(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(node);
        }
    }

    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
