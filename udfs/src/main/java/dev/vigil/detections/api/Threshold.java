package dev.vigil.detections.api;

import java.time.Duration;

/**
 * Alert when at least {@code count} findings with one group key fall within {@code window} of
 * event time. After an alert the count starts again, so a long attack yields one alert per {@code
 * count} findings rather than one per event.
 */
public record Threshold(int count, Duration window) {

    public Threshold {
        if (count < 2) {
            throw new IllegalArgumentException("A threshold below 2 is a stateless detection: " + count);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("Threshold window must be positive: " + window);
        }
    }
}
