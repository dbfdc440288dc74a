package dev.vigil.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detections.engine.TelemetryFields;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.testing.telemetry.TelemetryGenerator;
import dev.vigil.testing.telemetry.VigilTopics;
import org.junit.jupiter.api.Test;

class NativeSensorShapeTest {

    @Test
    void rulesSeeTheSameValueForEveryFieldAndEventsShrinkToTheSpecifiedSize() {
        long fullBytes = 0;
        long nativeBytes = 0;
        int dropped = 0;
        int n = 5_000;
        for (TelemetryEvent generated : TelemetryGenerator.builder().seed(11).build().next(n)) {
            TelemetryEvent shaped = NativeSensorShape.of(generated);
            TelemetryFields before = TelemetryFields.of(generated);
            TelemetryFields after = TelemetryFields.of(shaped);
            for (String field : generated.getRaw().keySet()) {
                assertThat(String.valueOf(after.get(field))).as("%s of %s", field, generated.getEventId())
                        .isEqualTo(String.valueOf(before.get(field)));
            }
            assertThat(generated.getRaw()).containsAllEntriesOf(shaped.getRaw());
            dropped += generated.getRaw().size() - shaped.getRaw().size();
            assertThat(shaped.getActivity()).isEqualTo(generated.getActivity());
            fullBytes += VigilTopics.encode(generated).length;
            nativeBytes += VigilTopics.encode(shaped).length;
        }
        assertThat(dropped).isPositive();
        assertThat(nativeBytes / n).isBetween(300L, 600L);
        assertThat(fullBytes / n).isGreaterThan(nativeBytes / n);
    }
}
