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

    @Test
    void aFieldOnlyOneRuleNeedsIsNotScannedWhenTheRuleHasANearlyAsRareLiteralOnAScannedField() throws Exception {
        SigmaRule lsass = SigmaSemanticsTest.rule("sel:\n  TargetImage|endswith: '\\lsass.exe'\ncondition: sel");
        // its rarest literal is \rundll32.exe, but TargetImage is scanned for the rule above anyway
        SigmaRule comsvcs = SigmaSemanticsTest.rule("src:\n  SourceImage|endswith: '\\rundll32.exe'\n"
                + "dst:\n  TargetImage|endswith: '\\lsass.exe'\ncondition: src and dst");
        // its alternative on TargetImage is a list of short names, far likelier: GrantedAccess stays
        SigmaRule access = SigmaSemanticsTest.rule("acc:\n  GrantedAccess: '0x1fffff'\ndst:\n  TargetImage|endswith:\n"
                + "    - '\\a.exe'\n    - '\\b.exe'\n    - '\\c.exe'\n    - '\\d.exe'\n    - '\\e.exe'\n"
                + "    - '\\f.exe'\n    - '\\g.exe'\n    - '\\h.exe'\ncondition: acc and dst");
        // no other literal at all: ParentImage stays
        SigmaRule word = SigmaSemanticsTest.rule("sel:\n  ParentImage|endswith: '\\winword.exe'\ncondition: sel");
        RequirementAnalysis.EventIdContext any = RequirementAnalysis.EventIdContext.UNKNOWN_ID;
        assertThat(RequirementAnalysis.of(comsvcs.predicate(), any).fields()).containsExactly("SourceImage");
        assertThat(RequirementAnalysis.of(access.predicate(), any).fields()).containsExactly("GrantedAccess");

        List<EventPredicate> group = List.of(lsass.predicate(), comsvcs.predicate(), access.predicate(), word.predicate());
        var scanned = RequirementAnalysis.scannedFields(group, any);
        assertThat(scanned).containsExactlyInAnyOrder("TargetImage", "GrantedAccess", "ParentImage");
        assertThat(RequirementAnalysis.of(comsvcs.predicate(), any, scanned).atoms())
                .containsExactly(new Requirement.Atom("TargetImage", Requirement.Kind.ENDS_WITH, "\\lsass.exe"));
        assertThat(RequirementAnalysis.of(access.predicate(), any, scanned).fields()).containsExactly("GrantedAccess");
        assertThat(testedFields(RequirementAnalysis.indexedPartLast(comsvcs.predicate(), any, scanned, Requirement.ESTIMATED)))
                .containsExactly("SourceImage", "TargetImage");

        // the index built on these choices answers as every rule evaluated on every event
        List<SigmaRule> rules = List.of(lsass, comsvcs, access, word);
        SigmaRuleSet indexed = new SigmaRuleSet(rules);
        SigmaRuleSet linear = SigmaRuleSet.unindexed(rules);
        for (Map<String, Object> e : List.<Map<String, Object>>of(
                Map.of("SourceImage", "C:\\Windows\\rundll32.exe", "TargetImage", "C:\\Windows\\lsass.exe"),
                Map.of("SourceImage", "C:\\Windows\\rundll32.exe", "TargetImage", "C:\\Windows\\svchost.exe"),
                Map.of("SourceImage", "C:\\x.exe", "TargetImage", "C:\\Windows\\LSASS.EXE"),
                Map.of("GrantedAccess", "0x1FFFFF", "TargetImage", "C:\\b.exe"),
                Map.of("GrantedAccess", "0x1fffff", "TargetImage", "C:\\z.exe"),
                Map.of("ParentImage", "C:\\Office\\WINWORD.EXE"))) {
            List<Integer> a = new ArrayList<>();
            List<Integer> b = new ArrayList<>();
            indexed.forEachMatch(new MapEventFields(e), a::add);
            linear.forEachMatch(new MapEventFields(e), b::add);
            assertThat(a).as("%s", e).isEqualTo(b);
        }
        List<Integer> hits = new ArrayList<>();
        indexed.forEachMatch(new MapEventFields(Map.of("SourceImage", "C:\\Windows\\rundll32.exe",
                "TargetImage", "C:\\Windows\\lsass.exe")), hits::add);
        assertThat(hits).containsExactly(0, 1);
    }
}
