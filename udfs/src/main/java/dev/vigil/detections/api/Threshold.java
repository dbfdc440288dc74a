package dev.vigil.detections.api;

import java.time.Duration;

/** Alert when at least {@code count} findings with one group key fall within {@code window} of event time. */
public record Threshold(int count, Duration window) implements Aggregation {

    public Threshold {
        Aggregation.check(count, window);
    }
}
