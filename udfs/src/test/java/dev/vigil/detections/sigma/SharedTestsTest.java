package dev.vigil.detections.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Tests rules make alike become one remembered test, answered once per event, and rules answer as before. */
class SharedTestsTest {

    private static final String LOGSOURCE = "category: process_creation\nproduct: windows";

    private static List<PredicateNodes.Remembered> remembered(EventPredicate p) {
        List<PredicateNodes.Remembered> out = new ArrayList<>();
        PredicateNodes.forEachLeaf(p, leaf -> {
            if (leaf instanceof PredicateNodes.Remembered r) {
                out.add(r);
            }
        });
        return out;
    }

    @Test
    void testsTwoRulesMakeAlikeAreOneInstanceAndTheRulesAnswerAsBefore() throws Exception {
        SigmaRule powershellEncoded = SigmaSemanticsTest.rule(LOGSOURCE,
                "sel:\n  Image|endswith: '\\powershell.exe'\n  CommandLine|contains: ' -enc '\ncondition: sel");
        SigmaRule powershellHidden = SigmaSemanticsTest.rule(LOGSOURCE,
                "sel:\n  Image|endswith: '\\POWERSHELL.EXE'\n  CommandLine|contains: 'hidden'\ncondition: sel");
        SigmaRule cased = SigmaSemanticsTest.rule(LOGSOURCE,
                "sel:\n  Image|endswith|cased: '\\powershell.exe'\ncondition: sel");
        SigmaRule[] rules = {powershellEncoded, powershellHidden, cased};
        SharedTests shared = SharedTests.of(rules);
        EventPredicate[] rewritten = new EventPredicate[rules.length];
        for (int i = 0; i < rules.length; i++) {
            rewritten[i] = shared.rewrite(rules[i].predicate());
        }

        // the logsource's EventID and Channel tests, Sysmon's and Security 4688's (all three rules), and the
        // case-insensitive Image test, as Image and as 4688's NewProcessName (the two first: their literals are
        // lower-cased alike); not the case-sensitive one, nor the CommandLine tests
        List<PredicateNodes.Remembered> first = remembered(rewritten[0]);
        List<PredicateNodes.Remembered> second = remembered(rewritten[1]);
        List<PredicateNodes.Remembered> third = remembered(rewritten[2]);
        assertThat(first).hasSize(second.size()).containsExactlyInAnyOrderElementsOf(second);
        assertThat(first).hasSize(6);
        assertThat(third).hasSize(4).allMatch(first::contains);
        assertThat(shared.count()).isEqualTo(first.size());

        PreparedEvent prepared = new PreparedEvent().rememberingUpTo(shared.count());
        List<Map<String, Object>> events = List.of(
                Map.of("EventID", 1, "Channel", "Microsoft-Windows-Sysmon/Operational",
                        "Image", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\PowerShell.exe",
                        "CommandLine", "powershell -w hidden -enc SQBFAFgA"),
                Map.of("EventID", 4688, "Channel", "Security",
                        "NewProcessName", "C:\\x\\powershell.exe", "CommandLine", "powershell -enc AAAA"),
                Map.of("EventID", 1, "Channel", "Microsoft-Windows-Sysmon/Operational",
                        "Image", "C:\\x\\pwsh.exe", "CommandLine", "pwsh -enc AAAA"));
        int matches = 0;
        for (Map<String, Object> e : events) {
            MapEventFields fields = new MapEventFields(e);
            prepared.reset(fields);
            for (int i = 0; i < rules.length; i++) {
                boolean expected = rules[i].matches(fields);
                assertThat(rewritten[i].test(prepared)).as("rule %d on %s", i, e).isEqualTo(expected);
                assertThat(rewritten[i].test(fields)).as("rule %d on %s, not prepared", i, e).isEqualTo(expected);
                matches += expected ? 1 : 0;
            }
        }
        assertThat(matches).as("the events exercise matches too").isEqualTo(4);
    }

    @Test
    void aRememberedTestIsComputedOncePerEvent() {
        AtomicInteger computed = new AtomicInteger();
        EventPredicate imageIsCmd = e -> {
            computed.incrementAndGet();
            return "cmd.exe".equals(e.get("Image"));
        };
        PredicateNodes.Remembered shared = new PredicateNodes.Remembered(0, imageIsCmd);
        PreparedEvent prepared = new PreparedEvent().rememberingUpTo(1);

        Map<String, Object> cmd = new HashMap<>(Map.of("Image", "cmd.exe"));
        prepared.reset(new MapEventFields(cmd));
        assertThat(shared.test(prepared)).isTrue();
        assertThat(shared.test(prepared)).isTrue();
        assertThat(computed).hasValue(1);

        prepared.reset(new MapEventFields(Map.of("Image", "notepad.exe")));
        assertThat(shared.test(prepared)).as("answered again for the next event").isFalse();
        assertThat(shared.test(prepared)).isFalse();
        assertThat(computed).hasValue(2);

        assertThat(shared.test(new MapEventFields(cmd))).as("without a prepared event: computed each time").isTrue();
        assertThat(computed).hasValue(3);
    }
}
