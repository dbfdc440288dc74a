package dev.vigil.detections.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A rule folded for one EventID drops the branches that EventID decides, and answers as before on its events. */
class EventIdFoldingTest {

    private static List<String> fields(EventPredicate p) {
        List<String> out = new ArrayList<>();
        PredicateNodes.forEachLeaf(p, leaf -> {
            EventPredicate test = leaf instanceof PredicateNodes.Remembered r ? r.test() : leaf;
            if (test instanceof PredicateNodes.StringFieldTest t) {
                out.add(t.field());
            }
        });
        return out;
    }

    @Test
    void aProcessCreationRuleForSysmonOneKeepsOnlyItsSysmonBranch() throws Exception {
        SigmaRule rule = SigmaSemanticsTest.rule("category: process_creation\nproduct: windows",
                "sel:\n  Image|endswith: '\\whoami.exe'\nfilter:\n  CommandLine|contains: '/?'\ncondition: sel and not filter");
        assertThat(fields(rule.predicate())).contains("EventID", "Image", "NewProcessName");

        EventPredicate sysmon = EventIdFolding.fold(rule.predicate(), RequirementAnalysis.EventIdContext.equalTo("1"));
        assertThat(fields(sysmon)).doesNotContain("EventID", "NewProcessName").contains("Image", "CommandLine", "Channel");
        EventPredicate security = EventIdFolding.fold(rule.predicate(), RequirementAnalysis.EventIdContext.equalTo("4688"));
        assertThat(fields(security)).doesNotContain("EventID", "Image").contains("NewProcessName");

        for (Map<String, Object> e : List.of(
                Map.<String, Object>of("EventID", 1, "Channel", "Microsoft-Windows-Sysmon/Operational", "Image", "C:\\x\\WHOAMI.EXE"),
                Map.<String, Object>of("EventID", "1", "Channel", "Microsoft-Windows-Sysmon/Operational", "Image", "C:\\x\\whoami.exe",
                        "CommandLine", "whoami /?"),
                Map.<String, Object>of("EventID", 1, "Channel", "Security", "Image", "C:\\x\\whoami.exe"))) {
            MapEventFields fields = new MapEventFields(e);
            assertThat(sysmon.test(fields)).as("%s", e).isEqualTo(rule.matches(fields));
        }
        assertThat(sysmon.test(new MapEventFields(Map.of("EventID", 1, "Channel", "Microsoft-Windows-Sysmon/Operational",
                "Image", "C:\\x\\whoami.exe")))).isTrue();
    }

    @Test
    void anEventIdNoTestNamesOrNoneAtAllDecidesTheRuleFalse() throws Exception {
        SigmaRule rule = SigmaSemanticsTest.rule("category: process_creation\nproduct: windows",
                "sel:\n  Image|endswith: '\\whoami.exe'\ncondition: sel");
        assertThat(EventIdFolding.fold(rule.predicate(), RequirementAnalysis.EventIdContext.OTHER_ID)).isSameAs(EventPredicate.NEVER);
        assertThat(EventIdFolding.fold(rule.predicate(), RequirementAnalysis.EventIdContext.ABSENT_ID)).isSameAs(EventPredicate.NEVER);
        assertThat(EventIdFolding.fold(rule.predicate(), RequirementAnalysis.EventIdContext.UNKNOWN_ID)).isSameAs(rule.predicate());
    }
}
