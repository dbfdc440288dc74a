package dev.vigil.detections.engine;

import dev.vigil.detections.api.Aggregation;
import dev.vigil.detections.api.Detection;
import dev.vigil.detections.api.DetectionMetadata;
import dev.vigil.detections.api.Finding;
import dev.vigil.detections.sigma.SigmaRuleSet;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.TelemetryEvent;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Runs every loaded detection, Java and Sigma alike, on one event at a time and reports each
 * finding with the index of its detection. The job's detection operator, the sample runner and
 * {@code vigil detect} all evaluate through this class, so they agree.
 *
 * <p>Detection indexes: Java detections first (by id), then Sigma rules in load order. Which of
 * them run for an event's tenant is decided by the {@link DetectionSelection}.
 *
 * <p>Not thread-safe: one engine per operator instance (it reuses its event view).
 */
public final class DetectionEngine {

    /** Receives findings; called on the evaluating thread, before {@link #evaluate} returns. */
    @FunctionalInterface
    public interface Hits {
        void hit(int detection, Finding finding);
    }

    private final Detection[] java;
    private final SigmaRuleSet sigma;
    private final DetectionMetadata[] metadata;
    private final Aggregation[] aggregations;
    private final String[] kinds;
    private final DetectionSelection selection;
    private final Map<String, BitSet> runsByTenant = new HashMap<>();
    private final TelemetryFields fields = new TelemetryFields();
    private final IntConsumer onSigmaMatch = this::onSigmaMatch;

    // the event being evaluated, for onSigmaMatch (avoids a capturing lambda per event)
    private TelemetryEvent current;
    private BitSet currentRuns;
    private Hits currentHits;

    public DetectionEngine(List<Detection> javaDetections, SigmaRuleSet sigmaRules, DetectionSelection selection) {
        this.java = javaDetections.toArray(Detection[]::new);
        this.sigma = sigmaRules;
        this.selection = selection;
        int n = java.length + sigma.size();
        metadata = new DetectionMetadata[n];
        aggregations = new Aggregation[n];
        kinds = new String[n];
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < n; i++) {
            metadata[i] = i < java.length ? java[i].metadata() : SigmaDetection.metadata(sigma.rule(i - java.length));
            aggregations[i] = i < java.length ? java[i].aggregation() : null;
            kinds[i] = i < java.length ? "java" : "sigma";
            String where = i < java.length ? java[i].getClass().getName() : sigma.rule(i - java.length).file();
            String previous = seen.putIfAbsent(metadata[i].id(), where);
            if (previous != null) {
                throw new IllegalStateException("Two detections share the id " + metadata[i].id() + ": " + previous
                        + " and " + where);
            }
        }
    }

    public int size() {
        return metadata.length;
    }

    public DetectionMetadata metadata(int detection) {
        return metadata[detection];
    }

    /** The declared aggregation, or null for a detection whose every finding is an alert. */
    public Aggregation aggregation(int detection) {
        return aggregations[detection];
    }

    /** {@code sigma} or {@code java}. */
    public String kind(int detection) {
        return kinds[detection];
    }

    /** All metadata, by detection index. */
    public List<DetectionMetadata> detections() {
        return List.of(metadata);
    }

    public DetectionSelection selection() {
        return selection;
    }

    /** The value a {@link dev.vigil.detections.api.DistinctCount} counts on this event, or null. */
    public String countedValue(int detection, TelemetryEvent event) {
        if (!(aggregations[detection] instanceof dev.vigil.detections.api.DistinctCount distinct)) {
            return null;
        }
        Object v = fields.reset(event).get(distinct.field());
        return v == null ? null : String.valueOf(v);
    }

    /** Evaluates every detection that runs for the event's tenant; findings go to {@code hits}. */
    public void evaluate(EnrichedEvent enriched, Hits hits) {
        TelemetryEvent event = enriched.getEvent();
        BitSet runs = runsFor(event.getTenantId());
        for (int i = 0; i < java.length; i++) {
            if (runs.get(i)) {
                Finding f = java[i].evaluate(enriched);
                if (f != null) {
                    hits.hit(i, f);
                }
            }
        }
        if (sigma.size() > 0) {
            current = event;
            currentRuns = runs;
            currentHits = hits;
            try {
                sigma.forEachMatch(fields.reset(event), onSigmaMatch);
            } finally {
                current = null;
                currentHits = null;
            }
        }
    }

    private void onSigmaMatch(int rule) {
        int detection = java.length + rule;
        if (currentRuns.get(detection)) {
            currentHits.hit(detection, SigmaDetection.finding(metadata[detection], current));
        }
    }

    private BitSet runsFor(String tenant) {
        String key = tenant == null ? "" : tenant;
        BitSet runs = runsByTenant.get(key);
        if (runs == null) {
            runs = new BitSet(metadata.length);
            for (int i = 0; i < metadata.length; i++) {
                runs.set(i, selection.runs(key, metadata[i].id()));
            }
            runsByTenant.put(key, runs);
        }
        return runs;
    }

    /** Sigma rules evaluated in full so far ({@link SigmaRuleSet#rulesEvaluated}). */
    public long sigmaRulesEvaluated() {
        return sigma.rulesEvaluated();
    }

    /** Times the Sigma index chose its literals again from observed candidate rates ({@link SigmaRuleSet#replans}). */
    public int sigmaIndexReplans() {
        return sigma.replans();
    }

    /** Ids the selection names that no loaded detection has: typos, or detections since removed. */
    public List<String> unknownSelectedIds() {
        List<String> unknown = new ArrayList<>();
        for (String id : selection.namedIds()) {
            boolean found = false;
            for (DetectionMetadata m : metadata) {
                found |= m.id().equals(id);
            }
            if (!found) {
                unknown.add(id);
            }
        }
        unknown.sort(null);
        return unknown;
    }
}
