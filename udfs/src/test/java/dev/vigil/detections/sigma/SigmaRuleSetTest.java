package dev.vigil.detections.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.detections.windows.WindowsEventJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The rule index gives exactly what evaluating every rule gives, and skips only rules that cannot match. */
class SigmaRuleSetTest {

    static List<Integer> matches(SigmaRuleSet set, EventFields event) {
        List<Integer> out = new ArrayList<>();
        set.forEachMatch(event, out::add);
        return out;
    }

    static List<Integer> linearMatches(List<SigmaRule> rules, EventFields event) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).matches(event)) {
                out.add(i);
            }
        }
        return out;
    }

    @Test
    void realRulesOverRealEventsGiveTheLinearResult() throws Exception {
        Path set = Paths.get(System.getProperty("vigil.project.root", ".")).toAbsolutePath()
                .resolve("../shared/realdata/public").normalize();
        assumeTrue(Files.isDirectory(set), "real-data set absent (" + set + "): skipped");
        List<SigmaRule> rules = new SigmaRuleLoader(new SigmaRuleCompiler(LogsourceMapping.windows(), Map.of()))
                .load(List.of(set.resolve("sigma"))).rules();
        SigmaRuleSet index = new SigmaRuleSet(rules);
        SigmaRuleSet unindexed = SigmaRuleSet.unindexed(rules);
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(set.resolve("sigma/regression_data"), set.resolve("security-datasets"))) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".jsonl"))
                        .sorted().forEach(files::add);
            }
        }
        int events = 0;
        int hits = 0;
        for (Path file : files) {
            for (Map<String, Object> e : WindowsEventJson.read(file)) {
                MapEventFields fields = new MapEventFields(e);
                List<Integer> expected = linearMatches(rules, fields);
                assertThat(matches(index, fields)).as("%s event %d", file, events).isEqualTo(expected);
                assertThat(matches(unindexed, fields)).isEqualTo(expected);
                events++;
                hits += expected.size();
            }
        }
        assertThat(events).isEqualTo(7_073);
        assertThat(hits).isEqualTo(197);
    }

    /** Every construct the compiler knows, over events made to sit on the edges of their literals. */
    static final List<String[]> SYNTHETIC = List.of(
            new String[] {"product: windows", "sel:\n  Image: 'C:\\Windows\\System32\\cmd.exe'\ncondition: sel"},
            new String[] {"product: windows", "sel:\n  CommandLine|contains|all:\n    - ' -enc '\n    - 'hidden'\ncondition: sel"},
            new String[] {"product: windows", "sel:\n  Image|endswith:\n    - '\\cmd.exe'\n    - '\\powershell.exe'\n  CommandLine|startswith: 'cmd /c'\ncondition: sel"},
            new String[] {"product: windows", "sel:\n  CommandLine: '*\\\\temp\\\\?.exe*'\ncondition: sel"},
            new String[] {"product: windows", "sel:\n  F: '?'\ncondition: sel"},
            new String[] {"product: windows", "sel:\n  F: '*'\ncondition: sel"},
            new String[] {"product: windows", "sel:\n  F: ''\ncondition: sel"},
            new String[] {"product: windows", "sel:\n  F|contains: ''\ncondition: sel"},
            new String[] {"product: windows", "s:\n  F|cased: Abc\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|endswith: [a, bc, 'ΑΣ', kelvin, 'x*y']\ncondition: s"},
            new String[] {"product: windows", "s:\n  F: ['', abc, ABD, 'İx', straße, 1]\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|contains: [ab, bc, cd, de, 'ß']\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|contains: [a, b, c, d, '']\ncondition: not s"},
            new String[] {"product: windows", "s:\n  F|contains: [a, b, c, 1]\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|startswith: ['i̇', ab, x, '', cmd]\n  G|contains: [a, b, c, d]\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|cased: [A, B, C, D, E]\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|contains|all: [a, b, c, d]\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|cased|contains: 'Σx'\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|cased|contains: 'Σ'\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|cased|endswith: 'AB'\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|contains: 'straße'\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|endswith: 'kelvin'\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|startswith: 'i̇x'\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|startswith: 'İx'\ncondition: s"},
            new String[] {"product: windows", "s:\n  CommandLine|windash|contains: ' -exec bypass'\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|base64: 'hello world'\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|base64offset|contains: 'IEX'\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|wide|base64offset|contains: 'ping'\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|re: 'b+c'\ncondition: s"},
            new String[] {"product: windows", "s:\n  DestinationIp|cidr: 10.0.0.0/8\ncondition: s"},
            new String[] {"product: windows", "s:\n  Size|gte: 100\n  Size|lt: 200\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|exists: true\ncondition: s"},
            new String[] {"product: windows", "s:\n  F|exists: false\ncondition: s"},
            new String[] {"product: windows", "s:\n  F: null\ncondition: s"},
            new String[] {"product: windows", "s:\n  SourceUser|fieldref: TargetUser\ncondition: s"},
            new String[] {"product: windows", "s:\n  User|expand: '%admins%'\ncondition: s"},
            new String[] {"product: windows", "keywords:\n  - 'mimikatz'\n  - 'sekurlsa'\ncondition: keywords"},
            new String[] {"product: windows", "keywords:\n  '|all':\n    - 'a1'\n    - 'b2'\ncondition: keywords"},
            new String[] {"product: windows", "s:\n  - F: a\n    G: b\n  - H: c\ncondition: s"},
            new String[] {"product: windows", "sel_a:\n  A: 1\nsel_b:\n  B: 1\nfilter_x:\n  X: 1\ncondition: sel_a or sel_b and not filter_x"},
            new String[] {"product: windows", "sel_a:\n  A: 1\nsel_b:\n  B: 1\nfilter_x:\n  X: 1\ncondition: (sel_a or sel_b) and not filter_x"},
            new String[] {"product: windows", "sel_a:\n  A: 1\nsel_b:\n  B: 1\nfilter_x:\n  X: 1\ncondition: 1 of sel_* and not 1 of filter_*"},
            new String[] {"product: windows", "sel_a:\n  A: 1\nsel_b:\n  B: 1\ncondition: all of them"},
            new String[] {"product: windows", "filter:\n  F: a\ncondition: not filter"},
            new String[] {"product: windows", "s:\n  EventID: 4624\n  F|contains: a\ncondition: s"},
            new String[] {"product: windows", "s:\n  EventID:\n    - 4624\n    - 4625\ncondition: s"},
            new String[] {"product: windows", "s:\n  EventID|startswith: '46'\ncondition: s"},
            new String[] {"product: windows", "s:\n  EventID|cased: '4624'\ncondition: s"},
            new String[] {"product: windows", "s:\n  EventID: 4624\ncondition: not s"},
            new String[] {"product: windows", "s:\n  EventID: null\ncondition: s"},
            new String[] {"category: process_creation\nproduct: windows", "sel:\n  Image|endswith: '\\whoami.exe'\ncondition: sel"},
            new String[] {"category: process_creation\nproduct: windows", "sel:\n  CommandLine|re: 'who.mi'\ncondition: sel"},
            new String[] {"product: windows\nservice: security", "sel:\n  EventID: 1102\ncondition: sel"},
            new String[] {"product: windows\nservice: security", "sel:\n  TargetUserName|endswith: '$'\ncondition: sel"},
            new String[] {"product: windows\nservice: security", "keywords:\n  - 'mimikatz'\ncondition: keywords"});

    static List<SigmaRule> syntheticRules() throws RuleRejectedException {
        List<SigmaRule> rules = new ArrayList<>();
        for (String[] r : SYNTHETIC) {
            rules.add(SigmaSemanticsTest.rule(r[0], r[1]));
        }
        return rules;
    }

    @Test
    void syntheticRulesOverEdgeCaseEventsGiveTheLinearResult() throws Exception {
        List<SigmaRule> rules = syntheticRules();
        SigmaRuleSet index = new SigmaRuleSet(rules);
        Random random = new Random(7);
        String b64 = Base64.getEncoder().encodeToString("hello world".getBytes(StandardCharsets.UTF_8));
        String b64offset = Base64.getEncoder().encodeToString("a IEX (New-Object)".getBytes(StandardCharsets.UTF_8));
        String wide = Base64.getEncoder().encodeToString("x ping y".getBytes(StandardCharsets.UTF_16LE));
        Object[] values = {"C:\\Windows\\System32\\cmd.exe", "c:\\windows\\system32\\CMD.EXE", "C:\\x\\powershell.exe",
            "cmd /c whoami", "CMD /C dir", "powershell -WindowStyle Hidden -enc AAA", "run C:\\Temp\\a.exe now",
            "run C:\\Temp\\ab.exe now", "Abc", "abc", "ABC", "xΣx", "ΑΣx", "STRASSE", "straße", "STRAßE", "x\u212Aelvin",
            "xKELVIN", "İx", "i̇x", "ix", "IX", "", "a", "A", "b", "c", "1", "xAB", "xab", "powershell /exec bypass",
            "powershell \u2013exec bypass", b64, "x " + b64offset, wide, "abbbcd", "10.1.2.3", "11.0.0.1", "150", 150,
            200, "alice", "BOB", "eve", "run Mimikatz.exe", "a1", "b2", "C:\\Windows\\whoami.exe", "WHOAMI.exe",
            "host$", "HOST$", "Σ", "AΣ", "xAΣ", 1, 9, List.of("x", "C:\\x\\cmd.exe"), List.of(), java.util.Arrays.asList("a", null)};
        Object[] eventIds = {1, "1", 4688, "4688", 4624, "4624", 4625, 1102, "1102", " 1", "01", 4634, "46x",
            List.of(4624, 1), List.of()};
        Object[] channels = {"Microsoft-Windows-Sysmon/Operational", "Security", "security", "System"};
        String[] fields = {"Image", "NewProcessName", "CommandLine", "F", "G", "H", "A", "B", "X", "User", "DestinationIp",
            "Size", "SourceUser", "TargetUser", "TargetUserName", "image", "f"};
        int matched = 0;
        for (int n = 0; n < 20_000; n++) {
            Map<String, Object> event = new HashMap<>();
            if (random.nextInt(10) > 0) {
                event.put("EventID", eventIds[random.nextInt(eventIds.length)]);
            }
            if (random.nextInt(10) > 1) {
                event.put("Channel", channels[random.nextInt(channels.length)]);
            }
            int k = random.nextInt(5);
            for (int i = 0; i < k; i++) {
                event.put(fields[random.nextInt(fields.length)], values[random.nextInt(values.length)]);
            }
            MapEventFields e = new MapEventFields(event);
            List<Integer> expected = linearMatches(rules, e);
            assertThat(matches(index, e)).as("%s", event).isEqualTo(expected);
            matched += expected.isEmpty() ? 0 : 1;
        }
        assertThat(matched).as("events matching some rule").isGreaterThan(2_000);
    }

    @Test
    void aRuleWithoutLiteralRequirementIsEvaluatedOnEveryEvent() throws Exception {
        AtomicInteger opaque = new AtomicInteger();
        AtomicInteger regex = new AtomicInteger();
        AtomicInteger literal = new AtomicInteger();
        SigmaRule regexRule = SigmaSemanticsTest.rule("s:\n  F|re: 'b+c'\ncondition: s");
        SigmaRule literalRule = SigmaSemanticsTest.rule("s:\n  F|endswith: '\\evil.exe'\ncondition: s");
        List<SigmaRule> rules = List.of(
                withPredicate(regexRule, e -> {
                    regex.incrementAndGet();
                    return regexRule.matches(e);
                }),
                withPredicate(literalRule, new PredicateNodes.AllOf(new EventPredicate[] {literalRule.predicate(), e -> {
                    literal.incrementAndGet();
                    return true;
                }})),
                withPredicate(regexRule, e -> {
                    opaque.incrementAndGet();
                    return false;
                }));
        SigmaRuleSet index = new SigmaRuleSet(rules);
        List<List<Integer>> results = new ArrayList<>();
        for (String f : List.of("abbc", "C:\\evil.exe", "C:\\EVIL.EXE", "nothing", "C:\\evil.exe.txt")) {
            results.add(matches(index, new MapEventFields(Map.of("F", f))));
        }
        results.add(matches(index, new MapEventFields(Map.of("G", "abbc"))));
        assertThat(results).containsExactly(List.of(0), List.of(1), List.of(1), List.of(), List.of(), List.of());
        assertThat(regex).as("regex rule: always evaluated").hasValue(6);
        assertThat(opaque).as("a predicate the index cannot read: always evaluated").hasValue(6);
        assertThat(literal).as("literal rule: evaluated only when its literal is there").hasValue(2);
        assertThat(index.rulesEvaluated()).as("the rule evaluations counted").isEqualTo(6 + 6 + 2);
        SigmaRuleSet unindexed = SigmaRuleSet.unindexed(rules);
        matches(unindexed, new MapEventFields(Map.of("F", "nothing")));
        assertThat(unindexed.rulesEvaluated()).as("unindexed: every rule").isEqualTo(3);
    }

    @Test
    void rulesForOtherEventIdsAreNotEvaluated() throws Exception {
        AtomicInteger evaluated = new AtomicInteger();
        SigmaRule r = SigmaSemanticsTest.rule("category: process_creation\nproduct: windows",
                "sel:\n  CommandLine|re: 'x'\ncondition: sel");
        SigmaRuleSet index = new SigmaRuleSet(List.of(withPredicate(r, new PredicateNodes.AllOf(new EventPredicate[] {e -> {
            evaluated.incrementAndGet();
            return true;
        }, r.predicate()}))));
        String sysmon = "Microsoft-Windows-Sysmon/Operational";
        assertThat(matches(index, new MapEventFields(Map.of("EventID", 1, "Channel", sysmon, "CommandLine", "x"))))
                .containsExactly(0);
        assertThat(matches(index, new MapEventFields(Map.of("EventID", "4688", "Channel", "Security", "CommandLine", "x"))))
                .containsExactly(0);
        assertThat(matches(index, new MapEventFields(Map.of("EventID", 3, "Channel", sysmon, "CommandLine", "x")))).isEmpty();
        assertThat(matches(index, new MapEventFields(Map.of("Channel", sysmon, "CommandLine", "x")))).isEmpty();
        assertThat(evaluated).as("only the EventID 1 and 4688 events").hasValue(2);
        assertThat(index.rulesEvaluated()).isEqualTo(2);
    }

    @Test
    void keepsTheRulesInOrder() throws Exception {
        List<SigmaRule> rules = syntheticRules();
        SigmaRuleSet index = new SigmaRuleSet(rules);
        assertThat(index.size()).isEqualTo(rules.size());
        assertThat(index.rules()).isEqualTo(rules);
        assertThat(index.rule(3)).isSameAs(rules.get(3));
        List<Integer> all = new ArrayList<>();
        index.forEachMatch(new MapEventFields(Map.of("A", "1", "B", "1", "F", "a", "G", "b")), all::add);
        assertThat(all).isSorted().doesNotHaveDuplicates().isNotEmpty();
    }

    static SigmaRule withPredicate(SigmaRule r, EventPredicate p) {
        return new SigmaRule(r.file(), r.id(), r.title(), r.status(), r.level(), r.description(), r.author(), r.tags(),
                r.references(), r.falsePositives(), r.logsource(), p);
    }

    @Test
    void aLiteralFarCommonerThanEstimatedIsReplacedByWhatTheRuleAlsoNeeds() throws Exception {
        // The estimate takes the long value for rare; in this stream every registry event sets a DWORD to 0.
        SigmaRule credentialGuard = SigmaSemanticsTest.rule("sel_value:\n  Details: 'DWORD (0x00000000)'\n"
                + "sel_key:\n  TargetObject|endswith: '\\LsaCfgFlags'\ncondition: all of sel_*");
        SigmaRule run = SigmaSemanticsTest.rule("sel:\n  TargetObject|contains: '\\CurrentVersion\\Run\\'\ncondition: sel");
        // scans Details anyway, so the field choice alone keeps the DWORD literal
        SigmaRule script = SigmaSemanticsTest.rule("sel:\n  Details|contains: 'powershell'\ncondition: sel");
        List<SigmaRule> rules = List.of(credentialGuard, run, script);
        assertThat(RequirementAnalysis.of(credentialGuard.predicate(), RequirementAnalysis.EventIdContext.ABSENT_ID).fields())
                .containsExactly("Details");
        SigmaRuleSet index = new SigmaRuleSet(rules);
        Random random = new Random(13);
        int events = 3 * SigmaRuleSet.REVIEW_EVERY;
        long[] evaluatedPerThird = new long[3];
        int hits = 0;
        for (int n = 0; n < events; n++) {
            String key = switch (random.nextInt(200)) {
                case 0 -> "HKLM\\System\\CurrentControlSet\\Control\\Lsa\\LsaCfgFlags";
                case 1 -> "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\updater";
                default -> "HKLM\\Software\\Vendor" + random.nextInt(50) + "\\Setting" + random.nextInt(1000);
            };
            String details = switch (random.nextInt(10)) {
                case 0 -> "DWORD (0x00000001)";
                case 1 -> "powershell -enc AAAA";
                default -> "DWORD (0x00000000)";
            };
            MapEventFields e = new MapEventFields(Map.of("TargetObject", key, "Details", details));
            long before = index.rulesEvaluated();
            List<Integer> got = matches(index, e);
            assertThat(got).as("event %d: %s", n, e).isEqualTo(linearMatches(rules, e));
            hits += got.size();
            evaluatedPerThird[n * 3 / events] += index.rulesEvaluated() - before;
        }
        assertThat(hits).isPositive();
        assertThat(index.replans()).as("chose again once, after the first review").isEqualTo(1);
        // before: the DWORD marks eight events in ten; after: the rule waits for its key, one event in 200; the
        // other two rules are candidates on one in ten and one in 200 throughout
        assertThat(evaluatedPerThird[0]).isGreaterThan(events / 3 * 8 / 10);
        assertThat(evaluatedPerThird[2]).isLessThan(events / 3 * 15 / 100);
    }
}
