package dev.cordon.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How long the browser check took, written next to the run summary (ui-timings.json) so ci/bench-ui.sh can report
 * the median per patient after the browser is up, the browser start-up, and the whole check.
 */
public final class PageCheckTimings {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PageCheckTimings() {
    }

    public static Map<String, Object> of(ReplaysPageCheck.Result result) {
        List<Double> perPatient = result.patients().stream().map(p -> seconds(p.total())).sorted().toList();
        List<Double> pageOnly = result.patients().stream().map(p -> seconds(p.pageTime())).sorted().toList();
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("patients", result.patients().size());
        timings.put("pages", result.pages());
        timings.put("browsers", result.browserStartups().size());
        timings.put("browserStartSeconds", result.browserStartups().stream().map(PageCheckTimings::seconds).toList());
        timings.put("medianPatientSeconds", median(perPatient));
        timings.put("maxPatientSeconds", perPatient.isEmpty() ? 0.0 : perPatient.get(perPatient.size() - 1));
        timings.put("medianPageOnlySeconds", median(pageOnly));
        timings.put("checkWallSeconds", seconds(result.wall()));
        timings.put("patientSeconds", perPatient);
        return timings;
    }

    public static void write(Path file, ReplaysPageCheck.Result result) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, JSON.writeValueAsString(of(result)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static double median(List<Double> sorted) {
        if (sorted.isEmpty()) {
            return 0.0;
        }
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double seconds(Duration d) {
        return Math.round(d.toMillis()) / 1000.0;
    }
}
