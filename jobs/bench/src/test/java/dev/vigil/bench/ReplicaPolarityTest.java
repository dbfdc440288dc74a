package dev.vigil.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaPolarityTest {

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
