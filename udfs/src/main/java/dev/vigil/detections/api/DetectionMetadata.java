package dev.vigil.detections.api;

import dev.vigil.schema.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What every alert of a detection carries, and what an analyst reads before trusting it. The same
 * fields as a Sigma rule's header, so Java detections and Sigma rules look alike downstream.
 *
 * @param id stable and never reused, even when the detection is retired
 * @param version bump it when the logic changes
 * @param tags Sigma-style tags: {@code attack.t1110.003}, {@code attack.credential-access}, ...
 * @param author required on every alert (DRL 1.1 for rules derived from SigmaHQ)
 * @param falsePositives known benign causes, for the analyst triaging the alert
 */
public record DetectionMetadata(String id, int version, String title, String description, Severity severity,
                                Status status, List<String> tags, String author, List<String> references,
                                List<String> falsePositives) {

    /** Sigma's rule status: how far a detection has been proven. */
    public enum Status { EXPERIMENTAL, TEST, STABLE, DEPRECATED, UNSUPPORTED }

    public DetectionMetadata {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(author, "author");
        if (id.isBlank() || version < 1) {
            throw new IllegalArgumentException("Detection needs a non-blank id and a version >= 1: " + id);
        }
        description = description == null ? "" : description;
        tags = List.copyOf(tags);
        references = List.copyOf(references);
        falsePositives = List.copyOf(falsePositives);
    }

    /** ATT&CK technique ids from the tags ({@code attack.t1059.001} → {@code T1059.001}). */
    public List<String> techniques() {
        List<String> out = new ArrayList<>();
        for (String tag : tags) {
            if (tag.matches("(?i)attack\\.t\\d{4}(\\.\\d{3})?")) {
                out.add(tag.substring("attack.".length()).toUpperCase(Locale.ROOT));
            }
        }
        return out;
    }

    public static Builder builder(String id, String title) {
        return new Builder(id, title);
    }

    /** Builds metadata; everything but id and title has a default (version 1, MEDIUM, EXPERIMENTAL). */
    public static final class Builder {
        private final String id;
        private final String title;
        private int version = 1;
        private String description = "";
        private Severity severity = Severity.MEDIUM;
        private Status status = Status.EXPERIMENTAL;
        private List<String> tags = List.of();
        private String author;
        private List<String> references = List.of();
        private List<String> falsePositives = List.of();

        private Builder(String id, String title) {
            this.id = id;
            this.title = title;
        }

        public Builder version(int version) {
            this.version = version;
            return this;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder severity(Severity severity) {
            this.severity = severity;
            return this;
        }

        public Builder status(Status status) {
            this.status = status;
            return this;
        }

        public Builder tags(String... tags) {
            this.tags = List.of(tags);
            return this;
        }

        public Builder tags(List<String> tags) {
            this.tags = tags;
            return this;
        }

        public Builder author(String author) {
            this.author = author;
            return this;
        }

        public Builder references(String... references) {
            this.references = List.of(references);
            return this;
        }

        public Builder references(List<String> references) {
            this.references = references;
            return this;
        }

        public Builder falsePositives(String... falsePositives) {
            this.falsePositives = List.of(falsePositives);
            return this;
        }

        public Builder falsePositives(List<String> falsePositives) {
            this.falsePositives = falsePositives;
            return this;
        }

        public DetectionMetadata build() {
            return new DetectionMetadata(id, version, title, description, severity, status, tags, author, references,
                    falsePositives);
        }
    }
}
