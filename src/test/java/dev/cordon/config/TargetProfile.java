package dev.cordon.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to talk to one kind of target (environments/profiles/NAME.yaml): each operation as method, path template,
 * body template and the JSON paths to extract; the auth style; the pagination style; the web page selectors.
 * The schema is documented in docs/target-profile.md.
 */
public record TargetProfile(String name, String file, Auth auth, Pagination pagination, Map<String, Operation> operations,
                            Map<String, String> pages) {

    /** Operations every profile must describe; the optional ones may be left out where a target lacks them. */
    public static final List<String> REQUIRED_OPERATIONS = List.of("version", "createPatient", "deletePatient", "login",
            "whoAmI", "book", "start", "complete", "listReplays", "openReplay", "openMedia");
    public static final List<String> OPTIONAL_OPERATIONS = List.of("health", "listPatients", "switchToVideo", "logout");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    public record Operation(String name, String method, String path, JsonNode body, Map<String, String> extract) {
        public String extractPath(String what) {
            String path = extract.get(what);
            if (path == null) {
                throw new IllegalStateException("profile operation '" + name + "' does not say where to find '" + what + "'");
            }
            return path;
        }
    }

    /** patient: bearer (token from a JSON path of the login answer) or cookie (session cookie set by login). */
    public record Auth(String patientStyle, String tokenPath, String cookieName, String operatorHeader, String operatorPrefix) {
    }

    /** page-size (page and size parameters), offset-limit, or next-link (follow a link or cursor in the answer). */
    public record Pagination(String style, String pageParam, String sizeParam, int firstPage, String offsetParam,
                             String limitParam, String itemsPath, String itemIdPath, String totalPath, String nextPath) {
    }

    public Operation operation(String name) {
        Operation operation = operations.get(name);
        if (operation == null) {
            throw new IllegalStateException("profile " + file + " has no operation '" + name + "'");
        }
        return operation;
    }

    public boolean supports(String name) {
        return operations.containsKey(name);
    }

    public String page(String key) {
        String selector = pages.get(key);
        if (selector == null) {
            throw new IllegalStateException("profile " + file + " has no pages." + key);
        }
        return selector;
    }

    public static TargetProfile load(Path path) {
        ConfigNode root = ConfigNode.load(path).onlyKeys("name", "description", "auth", "pagination", "operations", "pages");
        String file = root.file();

        ConfigNode auth = root.section("auth").onlyKeys("patient", "tokenPath", "cookieName", "operatorHeader", "operatorPrefix");
        String patientStyle = auth.oneOf("patient", Set.of("bearer", "cookie"), null);
        Auth parsedAuth = new Auth(patientStyle,
                "bearer".equals(patientStyle) ? auth.text("tokenPath") : auth.text("tokenPath", null),
                "cookie".equals(patientStyle) ? auth.text("cookieName") : auth.text("cookieName", null),
                auth.text("operatorHeader", "Authorization"), auth.text("operatorPrefix", "Bearer "));

        ConfigNode paging = root.section("pagination").onlyKeys("style", "pageParam", "sizeParam", "firstPage",
                "offsetParam", "limitParam", "itemsPath", "itemIdPath", "totalPath", "nextPath");
        String style = paging.oneOf("style", Set.of("page-size", "offset-limit", "next-link"), null);
        Pagination pagination = new Pagination(style,
                paging.text("pageParam", "page"), paging.text("sizeParam", "size"), paging.intAtLeast("firstPage", 0, 1),
                paging.text("offsetParam", "offset"), paging.text("limitParam", "limit"),
                paging.text("itemsPath"), paging.text("itemIdPath"), paging.text("totalPath", null),
                "next-link".equals(style) ? paging.text("nextPath") : paging.text("nextPath", null));

        Map<String, Operation> operations = new LinkedHashMap<>();
        ConfigNode ops = root.section("operations");
        ops.onlyKeys(concat(REQUIRED_OPERATIONS, OPTIONAL_OPERATIONS));
        for (Map.Entry<String, ConfigNode> entry : ops.sections().entrySet()) {
            ConfigNode op = entry.getValue().onlyKeys("method", "path", "body", "extract");
            String method = op.text("method").toUpperCase();
            if (!METHODS.contains(method)) {
                throw ConfigException.at(file, op.key() + ".method", "one of " + METHODS, method);
            }
            String opPath = op.text("path");
            if (!opPath.startsWith("/")) {
                throw ConfigException.at(file, op.key() + ".path", "a path starting with /", opPath);
            }
            operations.put(entry.getKey(), new Operation(entry.getKey(), method, opPath, op.raw("body"), op.textMap("extract")));
        }
        for (String required : REQUIRED_OPERATIONS) {
            if (!operations.containsKey(required)) {
                throw ConfigException.at(file, "operations." + required, "a description of this operation (method, path)", null);
            }
        }
        requireExtract(file, operations, "createPatient", "patientId");
        requireExtract(file, operations, "whoAmI", "patientId");
        requireExtract(file, operations, "book", "consultationId");
        requireExtract(file, operations, "start", "recordingIds");
        requireExtract(file, operations, "complete", "recordingIds");
        requireExtract(file, operations, "version", "release");
        return new TargetProfile(root.text("name"), file, parsedAuth, pagination, operations,
                root.textMap("pages"));
    }

    private static void requireExtract(String file, Map<String, Operation> operations, String op, String what) {
        Operation operation = operations.get(op);
        if (operation != null && !operation.extract().containsKey(what)) {
            throw ConfigException.at(file, "operations." + op + ".extract." + what, "the JSON path of the " + what + " in the answer", null);
        }
    }

    private static String[] concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
    }
}
