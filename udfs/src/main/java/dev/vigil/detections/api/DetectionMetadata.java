package dev.vigil.detections.api;

import dev.vigil.schema.Severity;
import java.util.List;
import java.util.Objects;

/**
 * What every alert of a detection carries. {@code id} is stable and never reused, even when a
 * detection is retired; bump {@code version} when the logic changes.
 */
public record DetectionMetadata(
        String id, int version, String title, Severity severity, List<String> techniques, String author) {

    public DetectionMetadata {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(author, "author");
        if (id.isBlank() || version < 1) {
            throw new IllegalArgumentException("Detection needs a non-blank id and a version >= 1: " + id);
        }
        techniques = List.copyOf(techniques);
    }
}
