package dev.vigil.jobs.detection.detect;

import dev.vigil.detections.api.Aggregation;
import dev.vigil.detections.api.DistinctCount;
import dev.vigil.detections.engine.DetectionCatalog;
import dev.vigil.detections.engine.DetectionEngine;
import dev.vigil.detections.engine.FindingWindows;
import dev.vigil.schema.Alert;
import dev.vigil.schema.DetectionRef;
import dev.vigil.schema.internal.CountedFinding;
import dev.vigil.schema.internal.DetectionSignal;
import dev.vigil.schema.internal.FindingWindow;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Executes declared aggregations ({@link dev.vigil.detections.api.Threshold}, {@link DistinctCount}):
 * keyed by (tenant, detection, group), it keeps the findings inside the detection's event-time
 * window and alerts when their count (or their distinct values' count) is reached, then starts
 * counting again. The counting itself is {@link FindingWindows}, shared with the local tools.
 *
 * <p>Cleanup is explicit: every finding registers an event-time timer at its time plus the window;
 * the timer drops findings that left the window and clears the state when none remain. So a key
 * that goes quiet leaves no state behind once the watermark passes.
 *
 * <p>No state TTL, on purpose: Flink's TTL counts processing time, which would drop windows that are
 * still open in event time after a suspension, a backlog or a savepoint restore. Event time keeps
 * moving while any tenant sends (idle partitions do not hold the watermark back), so the timers fire.
 */
public final class FindingCounter extends KeyedProcessFunction<String, DetectionSignal, Alert> {

    private static final long serialVersionUID = 1L;

    public static final ValueStateDescriptor<FindingWindow> WINDOW_STATE =
            new ValueStateDescriptor<>("finding-window", new AvroTypeInfo<>(FindingWindow.class));

    private final DetectionCatalog.Settings settings;

    private transient Map<String, Aggregation> aggregations;
    private transient Map<String, DetectionRef> refs;
    private transient ValueState<FindingWindow> window;

    public FindingCounter(DetectionCatalog.Settings settings) {
        this.settings = settings;
    }

    /** The key this operator is partitioned by. */
    public static String key(DetectionSignal signal) {
        return signal.getTenantId() + '|' + signal.getDetectionId() + '|' + signal.getGroupKey();
    }

    @Override
    public void open(OpenContext openContext) {
        aggregations = new HashMap<>();
        refs = new HashMap<>();
        DetectionEngine engine = DetectionCatalog.load(settings).engine();
        for (int i = 0; i < engine.size(); i++) {
            if (engine.aggregation(i) != null) {
                aggregations.put(engine.metadata(i).id(), engine.aggregation(i));
                refs.put(engine.metadata(i).id(), Alerts.ref(engine.metadata(i), engine.kind(i)));
            }
        }
        window = getRuntimeContext().getState(WINDOW_STATE);
    }

    @Override
    public void processElement(DetectionSignal signal, Context ctx, Collector<Alert> out) throws Exception {
        Aggregation aggregation = aggregations.get(signal.getDetectionId());
        if (aggregation == null) {
            // The detection was removed since this signal was produced (restored in-flight data).
            return;
        }
        FindingWindow w = window.value();
        if (w == null) {
            w = FindingWindows.empty();
        }
        long now = signal.getEventTime();
        if (!FindingWindows.add(w, aggregation, signal.getEventId(), now, signal.getHostName(), signal.getCountedValue())) {
            return;
        }
        if (FindingWindows.reached(w, aggregation)) {
            out.collect(toAlert(signal, refs.get(signal.getDetectionId()), w, aggregation));
            window.clear();
            return;
        }
        window.update(w);
        ctx.timerService().registerEventTimeTimer(now + aggregation.window().toMillis());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        FindingWindow w = window.value();
        if (w == null) {
            return;
        }
        String detectionId = ctx.getCurrentKey().split("\\|", 3)[1];
        Aggregation aggregation = aggregations.get(detectionId);
        long windowMillis = aggregation == null ? 0L : aggregation.window().toMillis();
        FindingWindows.prune(w, timestamp - windowMillis);
        if (w.getFindings().isEmpty()) {
            window.clear();
        } else {
            window.update(w);
        }
    }

    private static Alert toAlert(DetectionSignal last, DetectionRef ref, FindingWindow w, Aggregation aggregation) {
        CountedFinding first = FindingWindows.first(w);
        String counted = aggregation instanceof DistinctCount d
                ? FindingWindows.count(w, aggregation) + " distinct " + d.field() + " values in findings"
                : w.getFindings().size() + " findings";
        String summary = counted + " of '" + ref.getTitle() + "' for " + last.getEntity().getType() + " "
                + last.getEntity().getValue() + " within " + aggregation.window().toSeconds() + " s";
        return Alerts.alert(last.getTenantId(), ref, last.getGroupKey(), last.getEntity(), last.getHostName(), summary,
                first.getEventTime(), FindingWindows.lastSeen(w), first.getEventId(), FindingWindows.eventIds(w),
                last.getReputation());
    }
}
