package dev.vigil.detections.samples;

import dev.vigil.detections.api.Aggregation;
import dev.vigil.detections.engine.DetectionEngine;
import dev.vigil.detections.engine.FindingWindows;
import dev.vigil.detections.samples.DetectionSamples.SampleCase;
import dev.vigil.detections.windows.WindowsEventJson;
import dev.vigil.detections.windows.WindowsTelemetry;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.internal.FindingWindow;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a detection folder's samples the way the job runs events, without a cluster: each event
 * goes through the production Windows adapter ({@link WindowsEventJson#flatten}, {@link
 * WindowsTelemetry#toTelemetry}), carries the case's reputation verdicts, and is evaluated by a
 * {@link DetectionEngine} holding only this folder's detection. A finding of a stateless detection
 * is an alert; findings of a detection that declares an aggregation are counted with {@link
 * FindingWindows} in event order (the job's {@code FindingCounter} logic: add, alert when reached,
 * start again), per group key, with a fresh state for every case.
 *
 * <p>An event without a time field is at {@link #BASE_TIME} plus its position in the case, in
 * seconds (so untimed events are one second apart). An event without an {@code EventRecordID} gets
 * an id from the file, case and position; with one, a resent event counts once, as in the job.
 *
 * <p>{@code main(folder...)} prints a report and exits 1 when a case fails.
 */
public final class SampleRunner {

    /** The tenant sample events belong to. */
    public static final String TENANT = "samples";
    /** Event time of an untimed event at position 0 of a case (position n: plus n seconds). */
    public static final Instant BASE_TIME = Instant.parse("2026-01-01T00:00:00Z");

    private SampleRunner() {}

    /** The outcome of one case: the alerts it raised against the number it must raise. */
    public record CaseResult(SampleCase sample, List<String> alerts) {

        public CaseResult {
            alerts = List.copyOf(alerts);
        }

        public boolean passed() {
            return alerts.size() == sample.alerts();
        }

        @Override
        public String toString() {
            return (passed() ? "ok   " : "FAIL ") + sample.label() + ": expected " + sample.alerts() + " alert(s), got "
                    + alerts.size() + (alerts.isEmpty() ? "" : " " + alerts);
        }
    }

    /** Every case of one folder. */
    public record Report(String folder, String detectionId, DetectionFolder.Kind kind, List<CaseResult> cases) {

        public Report {
            cases = List.copyOf(cases);
        }

        public List<CaseResult> failures() {
            return cases.stream().filter(c -> !c.passed()).toList();
        }

        public boolean passed() {
            return failures().isEmpty();
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            b.append(folder).append(" (").append(kind.name().toLowerCase(java.util.Locale.ROOT)).append(' ')
                    .append(detectionId).append("): ").append(cases.size() - failures().size()).append('/')
                    .append(cases.size()).append(" cases pass");
            for (CaseResult c : cases) {
                b.append("\n  ").append(c);
            }
            return b.toString();
        }
    }

    /** Loads the folder and its samples and runs every case. */
    public static Report run(Path folder) {
        DetectionFolder detection = DetectionFolder.load(folder);
        return run(detection, DetectionSamples.load(detection.samplesFile()));
    }

    public static Report run(DetectionFolder folder, DetectionSamples samples) {
        DetectionEngine engine = folder.engine();
        if (engine.size() != 1) {
            throw new IllegalStateException(folder.folder() + ": expected an engine with one detection, got " + engine.size());
        }
        List<CaseResult> results = new ArrayList<>();
        for (SampleCase c : samples.cases()) {
            results.add(new CaseResult(c, alerts(engine, samples.file(), c)));
        }
        return new Report(folder.name(), engine.metadata(0).id(), folder.kind(), results);
    }

    /** The alerts the case's events raise, one summary line each. */
    static List<String> alerts(DetectionEngine engine, Path file, SampleCase c) {
        String detectionId = engine.metadata(0).id();
        Map<String, FindingWindow> windows = new HashMap<>();
        List<String> alerts = new ArrayList<>();
        List<Map<String, Object>> events = c.events();
        for (int i = 0; i < events.size(); i++) {
            TelemetryEvent event;
            try {
                event = WindowsTelemetry.toTelemetry(TENANT, WindowsEventJson.flatten(events.get(i)),
                        BASE_TIME.plusSeconds(i), file + "#" + c.name() + "#" + i);
            } catch (RuntimeException e) {
                throw new SamplesException(file + ": " + c.label() + ": events[" + i + "] is not a Windows event the"
                        + " adapter accepts: " + e, e);
            }
            TelemetryEvent current = event;
            engine.evaluate(new EnrichedEvent(event, c.reputation()), (detection, finding) -> {
                if (!engine.metadata(detection).id().equals(detectionId)) {
                    return;
                }
                Aggregation aggregation = engine.aggregation(detection);
                if (aggregation == null) {
                    alerts.add(finding.summary());
                    return;
                }
                String key = detectionId + '|' + finding.groupKey();
                FindingWindow w = windows.computeIfAbsent(key, k -> FindingWindows.empty());
                long time = current.getEventTime().toEpochMilli();
                if (FindingWindows.add(w, aggregation, current.getEventId(), time, current.getHost().getName(),
                        engine.countedValue(detection, current)) && FindingWindows.reached(w, aggregation)) {
                    alerts.add(finding.summary() + " [" + FindingWindows.count(w, aggregation) + " counted for "
                            + finding.groupKey() + "]");
                    windows.remove(key);
                }
            });
        }
        return alerts;
    }

    /** {@code SampleRunner <folder>...}: prints each folder's report; exit status 1 when a case fails. */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: SampleRunner <detection folder>... (e.g. udfs/detections/java-port-scan)");
            System.exit(2);
        }
        boolean ok = true;
        for (String arg : args) {
            Report report = run(Paths.get(arg));
            System.out.println(report);
            ok &= report.passed();
        }
        System.exit(ok ? 0 : 1);
    }
}
