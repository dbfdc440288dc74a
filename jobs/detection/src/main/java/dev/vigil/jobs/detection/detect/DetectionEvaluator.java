package dev.vigil.jobs.detection.detect;

import dev.vigil.detections.api.Detection;
import dev.vigil.detections.api.Detections;
import dev.vigil.detections.api.Finding;
import dev.vigil.schema.Alert;
import dev.vigil.schema.DetectionRef;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.Entity;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.internal.DetectionSignal;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Runs every detection on every enriched event. A finding of a stateless detection is an alert
 * (main output); a finding of a threshold detection is a {@link DetectionSignal} ({@link #SIGNALS}
 * side output) for {@link ThresholdCounter}, keyed by tenant, detection and group. Stateless, so it
 * chains with enrichment and needs no shuffle.
 */
public final class DetectionEvaluator extends ProcessFunction<EnrichedEvent, Alert> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DetectionSignal> SIGNALS =
            new OutputTag<>("detection-signals", new AvroTypeInfo<>(DetectionSignal.class));

    private transient Detection[] detections;
    private transient DetectionRef[] refs;
    private transient boolean[] stateful;
    private transient Counter findings;

    @Override
    public void open(OpenContext openContext) {
        List<Detection> all = Detections.discover();
        detections = all.toArray(new Detection[0]);
        refs = new DetectionRef[detections.length];
        stateful = new boolean[detections.length];
        for (int i = 0; i < detections.length; i++) {
            refs[i] = Alerts.ref(detections[i].metadata());
            stateful[i] = detections[i].threshold() != null;
        }
        findings = getRuntimeContext().getMetricGroup().counter("findings");
    }

    @Override
    public void processElement(EnrichedEvent enriched, Context ctx, Collector<Alert> out) {
        for (int i = 0; i < detections.length; i++) {
            Finding finding = detections[i].evaluate(enriched);
            if (finding == null) {
                continue;
            }
            findings.inc();
            TelemetryEvent event = enriched.getEvent();
            Entity entity = new Entity(finding.entityType(), finding.entityValue());
            if (stateful[i]) {
                ctx.output(SIGNALS, new DetectionSignal(event.getTenantId(), refs[i].getId(), finding.groupKey(), entity,
                        event.getHost().getName(), event.getEventId(), event.getEventTime().toEpochMilli(), enriched.getReputation()));
            } else {
                long time = event.getEventTime().toEpochMilli();
                out.collect(Alerts.alert(event.getTenantId(), refs[i], finding.groupKey(), entity, event.getHost().getName(),
                        finding.summary(), time, time, event.getEventId(), List.of(event.getEventId()), enriched.getReputation()));
            }
        }
    }
}
