package dev.vigil.detections.sigma;

import java.util.function.Predicate;

/**
 * What a Sigma rule sees of one event: named fields. Values are {@code String}, {@code Number},
 * {@code Boolean}, a {@code List} of those (any element may match), or {@code null} for an absent field.
 */
public interface EventFields {

    /** The field's value, or null when the event has no such field. */
    Object get(String field);

    /** Whether any field value, as text, satisfies {@code test} (field-less keyword searches). */
    boolean anyValue(Predicate<String> test);
}
