package dev.vigil.detections.api;

import java.time.Duration;

/**
 * Alert when the findings with one group key within {@code window} of event time carry at least
 * {@code count} distinct values of {@code field}: one source trying many accounts (password spray),
 * one host probing many ports.
 *
 * @param field an event field as Sigma names it ({@code TargetUserName}, {@code DestinationPort}) or
 *     a key of the event's {@code raw} map; a finding on an event without it is not counted
 */
public record DistinctCount(int count, Duration window, String field) implements Aggregation {

    public DistinctCount {
        Aggregation.check(count, window);
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("A distinct count needs the field whose values it counts");
        }
    }
}
