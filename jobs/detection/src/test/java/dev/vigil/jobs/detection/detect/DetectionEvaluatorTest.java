package dev.vigil.jobs.detection.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detections.engine.DetectionCatalog;
import dev.vigil.schema.Alert;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.testing.telemetry.TelemetryFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detection operator's alerts and what it reports about its rules: loaded, rejected, evaluated. */
class DetectionEvaluatorTest {

    private static final String WHOAMI_RULE = """
            title: Whoami Execution
            id: 6f1c2b8e-3c1d-4b47-9a52-6f0a8e8b2a11
            author: Vigil test
            level: low
            logsource:
                category: process_creation
                product: windows
            detection:
                selection:
                    Image|endswith: '\\whoami.exe'
                condition: selection
            """;

    @Test
    void alertsOnTheRulesMatchAndCountsTheRulesLoadedRejectedAndEvaluated(@TempDir Path rules) throws Exception {
        Files.writeString(rules.resolve("whoami.yml"), WHOAMI_RULE);
        Files.writeString(rules.resolve("broken.yml"), WHOAMI_RULE.replace("condition: selection", "condition: selection and"));
        InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
        MockEnvironment env = new MockEnvironmentBuilder().setMetricGroup(new InterceptingTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name, Map<String, String> additional) {
                return metrics;
            }
        }).build();
        DetectionEvaluator evaluator = new DetectionEvaluator(new DetectionCatalog.Settings(false, List.of(rules.toString()), null));
        try (OneInputStreamOperatorTestHarness<EnrichedEvent, Alert> harness =
                     new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(evaluator), env)) {
            harness.open();
            long time = TelemetryFixtures.DEFAULT_TIME.toEpochMilli();
            List<TelemetryEvent> events = List.of(
                    TelemetryFixtures.processLaunch("acme", "ws-01", "evt-1", TelemetryFixtures.DEFAULT_TIME,
                            "C:\\Windows\\System32\\whoami.exe", null, null, "alice", "C:\\Windows\\System32\\cmd.exe"),
                    TelemetryFixtures.processLaunch("acme", "ws-01", "evt-2", TelemetryFixtures.DEFAULT_TIME,
                            "C:\\Windows\\System32\\notepad.exe", null, null, "alice", null),
                    TelemetryFixtures.processLaunch("acme", "ws-02", "evt-3", TelemetryFixtures.DEFAULT_TIME,
                            "C:\\Windows\\System32\\WHOAMI.EXE", null, null, "bob", null));
            for (TelemetryEvent e : events) {
                harness.processElement(new EnrichedEvent(e, List.of()), time);
            }

            assertThat(harness.extractOutputValues()).extracting(a -> a.getDetection().getId() + " " + a.getHostName())
                    .containsExactly("6f1c2b8e-3c1d-4b47-9a52-6f0a8e8b2a11 ws-01", "6f1c2b8e-3c1d-4b47-9a52-6f0a8e8b2a11 ws-02");
            assertThat(((Counter) metrics.get("findings")).getCount()).isEqualTo(2);
            assertThat(((Gauge<?>) metrics.get("detectionsLoaded")).getValue()).isEqualTo(1);
            assertThat(((Gauge<?>) metrics.get("sigmaRulesRejected")).getValue()).isEqualTo(1);
            // the index makes the rule a candidate only where its literal is: not for notepad.exe
            assertThat(((Gauge<?>) metrics.get("sigmaRulesEvaluated")).getValue()).isEqualTo(2L);
            // three events: far too few for the index to review what it observed
            assertThat(((Gauge<?>) metrics.get("sigmaIndexReplans")).getValue()).isEqualTo(0);
        }
    }
}
