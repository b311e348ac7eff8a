package dev.cordon.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain dotted paths are read straight off the tree; a path with the same meaning that the library evaluates
 * ({@code $['a']['b']} instead of {@code $.a.b}) must select the same values on every shape of answer.
 */
class ValuePathTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> DOCUMENTS = List.of(
            "{\"items\":[{\"id\":1},{\"id\":\"b\"}],\"total\":2}",
            "{\"items\":[]}",
            "{\"status\":\"maintenance\"}",
            "{\"items\":{\"id\":7}}",
            "{\"items\":null,\"id\":null}",
            "{\"data\":{\"items\":[{\"id\":1.5},{\"id\":true}]}}",
            "[1,2,3]",
            "\"text\"",
            "{\"id\":[4,5],\"data\":\"x\"}");

    private static Optional<List<String>> all(String path, JsonNode document) {
        return ValuePath.parse("t.yaml", "k", path).all(document).map(values -> values.stream().map(JsonNode::asText).toList());
    }

    @Test
    void plainPathsSelectWhatTheLibrarySelects() throws Exception {
        List<String[]> pairs = List.of(
                new String[] {"$.items[*]", "$['items'][*]"},
                new String[] {"$.id", "$['id']"},
                new String[] {"$.total", "$['total']"},
                new String[] {"$.data.items[*]", "$['data']['items'][*]"},
                new String[] {"$.data.items", "$['data']['items']"});
        for (String text : DOCUMENTS) {
            JsonNode document = JSON.readTree(text);
            for (String[] pair : pairs) {
                assertThat(all(pair[0], document)).as("%s on %s", pair[0], text).isEqualTo(all(pair[1], document));
                assertThat(ValuePath.parse("t.yaml", "k", pair[0]).text(document)).as("text of %s on %s", pair[0], text)
                        .isEqualTo(ValuePath.parse("t.yaml", "k", pair[1]).text(document));
            }
        }
    }

    @Test
    void anAnswerWithoutTheListIsNotAnEmptyListing() throws Exception {
        assertThat(all("$.items[*]", JSON.readTree("{\"status\":\"maintenance\"}"))).isEmpty();
        assertThat(all("$.items[*]", JSON.readTree("{\"items\":[]}"))).contains(List.of());
    }
}
