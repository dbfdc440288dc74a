package dev.vigil.local.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import dev.vigil.detections.api.Aggregation;
import dev.vigil.detections.api.Finding;
import dev.vigil.detections.engine.DetectionEngine;
import dev.vigil.detections.engine.FindingWindows;
import dev.vigil.detections.sigma.SigmaRule;
import dev.vigil.detections.windows.WindowsEventJson;
import dev.vigil.detections.windows.WindowsTelemetry;
import dev.vigil.local.detect.HitWriter.EventRef;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.internal.CountedFinding;
import dev.vigil.schema.internal.FindingWindow;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link DetectionEngine} over event files the way the detection job runs it over a topic: each
 * event goes through the pipeline's Windows adapter ({@link WindowsTelemetry}) and every detection is
 * evaluated on it. A detection without aggregation hits on its finding, written at once. Findings of a
 * declared aggregation (threshold, distinct count) wait until every file is read and are then counted
 * per (detection, group key) in event-time order with {@link FindingWindows}, the counting the job's
 * keyed operator uses; the hit is the event that reaches the count, and the window starts over.
 */
final class Backtest {

    /** Tenant of every event (only event ids depend on it: no per-tenant selection is loaded). */
    static final String TENANT = "local";

    /** Event time of an event carrying none that parses; fixed so that reruns give the same output. */
    static final Instant NO_TIME = Instant.EPOCH;

    /** What one run read and found. */
    record Summary(int files, int unreadableFiles, long events, long sigmaHits, long javaHits) {
        long hits() {
            return sigmaHits + javaHits;
        }
    }

    /** A finding of an aggregated detection, held until the files are read; {@code seq} keeps input order on ties. */
    private record Pending(int detection, Finding finding, long time, long seq, String eventId, String host,
            String countedValue, EventRef event) {}

    private final DetectionEngine engine;
    private final List<SigmaRule> sigmaRules;
    private final int javaDetections;
    private final HitWriter hits;
    private final PrintWriter err;
    private final List<Pending> pending = new ArrayList<>();

    private int files;
    private int unreadable;
    private long events;
    private long sigmaHits;
    private long javaHits;

    /**
     * @param sigmaRules the catalog's compiled Sigma rules: detection {@code javaDetections + i} is rule {@code i}
     */
    Backtest(DetectionEngine engine, List<SigmaRule> sigmaRules, HitWriter hits, PrintWriter err) {
        this.engine = engine;
        this.sigmaRules = sigmaRules;
        this.javaDetections = engine.size() - sigmaRules.size();
        this.hits = hits;
        this.err = err;
    }

    /** Evaluates every event of one file; a file that does not parse is reported and skipped. */
    void read(Path file) {
        String name = file.toString();
        List<Map<String, Object>> fileEvents;
        try {
            fileEvents = WindowsEventJson.read(file);
        } catch (IOException | RuntimeException e) {
            unreadable++;
            err.println("vigil detect: skipped " + name + ": " + reason(e));
            return;
        }
        files++;
        for (int i = 0; i < fileEvents.size(); i++) {
            Map<String, Object> fields = fileEvents.get(i);
            EventRef ref = new EventRef(name, i, EventRef.recordId(fields.get("EventRecordID")));
            TelemetryEvent event = WindowsTelemetry.toTelemetry(TENANT, fields, NO_TIME, name + "#" + i);
            events++;
            engine.evaluate(new EnrichedEvent(event, List.of()), (detection, finding) -> found(detection, finding, event, ref));
        }
    }

    /** Counts the aggregated detections' findings, now that every event is known; then the totals. */
    Summary finish() {
        pending.sort(Comparator.comparingLong(Pending::time).thenComparingLong(Pending::seq));
        Map<String, FindingWindow> windows = new HashMap<>();
        Map<String, EventRef> byEventId = new HashMap<>();
        for (Pending p : pending) {
            Aggregation aggregation = engine.aggregation(p.detection());
            String key = p.detection() + "|" + p.finding().groupKey();
            FindingWindow w = windows.computeIfAbsent(key, k -> FindingWindows.empty());
            if (!FindingWindows.add(w, aggregation, p.eventId(), p.time(), p.host(), p.countedValue())) {
                continue;
            }
            byEventId.putIfAbsent(p.eventId(), p.event());
            if (FindingWindows.reached(w, aggregation)) {
                List<EventRef> counted = new ArrayList<>();
                for (CountedFinding f : w.getFindings()) {
                    counted.add(byEventId.get(f.getEventId()));
                }
                hits.counted(engine.metadata(p.detection()), engine.kind(p.detection()), p.finding(), aggregation,
                        p.finding().groupKey(), FindingWindows.count(w, aggregation), p.event(), counted);
                count(p.detection());
                windows.remove(key);
            }
        }
        pending.clear();
        hits.flush();
        return new Summary(files, unreadable, events, sigmaHits, javaHits);
    }

    private void found(int detection, Finding finding, TelemetryEvent event, EventRef ref) {
        if (engine.aggregation(detection) != null) {
            pending.add(new Pending(detection, finding, event.getEventTime().toEpochMilli(), pending.size(),
                    event.getEventId(), event.getHost().getName(), engine.countedValue(detection, event), ref));
            return;
        }
        String ruleFile = detection >= javaDetections ? sigmaRules.get(detection - javaDetections).file() : null;
        hits.single(engine.metadata(detection), engine.kind(detection), ruleFile, finding, ref);
        count(detection);
    }

    private void count(int detection) {
        if (detection >= javaDetections) {
            sigmaHits++;
        } else {
            javaHits++;
        }
    }

    private static String reason(Exception e) {
        if (e instanceof JsonProcessingException j) {
            JsonLocation at = j.getLocation();
            return "not JSON: " + j.getOriginalMessage()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
