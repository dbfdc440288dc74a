package dev.vigil.detections.api;

import java.time.Duration;

/**
 * Stateful behaviour a detection declares instead of coding it: the job counts the detection's
 * findings per (tenant, {@link Finding#groupKey()}) over an event-time window on keyed,
 * checkpointed state, and alerts when the count is reached. After an alert the count starts again,
 * so a long attack yields one alert per full window rather than one per event.
 */
public sealed interface Aggregation permits Threshold, DistinctCount {

    /** The count that raises an alert. */
    int count();

    /** How far apart in event time the counted findings may be. */
    Duration window();

    static void check(int count, Duration window) {
        if (count < 2) {
            throw new IllegalArgumentException("A count below 2 is a stateless detection: " + count);
        }
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("The window must be positive: " + window);
        }
    }
}
