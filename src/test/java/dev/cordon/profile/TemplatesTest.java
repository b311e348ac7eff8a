package dev.cordon.profile;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Template filling: the hand-written scan fills exactly what the placeholder pattern matches, and encodes as URLEncoder. */
class TemplatesTest {
    private static final Map<String, String> VALUES = Map.of("id", "42", "a", "x y", "b_2", "é/&", "runTag", "t");

    @Test
    void fillsPlaceholdersInPathsAndTexts() {
        assertThat(Templates.path("/api/replays/{id}/media", VALUES)).isEqualTo("/api/replays/42/media");
        assertThat(Templates.path("/p/{a}", VALUES)).isEqualTo("/p/x%20y");
        assertThat(Templates.text("Bearer ${a}-{id}", VALUES)).isEqualTo("Bearer x y-42");
        assertThat(Templates.text("{not a name} {1x} ${ {id", VALUES)).isEqualTo("{not a name} {1x} ${ {id");
        assertThatThrownBy(() -> Templates.path("/p/{missing}", VALUES)).hasMessageContaining("{missing}");
    }

    @Test
    void theScanAgreesWithThePatternOnRandomTemplates() {
        Pattern placeholder = Pattern.compile("\\$?\\{([A-Za-z][A-Za-z0-9_]*)}");
        String alphabet = "${}ab_2id1 /x";
        Random random = new Random(7);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder t = new StringBuilder();
            for (int i = random.nextInt(14); i > 0; i--) {
                t.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String template = t.toString();
            Matcher m = placeholder.matcher(template);
            StringBuilder expected = new StringBuilder();
            boolean missing = false;
            while (m.find()) {
                String value = VALUES.get(m.group(1));
                if (value == null) {
                    missing = true;
                    break;
                }
                m.appendReplacement(expected, Matcher.quoteReplacement(value));
            }
            if (missing) {
                assertThatThrownBy(() -> Templates.text(template, VALUES)).as(template).isInstanceOf(IllegalStateException.class);
            } else {
                m.appendTail(expected);
                assertThat(Templates.text(template, VALUES)).as(template).isEqualTo(expected.toString());
            }
        }
    }

    @Test
    void formEncodingIsUrlEncoders() {
        for (String v : new String[] {"42", "abc-_.*", "x y", "a+b", "é", "&=?", "", "~"}) {
            assertThat(Templates.formEncode(v)).as(v).isEqualTo(URLEncoder.encode(v, StandardCharsets.UTF_8));
        }
    }
}
