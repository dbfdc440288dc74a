package dev.vigil.jobs.detection.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.DeadLetter;
import dev.vigil.schema.DeadLetterReason;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.internal.DecodedRecord;
import dev.vigil.testing.telemetry.MalformedRecords;
import dev.vigil.testing.telemetry.MalformedRecords.MalformedRecord;
import dev.vigil.testing.telemetry.TelemetryFixtures;
import dev.vigil.testing.telemetry.VigilTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DeadLetterRouterTest {

    @Test
    void validEventsGoOnAndEveryMalformedRecordBecomesACountedDeadLetter() throws Exception {
        InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
        MockEnvironment env = new MockEnvironmentBuilder().setMetricGroup(new InterceptingTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name, Map<String, String> additional) {
                return metrics;
            }
        }).build();
        TelemetryDecoder decoder = new TelemetryDecoder(MalformedRecords.MAX_RECORD_BYTES, Duration.ofHours(1));
        long recordTime = TelemetryFixtures.DEFAULT_TIME.toEpochMilli();
        TelemetryEvent template = TelemetryFixtures.dnsQuery("acme", "ws-01", "evt-ok-1", TelemetryFixtures.DEFAULT_TIME,
                "example.org", List.of("93.184.216.34"));
        List<MalformedRecord> malformed = MalformedRecords.oneOfEach(template, "globex", 7L);

        try (OneInputStreamOperatorTestHarness<DecodedRecord, TelemetryEvent> harness = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new DeadLetterRouter<DecodedRecord, TelemetryEvent>(DecodedRecord::getEvent,
                        DecodedRecord::getDeadLetter)), env)) {
            harness.open();
            harness.processElement(decoder.decode("telemetry.acme", 0, 0, null, VigilTopics.encode(template), recordTime), recordTime);
            long offset = 1;
            for (MalformedRecord m : malformed) {
                harness.processElement(decoder.decode(m.topic(), 0, offset++, m.key(), m.value(), recordTime), recordTime);
            }

            assertThat(harness.extractOutputValues()).extracting(TelemetryEvent::getEventId).containsExactly("evt-ok-1");
            List<DeadLetter> deadLetters = harness.getSideOutput(DeadLetterRouter.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue).collect(Collectors.toList());
            assertThat(deadLetters).extracting(DeadLetter::getReason)
                    .containsExactlyElementsOf(malformed.stream().map(MalformedRecord::reason).toList());
            for (int i = 0; i < malformed.size(); i++) {
                assertThat(deadLetters.get(i).getOriginalValue().array()).isEqualTo(malformed.get(i).value());
            }

            assertThat(((Counter) metrics.get("records")).getCount()).isEqualTo(1);
            Map<DeadLetterReason, Long> expected = malformed.stream()
                    .collect(Collectors.groupingBy(MalformedRecord::reason, Collectors.counting()));
            for (DeadLetterReason reason : DeadLetterReason.values()) {
                assertThat(((Counter) metrics.get(DeadLetterRouter.counterName(reason))).getCount())
                        .as(reason.name()).isEqualTo(expected.getOrDefault(reason, 0L));
            }
        }
    }
}
