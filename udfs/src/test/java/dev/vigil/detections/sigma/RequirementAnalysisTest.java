package dev.vigil.detections.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequirementAnalysisTest {

    private static List<String> testedFields(EventPredicate p) {
        List<String> fields = new ArrayList<>();
        PredicateNodes.forEachLeaf(p, leaf -> {
            if (leaf instanceof PredicateNodes.StringFieldTest test && !test.field().equals("Channel")) {
                fields.add(test.field());
            }
        });
        return fields;
    }

    @Test
    void thePartTheIndexChecksIsEvaluatedLast() throws Exception {
        SigmaRule rule = SigmaSemanticsTest.rule("cli:\n  CommandLine|contains: 'sekurlsa::logonpasswords'\n"
                + "img:\n  Image|endswith: '\\x.exe'\nfilter:\n  User: 'SYSTEM'\ncondition: cli and img and not filter");
        RequirementAnalysis.EventIdContext any = RequirementAnalysis.EventIdContext.UNKNOWN_ID;
        assertThat(RequirementAnalysis.of(rule.predicate(), any).atoms())
                .containsExactly(new Requirement.Atom("CommandLine", Requirement.Kind.CONTAINS, "sekurlsa::logonpasswords"));
        assertThat(testedFields(rule.predicate())).containsExactly("CommandLine", "Image", "User");

        EventPredicate ordered = RequirementAnalysis.indexedPartLast(rule.predicate(), any);
        assertThat(testedFields(ordered)).containsExactly("Image", "User", "CommandLine");
        for (Map<String, Object> e : List.<Map<String, Object>>of(
                Map.of("CommandLine", "mimikatz sekurlsa::logonpasswords", "Image", "C:\\x.exe", "User", "bob"),
                Map.of("CommandLine", "mimikatz sekurlsa::logonpasswords", "Image", "C:\\x.exe", "User", "SYSTEM"),
                Map.of("CommandLine", "mimikatz sekurlsa::logonpasswords", "Image", "C:\\y.exe"),
                Map.of("CommandLine", "dir", "Image", "C:\\x.exe"))) {
            MapEventFields fields = new MapEventFields(e);
            assertThat(ordered.test(fields)).as("%s", e).isEqualTo(rule.predicate().test(fields));
        }
        assertThat(ordered.test(new MapEventFields(Map.of("CommandLine", "sekurlsa::logonpasswords", "Image", "a\\x.exe"))))
                .isTrue();
    }

    @Test
    void aRuleWithoutAnIndexedPartKeepsItsOrder() throws Exception {
        SigmaRule rule = SigmaSemanticsTest.rule("a:\n  F|re: 'x+'\nb:\n  G|re: 'y'\ncondition: a and b");
        EventPredicate ordered = RequirementAnalysis.indexedPartLast(rule.predicate(),
                RequirementAnalysis.EventIdContext.UNKNOWN_ID);
        assertThat(ordered).isSameAs(rule.predicate());
    }
}
