package dev.vigil.detections.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detections.samples.DetectionSamples.SampleCase;
import dev.vigil.detections.windows.WindowsEventJson;
import dev.vigil.detections.windows.WindowsTelemetry;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleRunnerTest {

    private static final Path FILE = Paths.get("udfs/detections/x/samples.yml");
    private static final String NEGATIVE = "negative:\n  - name: n\n    events: [{EventID: 1}]\n";

    @Test
    void scalarsStayAsWrittenAndMergeKeysRepeatEvents() {
        DetectionSamples samples = DetectionSamples.parse(FILE, """
                positive:
                  - name: p
                    reputation: [{type: sha256, value: AB12, verdict: malicious}]
                    events:
                      - &e {EventID: 4688, Channel: Security, Computer: h, TimeCreated: 2026-01-01T10:00:00Z,
                            NewProcessId: 0x1a2c, LogonId: 012, Initiated: yes, Empty: , Nothing: null}
                      - {<<: *e, NewProcessId: 0x1a2d}
                    alerts: 3
                """ + NEGATIVE);
        SampleCase c = samples.positive().get(0);
        assertThat(c.alerts()).isEqualTo(3);
        assertThat(c.events().get(0)).containsEntry("NewProcessId", "0x1a2c").containsEntry("LogonId", "012")
                .containsEntry("Initiated", "yes").containsEntry("TimeCreated", "2026-01-01T10:00:00Z")
                .containsEntry("Empty", null).containsEntry("Nothing", null);
        assertThat(c.events().get(1)).containsEntry("NewProcessId", "0x1a2d").containsEntry("Computer", "h");
        assertThat(c.reputation()).singleElement().satisfies(r -> {
            assertThat(r.getIndicatorType()).isEqualTo(IndicatorType.SHA256);
            assertThat(r.getVerdict()).isEqualTo(Verdict.MALICIOUS);
            assertThat(r.getScore()).isEqualTo(100);
            assertThat(r.getSource()).isEqualTo("samples");
        });
        TelemetryEvent event = WindowsTelemetry.toTelemetry("t", WindowsEventJson.flatten(c.events().get(0)), Instant.EPOCH, "x");
        assertThat(event.getEventTime()).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
        assertThat(samples.negative().get(0).alerts()).isZero();
    }

    @Test
    void mistakesFailLoudlyWithTheFileAndTheCase() {
        assertError("positive:\n  - name: p\n    evnts: [{EventID: 1}]\n" + NEGATIVE, "positive[0] 'p': unknown key 'evnts'");
        assertError("positive:\n  - name: p\n" + NEGATIVE, "positive[0] 'p': 'events' must be a non-empty list");
        assertError("positive:\n  - name: p\n    events: []\n" + NEGATIVE, "'events' must be a non-empty list");
        assertError("positive:\n  - events: [{EventID: 1}]\n" + NEGATIVE, "positive[0]: every case needs a 'name'");
        assertError("positive:\n  - name: p\n    events: [{EventID: 1}]\n", "'negative' must be a non-empty list");
        assertError("positive:\n  - name: p\n    events: [{EventID: 1}]\n    alerts: 0\n" + NEGATIVE, "at least 1 alert");
        assertError("positive:\n  - name: p\n    events: [{EventID: 1}]\n    alerts: one\n" + NEGATIVE, "'alerts' must be a whole number");
        assertError("positive:\n  - name: p\n    events: [{EventID: 1}]\nnegative:\n  - name: n\n    events: [{EventID: 1}]\n    alerts: 1\n",
                "negative[0] 'n': a negative case raises no alerts");
        assertError("positive:\n  - name: p\n    events: [{EventID: 1}]\n" + NEGATIVE.replace("name: n", "name: p"),
                "two cases are named 'p'");
        assertError("positive:\n  - name: p\n    events: [{EventID: 1, EventID: 2}]\n" + NEGATIVE, "not valid YAML");
        assertError("positive:\n  - name: p\n    events: [{EventID: 1, EventData: {Image: x}}]\n" + NEGATIVE,
                "events[0]: field 'EventData' is a mapping");
        assertError("positive:\n  - name: p\n    events: [EventID]\n" + NEGATIVE, "events[0] must be a mapping");
        assertError("positive:\n  - name: p\n    reputation: [{type: IPV4, value: 1.2.3.4, verdict: MALICIOUS}]\n"
                + "    events: [{EventID: 1}]\n" + NEGATIVE, "reputation[0]: unknown type 'IPV4'");
        assertError("positive:\n  - name: p\n    reputation: [{type: IP, value: 1.2.3.4, verdict: BAD}]\n"
                + "    events: [{EventID: 1}]\n" + NEGATIVE, "unknown verdict 'BAD'");
        assertError("positive:\n  - name: p\n    reputation: [{type: IP, verdict: MALICIOUS}]\n"
                + "    events: [{EventID: 1}]\n" + NEGATIVE, "a verdict needs a 'value'");
        assertError("postive:\n  - name: p\n" + NEGATIVE, "unknown key 'postive'");
        assertError("- just a list\n", "expected a mapping with 'positive' and 'negative'");
    }

    private static void assertError(String yaml, String message) {
        assertThatThrownBy(() -> DetectionSamples.parse(FILE, yaml)).isInstanceOf(SamplesException.class)
                .hasMessageStartingWith(FILE.toString()).hasMessageContaining(message);
    }

    @Test
    void aCaseThatDoesNotRaiseItsAlertsIsReportedNotThrown(@TempDir Path dir) throws IOException {
        javaFolder(dir, "dev.vigil.detections.builtin.FailedLogonBurst", """
                positive:
                  - name: only four failures
                    events:
                      - &f {EventID: 4625, Channel: Security, Computer: dc, TargetUserName: a}
                      - *f
                      - *f
                      - *f
                negative:
                  - name: five failures
                    events: [*f, *f, *f, *f, *f]
                """);
        SampleRunner.Report report = SampleRunner.run(dir);
        assertThat(report.passed()).isFalse();
        assertThat(report.failures()).extracting(r -> r.sample().name() + "=" + r.alerts().size())
                .containsExactly("only four failures=0", "five failures=1");
        assertThat(report.detectionId()).isEqualTo("vigil-builtin-failed-logon-burst");
        assertThat(report.toString()).contains("0/2 cases pass", "FAIL positive 'only four failures': expected 1 alert(s), got 0");
    }

    @Test
    void folderMistakesFailLoudlyWithTheFile(@TempDir Path dir) throws IOException {
        String samples = "positive:\n  - name: p\n    events: [{EventID: 1}]\n" + NEGATIVE;

        Path unregistered = javaFolder(dir.resolve("a"), "dev.vigil.detections.builtin.NoSuchDetection", samples);
        assertThatThrownBy(() -> SampleRunner.run(unregistered)).isInstanceOf(SamplesException.class)
                .hasMessageStartingWith(unregistered.resolve("detection.yml").toString()).hasMessageContaining("META-INF/services");

        Path duplicated = javaFolder(dir.resolve("b"), "dev.vigil.detections.builtin.PortScan", samples);
        Files.writeString(duplicated.resolve("detection.yml"), "java: dev.vigil.detections.builtin.PortScan\nid: my-id\n");
        assertThatThrownBy(() -> SampleRunner.run(duplicated)).hasMessageStartingWith(duplicated.resolve("detection.yml").toString())
                .hasMessageContaining("unknown key 'id'");

        Path both = javaFolder(dir.resolve("c"), "dev.vigil.detections.builtin.PortScan", samples);
        Files.writeString(both.resolve("rule.yml"), "title: t\n");
        assertThatThrownBy(() -> SampleRunner.run(both)).hasMessageStartingWith(both.toString()).hasMessageContaining("not both");

        Path noSamples = Files.createDirectories(dir.resolve("d"));
        Files.writeString(noSamples.resolve("detection.yml"), "java: dev.vigil.detections.builtin.PortScan\n");
        assertThatThrownBy(() -> SampleRunner.run(noSamples)).hasMessageContaining("samples.yml is missing");

        Path stray = javaFolder(dir.resolve("e"), "dev.vigil.detections.builtin.PortScan", samples);
        Files.writeString(stray.resolve("second-rule.yml"), "title: t\n");
        assertThatThrownBy(() -> SampleRunner.run(stray)).hasMessageContaining("unexpected YAML files [second-rule.yml]");

        Path badSamples = javaFolder(dir.resolve("f"), "dev.vigil.detections.builtin.PortScan", "positive: []\n");
        assertThatThrownBy(() -> SampleRunner.run(badSamples))
                .hasMessageStartingWith(badSamples.resolve("samples.yml").toString());
    }

    private static Path javaFolder(Path dir, String className, String samples) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("detection.yml"), "java: " + className + "\n");
        Files.writeString(dir.resolve("samples.yml"), samples);
        return dir;
    }
}
