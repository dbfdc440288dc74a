package dev.vigil.local.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.local.VigilCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DetectCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exitCode, List<JsonNode> hits, String err) {}

    static Run detect(String... args) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = VigilCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 1];
        full[0] = "detect";
        System.arraycopy(args, 0, full, 1, args.length);
        int code = cl.execute(full);
        List<JsonNode> hits = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            if (!line.isBlank()) {
                hits.add(JSON.readTree(line)); // stdout holds JSON lines only: anything else fails here
            }
        }
        return new Run(code, hits, err.toString());
    }

    @Test
    void realDataReproducesTheExpectedMatchesExactly() throws IOException {
        Path root = Paths.get(System.getProperty("vigil.project.root", ".")).toAbsolutePath().normalize();
        Path set = root.resolve("../shared/realdata/public").normalize();
        assumeTrue(Files.isDirectory(set), "real-data set absent (" + set + "): skipped");

        long start = System.nanoTime();
        Run run = detect("--no-builtin", "--rules", set.resolve("sigma").toString(),
                set.resolve("sigma/regression_data").toString(), set.resolve("security-datasets").toString());
        System.out.printf("real data: %d hits in %d ms%n%s", run.hits().size(), (System.nanoTime() - start) / 1_000_000, run.err());
        assertThat(run.exitCode()).isZero();

        List<String> expected = new ArrayList<>();
        Map<String, Long> expectedRecordIds = new HashMap<>();
        for (String line : Files.readAllLines(set.resolve("expected_matches.jsonl"))) {
            if (!line.isBlank()) {
                JsonNode n = JSON.readTree(line);
                String key = key(n.get("rule_file").asText(), n.get("rule_id").asText(), n.get("event_file").asText(),
                        n.get("event_index").asInt());
                expected.add(key);
                if (n.hasNonNull("event_record_id")) {
                    expectedRecordIds.put(key, n.get("event_record_id").asLong());
                }
            }
        }
        List<String> actual = new ArrayList<>();
        for (JsonNode hit : run.hits()) {
            assertThat(hit.get("kind").asText()).isEqualTo("sigma");
            assertThat(hit.get("rule_title").asText()).isNotBlank();
            assertThat(hit.get("level").asText()).isIn("informational", "low", "medium", "high", "critical");
            assertThat(hit.get("author").asText()).isNotBlank();
            String key = key(set.relativize(Paths.get(hit.get("rule_file").asText())).toString(), hit.get("rule_id").asText(),
                    set.relativize(Paths.get(hit.get("file").asText())).toString(), hit.get("index").asInt());
            actual.add(key);
            if (expectedRecordIds.containsKey(key)) {
                assertThat(hit.get("event_record_id")).as("event_record_id of %s", key).isNotNull();
                assertThat(hit.get("event_record_id").asLong()).as("event_record_id of %s", key).isEqualTo(expectedRecordIds.get(key));
            }
        }
        assertThat(expected).hasSize(197);
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(run.err()).contains("DETECT rules=128 rejected=0 files=106 unreadable=0 events=7073 hits=197 ");
    }

    @Test
    void usageErrorsExitNonZero(@TempDir Path tmp) throws IOException {
        Path events = Files.writeString(tmp.resolve("e.jsonl"), "{\"EventID\":1}\n");
        Run noEvents = detect("--no-builtin");
        assertThat(noEvents.exitCode()).isNotZero();
        assertThat(noEvents.err()).contains("Usage:");

        Run missing = detect("--no-builtin", tmp.resolve("nope.json").toString());
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.err()).contains("nope.json: no such file or directory", "Usage:");

        Run missingRules = detect("--rules", tmp.resolve("no-rules").toString(), events.toString());
        assertThat(missingRules.exitCode()).isNotZero();
        assertThat(missingRules.err()).contains("no-rules: no such file or directory");

        Run unknown = detect("--frobnicate", events.toString());
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.err()).contains("Unknown option: '--frobnicate'");
        assertThat(List.of(noEvents, missing, missingRules, unknown)).allSatisfy(r -> assertThat(r.hits()).isEmpty());
    }

    @Test
    void malformedEventAndRuleFilesAreReportedAndTheOthersStillRun(@TempDir Path tmp) throws IOException {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.writeString(rules.resolve("whoami.yml"), """
                title: Whoami run
                id: 6f0c9d3e-1b2a-4c5d-8e7f-0a1b2c3d4e5f
                status: test
                level: high
                author: Test Author
                logsource:
                  product: windows
                  category: process_creation
                detection:
                  selection:
                    Image|endswith: '\\whoami.exe'
                  condition: selection
                """);
        Files.writeString(rules.resolve("broken.yml"), "title: broken\ndetection: [unclosed\n");
        Files.writeString(rules.resolve("info.yml"), "id: 6f0c9d3e-1b2a-4c5d-8e7f-0a1b2c3d4e5f\ndescription: not a rule\n");
        Path events = Files.createDirectories(tmp.resolve("events"));
        String whoami = "{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,\"Computer\":\"ws1\","
                + "\"Image\":\"C:\\\\Windows\\\\System32\\\\whoami.exe\",\"EventRecordID\":%d}\n";
        String notepad = "{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,\"Computer\":\"ws1\","
                + "\"Image\":\"C:\\\\Windows\\\\notepad.exe\",\"EventRecordID\":1}\n";
        Files.writeString(events.resolve("a.jsonl"), notepad + whoami.formatted(42));
        Files.writeString(events.resolve("b.json"), "{\"EventID\": 1, \"Image\": ");
        Files.writeString(events.resolve("c.txt"), whoami.formatted(7)); // not .json/.jsonl: not read from a directory
        Path explicit = Files.writeString(tmp.resolve("extra.log"), whoami.formatted(9)); // given explicitly: read

        Run run = detect("--no-builtin", "--rules", rules.toString(), events.toString(), explicit.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("rejected " + rules.resolve("broken.yml"), "skipped " + events.resolve("b.json") + ": not JSON");
        assertThat(run.err()).contains("DETECT rules=1 rejected=1 files=2 unreadable=1 events=3 hits=2 ");
        assertThat(run.hits()).hasSize(2);
        JsonNode first = run.hits().get(0);
        assertThat(first.get("rule_id").asText()).isEqualTo("6f0c9d3e-1b2a-4c5d-8e7f-0a1b2c3d4e5f");
        assertThat(first.get("rule_title").asText()).isEqualTo("Whoami run");
        assertThat(first.get("level").asText()).isEqualTo("high");
        assertThat(first.get("author").asText()).isEqualTo("Test Author");
        assertThat(first.get("rule_file").asText()).isEqualTo(rules.resolve("whoami.yml").toString());
        assertThat(first.get("file").asText()).isEqualTo(events.resolve("a.jsonl").toString());
        assertThat(first.get("index").asInt()).isEqualTo(1);
        assertThat(first.get("event_record_id").asLong()).isEqualTo(42);
        JsonNode second = run.hits().get(1);
        assertThat(second.get("file").asText()).isEqualTo(explicit.toString());
        assertThat(second.get("index").asInt()).isZero();
        assertThat(second.get("event_record_id").asLong()).isEqualTo(9);
    }

    @Test
    void whenTwoRulesShareAnIdTheOneLoadedLastRunsAndTheOtherIsReported(@TempDir Path tmp) throws IOException {
        String rule = """
                title: %s
                id: 0d3c9a51-7e0b-4f7e-9a44-2b1c5d6e7f80
                logsource:
                  product: windows
                  category: process_creation
                detection:
                  selection:
                    Image|endswith: '\\whoami.exe'
                  condition: selection
                """;
        Path first = Files.writeString(Files.createDirectories(tmp.resolve("bundled-copy")).resolve("r.yml"), rule.formatted("Old"));
        Path second = Files.writeString(Files.createDirectories(tmp.resolve("edited")).resolve("r.yml"), rule.formatted("Edited"));
        Path events = Files.writeString(tmp.resolve("e.jsonl"), "{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
                + "\"EventID\":1,\"Image\":\"C:\\\\Windows\\\\System32\\\\whoami.exe\"}\n");

        Run run = detect("--no-builtin", "--rules", first.getParent().toString(), "--rules", second.toString(), events.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("rejected " + first + " (duplicate id)", "replaces this rule",
                "DETECT rules=1 rejected=1 files=1 unreadable=0 events=1 hits=1 ");
        assertThat(run.hits()).singleElement().satisfies(h -> {
            assertThat(h.get("rule_title").asText()).isEqualTo("Edited");
            assertThat(h.get("rule_file").asText()).isEqualTo(second.toString());
            assertThat(h.get("level").asText()).isEqualTo("medium");
            assertThat(h.has("event_record_id")).isFalse();
        });
    }

    @Test
    void builtinThresholdHitsOnTheFifthFailedLogonOfOneAccount(@TempDir Path tmp) throws IOException {
        Instant t0 = Instant.parse("2026-03-01T09:00:00Z");
        StringBuilder lines = new StringBuilder();
        // file order is not time order: the counting follows event time
        int[] jdoeMinute = {4, 0, 1, 3, 2};
        int record = 100;
        for (int i = 0; i < 5; i++) {
            lines.append(failedLogon("jdoe", t0.plusSeconds(60L * jdoeMinute[i]), record++));
            if (i < 4) {
                lines.append(failedLogon("alice", t0.plusSeconds(60L * i), 200 + i)); // 4 only: no hit
            }
        }
        lines.append(failedLogon("bob", t0, 300)).append(failedLogon("bob", t0.plusSeconds(6 * 60), 301))
                .append(failedLogon("bob", t0.plusSeconds(12 * 60), 302)).append(failedLogon("bob", t0.plusSeconds(18 * 60), 303))
                .append(failedLogon("bob", t0.plusSeconds(24 * 60), 304)); // 5, but never 5 within 5 min
        Path file = Files.writeString(tmp.resolve("logons.jsonl"), lines);

        Run run = detect(file.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("Java detections loaded").doesNotContain(" 0 Java detections");
        assertThat(run.hits()).hasSize(1);
        JsonNode hit = run.hits().get(0);
        assertThat(hit.get("rule_id").asText()).isEqualTo("vigil-builtin-failed-logon-burst");
        assertThat(hit.get("kind").asText()).isEqualTo("java");
        assertThat(hit.get("level").asText()).isEqualTo("medium");
        assertThat(hit.get("group_key").asText()).isEqualTo("acme\\jdoe");
        assertThat(hit.get("count").asInt()).isEqualTo(5);
        assertThat(hit.get("window_seconds").asInt()).isEqualTo(300);
        // completed by the latest event (09:04), which is the first line of the file
        assertThat(hit.get("file").asText()).isEqualTo(file.toString());
        assertThat(hit.get("index").asInt()).isZero();
        assertThat(hit.get("event_record_id").asLong()).isEqualTo(100);
        List<Long> counted = new ArrayList<>();
        hit.get("events").forEach(e -> counted.add(e.get("event_record_id").asLong()));
        assertThat(counted).containsExactly(101L, 102L, 104L, 103L, 100L); // event-time order

        Run without = detect("--no-builtin", file.toString());
        assertThat(without.exitCode()).isZero();
        assertThat(without.hits()).isEmpty();
        assertThat(without.err()).contains("0 Java detections loaded");
    }

    private static String failedLogon(String user, Instant time, int record) {
        return "{\"Channel\":\"Security\",\"EventID\":4625,\"Computer\":\"dc1.acme.local\",\"TargetUserName\":\"" + user
                + "\",\"TargetDomainName\":\"ACME\",\"IpAddress\":\"10.0.0.9\",\"LogonType\":\"3\",\"TimeCreated_SystemTime\":\""
                + time + "\",\"EventRecordID\":" + record + "}\n";
    }

    private static String key(String ruleFile, String ruleId, String eventFile, int index) {
        return ruleFile + " [" + ruleId + "] @ " + eventFile + "#" + index;
    }
}
