package dev.cordon.clinic;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClinicMainTest {
    @Test
    void listFaultsPrintsTheCatalogue() {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            assertThat(new CommandLine(new ClinicMain(Map.of())).execute("--list-faults")).isZero();
        } finally {
            System.setOut(original);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(out.lines()).hasSize(Fault.values().length);
        for (Fault f : Fault.values()) assertThat(out).contains(f.id() + " — " + f.description() + " (from release " + f.since() + ")");
        for (String id : new String[] {"consultation-update-without-owner", "care-record-from-body", "delete-keeps-data"}) {
            assertThat(out.lines().filter(l -> l.startsWith(id + " — "))).as(id).singleElement().asString().endsWith("(from release 2.2.0)");
        }
        assertThat(out.lines().filter(l -> l.startsWith("switch-owner-by-time-of-day — "))).singleElement().asString()
                .endsWith("(from release 2.0.0)");
    }

    @Test
    void unknownReleaseOrFaultExitsTwo() {
        assertThat(new CommandLine(new ClinicMain(Map.of())).execute("--release", "9.9.9", "--port", "0")).isEqualTo(2);
        assertThat(new CommandLine(new ClinicMain(Map.of())).execute("--fault", "nope", "--port", "0")).isEqualTo(2);
        assertThat(new CommandLine(new ClinicMain(Map.of("CLINIC_FAULTS", "nope"))).execute("--port", "0")).isEqualTo(2);
    }

    @Test
    void flagsWinOverEnvironmentWhichWinsOverDefaults() {
        ClinicMain main = new ClinicMain(Map.of("CLINIC_RELEASE", "1.4.0", "CLINIC_PORT", "9999", "CLINIC_FAULTS",
                "media-without-owner, later-pages-unfiltered", "CLINIC_OPERATOR_SECRET", "env-secret", "CLINIC_PAGE_SIZE", "7"));
        new CommandLine(main).parseArgs("--port", "0", "--fault", "switch-owner-by-slot");
        ClinicSettings s = main.settings();
        assertThat(s.release()).isEqualTo("1.4.0");
        assertThat(s.port()).isZero();
        assertThat(s.faults()).containsExactlyInAnyOrder("media-without-owner", "later-pages-unfiltered", "switch-owner-by-slot");
        assertThat(s.operatorSecret()).isEqualTo("env-secret");
        assertThat(s.pageSize()).isEqualTo(7);
        assertThat(s.bindHost()).isEqualTo("127.0.0.1");

        ClinicMain bare = new ClinicMain(Map.of());
        new CommandLine(bare).parseArgs();
        assertThat(bare.settings()).isEqualTo(ClinicSettings.defaults());
        ClinicMain badPort = new ClinicMain(Map.of("CLINIC_PORT", "eighty"));
        new CommandLine(badPort).parseArgs();
        assertThatThrownBy(badPort::settings).hasMessageContaining("CLINIC_PORT");
    }
}
