package dev.vigil.jobs.detection.detect;

import dev.vigil.detections.api.Detection;
import dev.vigil.detections.api.Detections;
import dev.vigil.detections.api.Threshold;
import dev.vigil.schema.Alert;
import dev.vigil.schema.DetectionRef;
import dev.vigil.schema.internal.DetectionSignal;
import dev.vigil.schema.internal.ThresholdWindow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Executes declared thresholds: keyed by (tenant, detection, group), it keeps the findings inside
 * the detection's event-time window and alerts when they reach the threshold's count, then starts
 * counting again.
 *
 * <p>Cleanup is explicit: every finding registers an event-time timer at its time plus the window;
 * the timer drops findings that left the window and clears the state when none remain. So a key
 * that goes quiet leaves no state behind once the watermark passes.
 */
public final class ThresholdCounter extends KeyedProcessFunction<String, DetectionSignal, Alert> {

    private static final long serialVersionUID = 1L;

    public static final ValueStateDescriptor<ThresholdWindow> WINDOW_STATE =
            new ValueStateDescriptor<>("threshold-window", new AvroTypeInfo<>(ThresholdWindow.class));

    private transient Map<String, Threshold> thresholds;
    private transient Map<String, DetectionRef> refs;
    private transient ValueState<ThresholdWindow> window;

    /** The key this operator is partitioned by. */
    public static String key(DetectionSignal signal) {
        return signal.getTenantId() + '|' + signal.getDetectionId() + '|' + signal.getGroupKey();
    }

    @Override
    public void open(OpenContext openContext) {
        thresholds = new HashMap<>();
        refs = new HashMap<>();
        for (Detection d : Detections.discover()) {
            if (d.threshold() != null) {
                thresholds.put(d.metadata().id(), d.threshold());
                refs.put(d.metadata().id(), Alerts.ref(d.metadata()));
            }
        }
        window = getRuntimeContext().getState(WINDOW_STATE);
    }

    @Override
    public void processElement(DetectionSignal signal, Context ctx, Collector<Alert> out) throws Exception {
        Threshold threshold = thresholds.get(signal.getDetectionId());
        if (threshold == null) {
            // The detection was removed since this signal was produced (restored in-flight data).
            return;
        }
        long windowMillis = threshold.window().toMillis();
        ThresholdWindow w = window.value();
        if (w == null) {
            w = new ThresholdWindow(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        } else if (w.getEventIds().contains(signal.getEventId())) {
            return; // the same event twice from the sensor counts once
        }
        long now = signal.getEventTime();
        prune(w, now - windowMillis);
        w.getEventIds().add(signal.getEventId());
        w.getEventTimes().add(now);
        w.getHostNames().add(signal.getHostName() == null ? "" : signal.getHostName());

        if (w.getEventIds().size() >= threshold.count()) {
            out.collect(toAlert(signal, refs.get(signal.getDetectionId()), w, threshold));
            window.clear();
            return;
        }
        window.update(w);
        ctx.timerService().registerEventTimeTimer(now + windowMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        ThresholdWindow w = window.value();
        if (w == null) {
            return;
        }
        String detectionId = ctx.getCurrentKey().split("\\|", 3)[1];
        Threshold threshold = thresholds.get(detectionId);
        long windowMillis = threshold == null ? 0L : threshold.window().toMillis();
        prune(w, timestamp - windowMillis);
        if (w.getEventIds().isEmpty()) {
            window.clear();
        } else {
            window.update(w);
        }
    }

    /** Drops findings at or before {@code oldestAllowed} (they left the window). */
    private static void prune(ThresholdWindow w, long oldestAllowed) {
        List<Long> times = w.getEventTimes();
        for (int i = times.size() - 1; i >= 0; i--) {
            if (times.get(i) <= oldestAllowed) {
                times.remove(i);
                w.getEventIds().remove(i);
                w.getHostNames().remove(i);
            }
        }
    }

    private static Alert toAlert(DetectionSignal last, DetectionRef ref, ThresholdWindow w, Threshold threshold) {
        long first = Long.MAX_VALUE;
        long lastSeen = Long.MIN_VALUE;
        String firstEventId = null;
        for (int i = 0; i < w.getEventTimes().size(); i++) {
            long t = w.getEventTimes().get(i);
            String id = w.getEventIds().get(i);
            if (t < first || (t == first && id.compareTo(firstEventId) < 0)) {
                first = t;
                firstEventId = id;
            }
            lastSeen = Math.max(lastSeen, t);
        }
        String summary = w.getEventIds().size() + " findings of '" + ref.getTitle() + "' for " + last.getEntity().getType() + " "
                + last.getEntity().getValue() + " within " + threshold.window().toMinutes() + " min";
        return Alerts.alert(last.getTenantId(), ref, last.getGroupKey(), last.getEntity(), last.getHostName(), summary, first,
                lastSeen, firstEventId, new ArrayList<>(w.getEventIds()), last.getReputation());
    }
}
