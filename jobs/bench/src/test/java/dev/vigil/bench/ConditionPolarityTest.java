package dev.vigil.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionPolarityTest {

    private static Map<String, Object> detection(String condition, String... searches) {
        Map<String, Object> d = new LinkedHashMap<>();
        for (String s : searches) {
            d.put(s, Map.of("Image|endswith", "\\x.exe"));
        }
        d.put("condition", condition);
        return d;
    }

    @Test
    void searchesUnderAnOddNumberOfNotsAreNotPositive() {
        assertThat(ConditionPolarity.positiveSearches(detection("selection and not 1 of filter_main_*",
                "selection", "filter_main_a", "filter_main_b"))).containsExactly("selection");
        assertThat(ConditionPolarity.positiveSearches(detection("all of selection_* and not (filter or not keep)",
                "selection_a", "selection_b", "filter", "keep"))).containsExactlyInAnyOrder("selection_a", "selection_b", "keep");
        assertThat(ConditionPolarity.positiveSearches(detection("1 of them", "a", "b"))).containsExactlyInAnyOrder("a", "b");
        assertThat(ConditionPolarity.positiveSearches(detection("NOT a OR b", "a", "b"))).containsExactly("b");
        Map<String, Object> listed = detection("x", "a", "b");
        listed.put("condition", List.of("a", "not b"));
        assertThat(ConditionPolarity.positiveSearches(listed)).containsExactly("a");
    }

    @Test
    void aRuleWhoseOnlyValuesToTagAreNegatedHasNoReplica() {
        Map<String, Object> smb = new LinkedHashMap<>();
        smb.put("selection", Map.of("EventID", 4624, "LogonType", 3));
        smb.put("filter_main_empty", Map.of("IpAddress", "-"));
        smb.put("condition", "selection and not 1 of filter_main_*");
        assertThat(RuleCorpus.replicaNeedsATaggedValue(Map.of("detection", smb))).isFalse();

        Map<String, Object> curl = new LinkedHashMap<>();
        curl.put("selection", Map.of("Image|endswith", "\\curl.exe"));
        curl.put("filter", Map.of("CommandLine|re", "x+"));
        curl.put("condition", "selection and not filter");
        assertThat(RuleCorpus.replicaNeedsATaggedValue(Map.of("detection", curl))).isTrue();
    }
}
