package dev.vigil.detections.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** Sigma v2 semantics, one construct at a time, on hand-made events. */
class SigmaSemanticsTest {

    static final SigmaRuleCompiler COMPILER = new SigmaRuleCompiler(LogsourceMapping.windows(),
            Map.of("admins", List.of("alice", "bob")));

    static SigmaRule rule(String detection) throws RuleRejectedException {
        return rule("product: windows", detection);
    }

    static SigmaRule rule(String logsource, String detection) throws RuleRejectedException {
        String yaml = "title: t\nid: 00000000-0000-0000-0000-000000000001\nauthor: someone\nlevel: high\n"
                + "logsource:\n  " + logsource.replace("\n", "\n  ") + "\ndetection:\n  " + detection.replace("\n", "\n  ") + "\n";
        return COMPILER.compile("test.yml", (Map<?, ?>) new Yaml().load(yaml));
    }

    static boolean hits(SigmaRule r, Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return r.matches(new MapEventFields(m));
    }

    @Test
    void plainValuesMatchWholeValueIgnoringCase() throws Exception {
        SigmaRule r = rule("sel:\n  Image: 'C:\\Windows\\System32\\cmd.exe'\ncondition: sel");
        assertThat(hits(r, "Image", "c:\\windows\\system32\\CMD.EXE")).isTrue();
        assertThat(hits(r, "Image", "C:\\Windows\\System32\\cmd.exe.bak")).isFalse();
        assertThat(hits(r, "Other", "C:\\Windows\\System32\\cmd.exe")).isFalse();
    }

    @Test
    void wildcardsAndEscapes() throws Exception {
        SigmaRule r = rule("sel:\n  CommandLine: '*\\\\temp\\\\?.exe*'\ncondition: sel");
        assertThat(hits(r, "CommandLine", "run C:\\Temp\\a.exe now")).isTrue();
        assertThat(hits(r, "CommandLine", "run C:\\Temp\\ab.exe now")).isFalse();
        SigmaRule literalStar = rule("sel:\n  CommandLine: 'a\\*b'\ncondition: sel");
        assertThat(hits(literalStar, "CommandLine", "a*b")).isTrue();
        assertThat(hits(literalStar, "CommandLine", "axxb")).isFalse();
        SigmaRule backslash = rule("sel:\n  Path|endswith: '\\bin\\'\ncondition: sel");
        assertThat(hits(backslash, "Path", "C:\\x\\bin\\")).isTrue();
    }

    @Test
    void containsStartsEndsAndAll() throws Exception {
        SigmaRule r = rule("sel:\n  CommandLine|contains|all:\n    - ' -enc '\n    - 'hidden'\ncondition: sel");
        assertThat(hits(r, "CommandLine", "powershell -WindowStyle Hidden -enc AAA")).isTrue();
        assertThat(hits(r, "CommandLine", "powershell -enc AAA")).isFalse();
        assertThat(hits(rule("s:\n  F|startswith: ab\ncondition: s"), "F", "ABC")).isTrue();
        assertThat(hits(rule("s:\n  F|endswith: bc\ncondition: s"), "F", "ABC")).isTrue();
        assertThat(hits(rule("s:\n  F|endswith: ab\ncondition: s"), "F", "ABC")).isFalse();
        SigmaRule anyOf = rule("s:\n  F|contains:\n    - x\n    - y\ncondition: s");
        assertThat(hits(anyOf, "F", "..y..")).isTrue();
    }

    @Test
    void casedMatchesCaseSensitively() throws Exception {
        SigmaRule r = rule("s:\n  F|cased: Abc\ncondition: s");
        assertThat(hits(r, "F", "Abc")).isTrue();
        assertThat(hits(r, "F", "abc")).isFalse();
    }

    @Test
    void regexSearchWithFlags() throws Exception {
        assertThat(hits(rule("s:\n  F|re: 'b+c'\ncondition: s"), "F", "abbbcd")).as("search, not full match").isTrue();
        assertThat(hits(rule("s:\n  F|re: 'B+C'\ncondition: s"), "F", "abbbcd")).as("case-sensitive by default").isFalse();
        assertThat(hits(rule("s:\n  F|re|i: 'B+C'\ncondition: s"), "F", "abbbcd")).isTrue();
        assertThat(hits(rule("s:\n  F|re|s: 'a.b'\ncondition: s"), "F", "a\nb")).isTrue();
        assertThat(hits(rule("s:\n  F|re|m: '^b$'\ncondition: s"), "F", "a\nb")).isTrue();
    }

    @Test
    void windashAcceptsEveryDash() throws Exception {
        SigmaRule r = rule("s:\n  CommandLine|windash|contains: ' -exec bypass'\ncondition: s");
        for (String dash : List.of("-", "/", "\u2013", "\u2014", "\u2015")) {
            assertThat(hits(r, "CommandLine", "powershell " + dash + "exec bypass")).as(dash).isTrue();
        }
        assertThat(hits(r, "CommandLine", "powershell exec bypass")).isFalse();
    }

    @Test
    void cidrV4AndV6() throws Exception {
        SigmaRule r = rule("s:\n  DestinationIp|cidr:\n    - 10.0.0.0/8\n    - 'fe80::/10'\ncondition: s");
        assertThat(hits(r, "DestinationIp", "10.20.30.40")).isTrue();
        assertThat(hits(r, "DestinationIp", "11.0.0.1")).isFalse();
        assertThat(hits(r, "DestinationIp", "fe80::1")).isTrue();
        assertThat(hits(r, "DestinationIp", "not an ip")).isFalse();
    }

    @Test
    void base64AndBase64OffsetAndWide() throws Exception {
        String encoded = Base64.getEncoder().encodeToString("hello world".getBytes(StandardCharsets.UTF_8));
        assertThat(hits(rule("s:\n  F|base64: 'hello world'\ncondition: s"), "F", encoded)).isTrue();
        SigmaRule offset = rule("s:\n  F|base64offset|contains: 'IEX'\ncondition: s");
        for (String prefix : List.of("", "a", "ab")) {
            String text = Base64.getEncoder().encodeToString((prefix + "IEX (New-Object)").getBytes(StandardCharsets.UTF_8));
            assertThat(hits(offset, "F", "powershell -enc " + text)).as("offset %d", prefix.length()).isTrue();
        }
        SigmaRule wide = rule("s:\n  F|wide|base64offset|contains: 'ping'\ncondition: s");
        String utf16 = Base64.getEncoder().encodeToString("x ping y".getBytes(StandardCharsets.UTF_16LE));
        assertThat(hits(wide, "F", utf16)).isTrue();
    }

    @Test
    void existsNullAndEmpty() throws Exception {
        assertThat(hits(rule("s:\n  F|exists: true\ncondition: s"), "F", "")).isTrue();
        assertThat(hits(rule("s:\n  F|exists: false\ncondition: s"), "G", "x")).isTrue();
        SigmaRule isNull = rule("s:\n  F: null\ncondition: s");
        assertThat(hits(isNull, "G", "x")).isTrue();
        assertThat(hits(isNull, "F", "x")).isFalse();
        SigmaRule empty = rule("s:\n  F: ''\ncondition: s");
        assertThat(hits(empty, "F", "")).isTrue();
        assertThat(hits(empty, "F", "x")).isFalse();
        assertThat(hits(empty, "G", "")).isFalse();
    }

    @Test
    void numbersCompareAsNumbersOrText() throws Exception {
        SigmaRule r = rule("s:\n  LogonType: 9\ncondition: s");
        assertThat(hits(r, "LogonType", "9")).isTrue();
        assertThat(hits(r, "LogonType", 9)).isTrue();
        SigmaRule gt = rule("s:\n  Size|gte: 100\n  Size|lt: 200\ncondition: s");
        assertThat(hits(gt, "Size", "150")).isTrue();
        assertThat(hits(gt, "Size", 200)).isFalse();
        assertThat(hits(gt, "Size", "big")).isFalse();
    }

    @Test
    void fieldref() throws Exception {
        SigmaRule r = rule("s:\n  SourceUser|fieldref: TargetUser\ncondition: s");
        assertThat(hits(r, "SourceUser", "Alice", "TargetUser", "alice")).isTrue();
        assertThat(hits(r, "SourceUser", "Alice", "TargetUser", "bob")).isFalse();
        SigmaRule contains = rule("s:\n  CommandLine|fieldref|contains: User\ncondition: s");
        assertThat(hits(contains, "CommandLine", "runas /user:bob x", "User", "bob")).isTrue();
    }

    @Test
    void expandUsesConfiguredPlaceholders() throws Exception {
        SigmaRule r = rule("s:\n  User|expand: '%admins%'\ncondition: s");
        assertThat(hits(r, "User", "BOB")).isTrue();
        assertThat(hits(r, "User", "eve")).isFalse();
        assertThatThrownBy(() -> rule("s:\n  User|expand: '%nobody%'\ncondition: s"))
                .isInstanceOf(RuleRejectedException.class).hasMessageContaining("%nobody%");
    }

    @Test
    void keywordsSearchEveryFieldValue() throws Exception {
        SigmaRule r = rule("keywords:\n  - 'mimikatz'\n  - 'sekurlsa'\ncondition: keywords");
        assertThat(hits(r, "A", "x", "B", "run Mimikatz.exe")).isTrue();
        assertThat(hits(r, "A", "x")).isFalse();
        SigmaRule all = rule("keywords:\n  '|all':\n    - 'a1'\n    - 'b2'\ncondition: keywords");
        assertThat(hits(all, "A", "a1", "B", "b2")).isTrue();
        assertThat(hits(all, "A", "a1")).isFalse();
    }

    @Test
    void listOfMapsIsAnyOfThem() throws Exception {
        SigmaRule r = rule("s:\n  - F: a\n    G: b\n  - H: c\ncondition: s");
        assertThat(hits(r, "F", "a", "G", "b")).isTrue();
        assertThat(hits(r, "F", "a")).isFalse();
        assertThat(hits(r, "H", "c")).isTrue();
    }

    @Test
    void conditionsPrecedenceAndQuantifiers() throws Exception {
        String searches = "sel_a:\n  A: 1\nsel_b:\n  B: 1\nfilter_x:\n  X: 1\n_hidden:\n  H: 1\n";
        SigmaRule r = rule(searches + "condition: sel_a or sel_b and not filter_x");
        assertThat(hits(r, "A", 1, "X", 1)).as("and binds tighter than or").isTrue();
        assertThat(hits(r, "B", 1, "X", 1)).isFalse();
        SigmaRule paren = rule(searches + "condition: (sel_a or sel_b) and not filter_x");
        assertThat(hits(paren, "A", 1, "X", 1)).isFalse();
        SigmaRule oneOf = rule(searches + "condition: 1 of sel_* and not 1 of filter_*");
        assertThat(hits(oneOf, "B", 1)).isTrue();
        SigmaRule allOf = rule(searches + "condition: all of sel_*");
        assertThat(hits(allOf, "A", 1)).isFalse();
        assertThat(hits(allOf, "A", 1, "B", 1)).isTrue();
        SigmaRule allThem = rule(searches + "condition: all of them");
        assertThat(hits(allThem, "A", 1, "B", 1, "X", 1)).as("'them' leaves out _hidden").isTrue();
        SigmaRule oneThem = rule(searches + "condition: 1 of them");
        assertThat(hits(oneThem, "H", 1)).isFalse();
    }

    @Test
    void processCreationIsSysmon1OrSecurity4688WithItsFieldNames() throws Exception {
        SigmaRule r = rule("category: process_creation\nproduct: windows", "sel:\n  Image|endswith: '\\whoami.exe'\ncondition: sel");
        assertThat(hits(r, "EventID", 1, "Channel", "Microsoft-Windows-Sysmon/Operational", "Image", "C:\\Windows\\whoami.exe")).isTrue();
        assertThat(hits(r, "EventID", 4688, "Channel", "security", "NewProcessName", "C:\\Windows\\whoami.exe")).isTrue();
        assertThat(hits(r, "EventID", 4688, "Channel", "Security", "Image", "C:\\Windows\\whoami.exe")).isFalse();
        assertThat(hits(r, "EventID", 3, "Channel", "Microsoft-Windows-Sysmon/Operational", "Image", "C:\\Windows\\whoami.exe")).isFalse();
        SigmaRule service = rule("product: windows\nservice: security", "sel:\n  EventID: 1102\ncondition: sel");
        assertThat(hits(service, "EventID", "1102", "Channel", "security")).isTrue();
        assertThat(hits(service, "EventID", "1102", "Channel", "System")).isFalse();
    }

    @Test
    void unsupportedConstructsRejectTheRuleNamingThem() {
        assertThatThrownBy(() -> rule("s:\n  F|bogus: x\ncondition: s")).hasMessageContaining("modifier |bogus");
        assertThatThrownBy(() -> rule("s:\n  F: x\ncondition: s | count() > 5")).hasMessageContaining("aggregation");
        assertThatThrownBy(() -> rule("s:\n  F: x\ncondition: s and missing")).hasMessageContaining("missing");
        assertThatThrownBy(() -> rule("s:\n  F|re: '(['\ncondition: s")).hasMessageContaining("|re");
        assertThatThrownBy(() -> rule("category: no_such_category\nproduct: windows", "s:\n  F: x\ncondition: s"))
                .hasMessageContaining("logsource");
    }

    @Test
    void aMalformedRuleFileIsRejectedAndTheOthersLoad(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("good.yml"), "title: good\nid: g1\nlogsource:\n  product: windows\n"
                + "detection:\n  s:\n    F: x\n  condition: s\n");
        Files.writeString(dir.resolve("broken.yml"), "title: broken\nid: b1\nlogsource: [unclosed\n");
        Files.writeString(dir.resolve("unsupported.yml"), "title: u\nid: u1\nlogsource:\n  product: windows\n"
                + "detection:\n  s:\n    F|near: x\n  condition: s\n");
        Files.writeString(dir.resolve("info.yml"), "id: not-a-rule\nregression_tests_info:\n  - name: x\n");
        SigmaRuleLoader.Result result = new SigmaRuleLoader(COMPILER).load(List.of(dir));
        assertThat(result.rules()).extracting(SigmaRule::id).containsExactly("g1");
        assertThat(result.rejected()).extracting(SigmaRuleLoader.Rejection::file)
                .containsExactlyInAnyOrder(dir.resolve("broken.yml").toString(), dir.resolve("unsupported.yml").toString());
        assertThat(result.rejected()).anySatisfy(r -> assertThat(r.construct()).isEqualTo("modifier |near"));
        assertThat(result.skippedDocuments()).isEqualTo(1);
    }

    @Test
    void rulesCarryAuthorLevelAndTechniques() throws Exception {
        String yaml = "title: T\nid: i1\nauthor: Jane Doe\nlevel: critical\nstatus: test\ntags:\n  - attack.execution\n  - attack.t1059.001\n"
                + "logsource:\n  product: windows\ndetection:\n  s:\n    F: x\n  condition: s\n";
        SigmaRule r = COMPILER.compile("t.yml", (Map<?, ?>) new Yaml().load(yaml));
        assertThat(r.author()).isEqualTo("Jane Doe");
        assertThat(r.level()).isEqualTo("critical");
        assertThat(r.techniques()).containsExactly("T1059.001");
    }
}
