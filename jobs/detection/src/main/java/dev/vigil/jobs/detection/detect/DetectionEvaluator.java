package dev.vigil.jobs.detection.detect;

import dev.vigil.detections.api.Finding;
import dev.vigil.detections.engine.DetectionCatalog;
import dev.vigil.detections.engine.DetectionEngine;
import dev.vigil.detections.sigma.SigmaRuleLoader;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every detection (Java and Sigma, through one {@link DetectionEngine}) on every enriched
 * event. A finding of a stateless detection is an alert (main output); a finding of a detection
 * that declares an aggregation is a {@link DetectionSignal} ({@link #SIGNALS} side output) for
 * {@link FindingCounter}, keyed by tenant, detection and group. Stateless, so it chains with
 * enrichment and needs no shuffle.
 */
public final class DetectionEvaluator extends ProcessFunction<EnrichedEvent, Alert> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DetectionEvaluator.class);

    public static final OutputTag<DetectionSignal> SIGNALS =
            new OutputTag<>("detection-signals", new AvroTypeInfo<>(DetectionSignal.class));

    private final DetectionCatalog.Settings settings;

    private transient DetectionEngine engine;
    private transient DetectionRef[] refs;
    private transient Counter findings;
    private transient DetectionEngine.Hits hits;

    // the element being processed, for the hits callback (no capturing lambda per event)
    private transient EnrichedEvent current;
    private transient Context currentContext;
    private transient Collector<Alert> currentOut;

    public DetectionEvaluator(DetectionCatalog.Settings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        DetectionCatalog catalog = DetectionCatalog.load(settings);
        engine = catalog.engine();
        refs = new DetectionRef[engine.size()];
        for (int i = 0; i < refs.length; i++) {
            refs[i] = Alerts.ref(engine.metadata(i), engine.kind(i));
        }
        report(catalog);
        findings = getRuntimeContext().getMetricGroup().counter("findings");
        getRuntimeContext().getMetricGroup().gauge("detectionsLoaded", () -> refs.length);
        int rejected = catalog.sigma().rejected().size();
        getRuntimeContext().getMetricGroup().gauge("sigmaRulesRejected", () -> rejected);
        // a running total: its rate over numRecordsInPerSecond is the rules evaluated per event, the index's work
        getRuntimeContext().getMetricGroup().gauge("sigmaRulesEvaluated", engine::sigmaRulesEvaluated);
        getRuntimeContext().getMetricGroup().gauge("sigmaIndexReplans", engine::sigmaIndexReplans);
        hits = this::onHit;
    }

    /** Once per task at start: what runs, and every rule that will not (with file and construct). */
    private void report(DetectionCatalog catalog) {
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() != 0) {
            return;
        }
        SigmaRuleLoader.Result sigma = catalog.sigma();
        LOG.info("Detections loaded: {} Java, {} Sigma rules, {} Sigma rules rejected", catalog.javaDetections().size(),
                sigma.rules().size(), sigma.rejected().size());
        for (SigmaRuleLoader.Rejection r : sigma.rejected()) {
            LOG.warn("Sigma rule rejected ({}): {}", r.construct(), r);
        }
        for (String id : engine.unknownSelectedIds()) {
            LOG.warn("Detection configuration names an unknown detection id: {}", id);
        }
    }

    @Override
    public void processElement(EnrichedEvent enriched, Context ctx, Collector<Alert> out) {
        current = enriched;
        currentContext = ctx;
        currentOut = out;
        engine.evaluate(enriched, hits);
    }

    private void onHit(int detection, Finding finding) {
        findings.inc();
        TelemetryEvent event = current.getEvent();
        Entity entity = new Entity(finding.entityType(), finding.entityValue());
        long time = event.getEventTime().toEpochMilli();
        if (engine.aggregation(detection) != null) {
            currentContext.output(SIGNALS, new DetectionSignal(event.getTenantId(), refs[detection].getId(),
                    finding.groupKey(), entity, event.getHost().getName(), event.getEventId(), time,
                    engine.countedValue(detection, event), current.getReputation()));
        } else {
            currentOut.collect(Alerts.alert(event.getTenantId(), refs[detection], finding.groupKey(), entity,
                    event.getHost().getName(), finding.summary(), time, time, event.getEventId(),
                    List.of(event.getEventId()), current.getReputation()));
        }
    }
}
