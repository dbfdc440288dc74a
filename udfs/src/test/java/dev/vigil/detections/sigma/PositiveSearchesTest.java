package dev.vigil.detections.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PositiveSearchesTest {

    private static Map<String, Object> detection(String condition, String... searches) {
        Map<String, Object> d = new LinkedHashMap<>();
        for (String s : searches) {
            d.put(s, Map.of("Image|endswith", "\\x.exe"));
        }
        d.put("condition", condition);
        return d;
    }

    @Test
    void searchesUnderAnOddNumberOfNotsAreNotPositive() throws Exception {
        assertThat(SigmaRuleCompiler.positiveSearches(detection("selection and not 1 of filter_main_*",
                "selection", "filter_main_a", "filter_main_b"))).containsExactly("selection");
        assertThat(SigmaRuleCompiler.positiveSearches(detection("all of selection_* and not (filter or not keep)",
                "selection_a", "selection_b", "filter", "keep"))).containsExactlyInAnyOrder("selection_a", "selection_b", "keep");
        assertThat(SigmaRuleCompiler.positiveSearches(detection("1 of them", "a", "b"))).containsExactlyInAnyOrder("a", "b");
        assertThat(SigmaRuleCompiler.positiveSearches(detection("NOT a OR b", "a", "b"))).containsExactly("b");
        Map<String, Object> listed = detection("x", "a", "b");
        listed.put("condition", List.of("a", "not b"));
        assertThat(SigmaRuleCompiler.positiveSearches(listed)).containsExactly("a");
    }
}
