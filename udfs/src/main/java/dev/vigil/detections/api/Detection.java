package dev.vigil.detections.api;

import dev.vigil.schema.EnrichedEvent;

/**
 * A detection: stable metadata plus logic over one enriched event. Plain Java, no Flink types, so
 * an analyst can unit-test it without a cluster.
 *
 * <p>A stateless detection alerts on every {@link Finding}. A detection that declares an {@link
 * Aggregation} ({@link Threshold}, {@link DistinctCount}) alerts only when its findings with one
 * {@link Finding#groupKey()} reach the count inside the window; the job counts them on keyed,
 * checkpointed state. Implementations are discovered with {@link java.util.ServiceLoader} (list
 * them in {@code META-INF/services/dev.vigil.detections.api.Detection}), so adding one never edits
 * the job.
 *
 * <p>{@link #evaluate} runs for every event: keep it allocation-free when it does not match.
 */
public interface Detection {

    DetectionMetadata metadata();

    /** Returns a finding when the event matches, else {@code null}. */
    Finding evaluate(EnrichedEvent event);

    /** The stateful condition over findings, or {@code null} when every finding is an alert. */
    default Aggregation aggregation() {
        return null;
    }
}
