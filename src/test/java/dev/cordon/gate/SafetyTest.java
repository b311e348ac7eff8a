package dev.cordon.gate;

import dev.cordon.config.ConfigException;
import dev.cordon.config.EnvironmentLoader;
import dev.cordon.config.Overrides;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The host deny-list refuses a denied host in every spelling that reaches the same host, and nothing else. */
class SafetyTest {
    private static void denied(String entry, String... urls) {
        for (String url : urls) {
            assertThat(Safety.deniedBy(url, List.of(entry))).as("%s against deny-list entry %s", url, entry).contains(entry);
        }
    }

    private static void allowed(String entry, String... urls) {
        for (String url : urls) {
            assertThat(Safety.deniedBy(url, List.of(entry))).as("%s against deny-list entry %s", url, entry).isEmpty();
        }
    }

    @Test
    void letterCaseAndTrailingDotsAreTheSameHost() {
        denied("clinic.example.com", "https://clinic.example.com/", "https://CLINIC.Example.COM/api", "https://clinic.example.com./",
                "https://clinic.example.com.:8443/x", "http://clinic.example.com?x=1", "http://clinic.example.com#top");
        denied("Clinic.Example.com.", "https://clinic.example.com");
        allowed("clinic.example.com", "https://clinic.example.com.evil.test/", "https://staging.example.com/",
                "https://clinic-example.com/", "https://example.com/");
    }

    @Test
    void aSuffixCoversTheDomainAndEverythingUnderIt() {
        denied(".prod.example.com", "http://api.prod.example.com:8080", "http://API.PROD.EXAMPLE.COM./", "http://prod.example.com/",
                "http://a.b.prod.example.com");
        allowed(".prod.example.com", "http://notprod.example.com/", "http://prod.example.com.evil.test/", "http://staging.example.com");
        allowed(".0.0.1", "http://127.0.0.1/"); // a suffix names domains, not address ranges
    }

    @Test
    void internationalisedNamesMatchInBothDirections() {
        denied("bücher.example.com", "http://xn--bcher-kva.example.com/", "http://XN--BCHER-KVA.example.com./", "http://bücher.example.com",
                "http://BÜCHER.example.com/", "http://bücher。example。com/");
        denied("xn--bcher-kva.example.com", "http://bücher.example.com/", "http://Bücher.Example.Com./", "http://xn--bcher-kva.example.com");
        denied(".bücher.example", "http://api.xn--bcher-kva.example/");
        denied(".xn--bcher-kva.example", "http://api.bücher.example/");
        allowed("bücher.example.com", "http://bucher.example.com/", "http://xn--bcher-kva.example.org/");
    }

    @Test
    void everyIpv4SpellingOfADeniedAddressIsRefused() {
        denied("127.0.0.1", "http://127.0.0.1:8080/", "http://127.1/", "http://127.0.1/", "http://2130706433/", "http://0x7f000001/",
                "http://0x7f.0.0.1/", "http://0X7F.0x0.0.0x1/", "http://0177.0.0.1/", "http://0177.1/", "http://127.0.0.1./",
                "http://127.000.000.001/");
        allowed("127.0.0.1", "http://127.0.0.2/", "http://127.0.0.1.example.com/", "http://10.0.0.1/", "http://[::1]/");
        // 0177 is 127 to inet_aton and 177 to a strict decimal parser: either reading is refused
        denied("177.0.0.1", "http://0177.0.0.1/");
        allowed("10.0.0.1", "http://10.0.0.01x/", "http://08.0.0.1/");
    }

    @Test
    void ipv6SpellingsAreOneAddress() {
        denied("2001:db8::1", "http://[2001:db8::1]/", "http://[2001:DB8:0:0:0:0:0:1]:443/", "http://[2001:0db8:0000::0001]/",
                "http://[2001:db8::1%25eth0]/");
        denied("[::1]", "http://[0:0:0:0:0:0:0:1]:8080/", "http://[::0:1]/");
        allowed("2001:db8::1", "http://[2001:db8::2]/", "http://[2001:db8:1::1]/", "http://2001.db8.0.1/");
    }

    @Test
    void ipv4MappedAndNat64AddressesStandForTheirIpv4Address() {
        denied("127.0.0.1", "http://[::ffff:127.0.0.1]/", "http://[::FFFF:7f00:1]:8080/", "http://[0:0:0:0:0:ffff:7f00:0001]/",
                "http://[64:ff9b::127.0.0.1]/", "http://[::127.0.0.1]/");
        denied("::ffff:10.0.0.5", "http://10.0.0.5/", "http://167772165/");
        denied("::ffff:a00:5", "http://10.0.0.5:8080/");
        allowed("127.0.0.1", "http://[::ffff:127.0.0.2]/", "http://[::1]/", "http://[2001:db8::7f00:1]/");
    }

    @Test
    void malformedIpv6TextIsNoAddress() {
        for (String text : List.of("1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3", "::ffff:1.2.3.256", "1:2:3:4:5:6:7::8", ":1::")) {
            assertThat(Safety.parseIpv6(text)).as(text).isNull();
        }
        assertThat(Safety.parseIpv6("::")).hasSize(16);
        assertThat(Safety.parseIpv6("1:2:3:4:5:6:7:8")).hasSize(16);
        assertThat(Safety.parseIpv6("1:2:3:4:5:6:1.2.3.4")).hasSize(16);
    }

    @Test
    void theHostIsReadFromTheTextWhateverJavaNetUriThinksOfIt() {
        assertThat(Safety.hostOf("http://bücher.example.com:8080/x")).isEqualTo("bücher.example.com");
        assertThat(Safety.hostOf("http://0x7f.1/")).isEqualTo("0x7f.1");
        assertThat(Safety.hostOf("http://[::1]:80/")).isEqualTo("[::1]");
        assertThat(Safety.hostOf("http://h.test\\@evil.test/")).isEqualTo("h.test");
    }

    /** The gate's own path: the loader turns an IDN URL into punycode, Safety refuses it against a deny-list in Unicode. */
    @Test
    void anEnvironmentWithADeniedHostInAnotherSpellingIsRefused(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("profiles"));
        Files.copy(Path.of("environments/profiles/reference-clinic.yaml"), dir.resolve("profiles/reference-clinic.yaml"));
        String yaml = """
                testEnvironment: true
                hostDenyList: [ "bücher.example.com", ".prod.example.com", "::ffff:127.0.0.1" ]
                deployment: { kind: external, baseUrl: "%s" }
                target: { profile: reference-clinic, operatorSecret: "${OP}" }
                population: { patients: 2 }
                """;
        EnvironmentLoader loader = new EnvironmentLoader(dir, Map.of("OP", "x"));
        for (String url : List.of("https://XN--BCHER-KVA.example.com./", "https://Bücher.Example.com:8443/", "http://api.PROD.example.com./",
                "http://2130706433:8080/", "http://127.0.0.1:8080/")) {
            Files.writeString(dir.resolve("e.yaml"), yaml.formatted(url));
            var config = loader.load("e", Overrides.none());
            assertThatThrownBy(() -> Safety.check(config, Phase.seed)).as(url).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("e.yaml").hasMessageContaining("hostDenyList");
        }
        Files.writeString(dir.resolve("e.yaml"), yaml.formatted("http://127.0.0.2:8080/"));
        Safety.check(loader.load("e", Overrides.none()), Phase.seed);
    }
}
