package dev.vigil.detections.engine;

import dev.vigil.detections.api.Detection;
import dev.vigil.detections.api.DetectionMetadata;
import dev.vigil.detections.api.Finding;
import dev.vigil.detections.sigma.SigmaRule;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.Severity;
import dev.vigil.schema.TelemetryEvent;
import java.util.Locale;

/**
 * A Sigma rule as a {@link Detection}: the rule's header becomes the detection's metadata, a match
 * becomes a finding about the event's host. {@link DetectionEngine} evaluates many rules at once
 * rather than through this class; it serves single-rule use (a detection's samples, a unit test).
 */
public final class SigmaDetection implements Detection {

    /** Written on alerts of rules that name no author (DRL 1.1 still asks for the rule's source). */
    static final String UNKNOWN_AUTHOR = "unknown (Sigma rule without author)";

    private final SigmaRule rule;
    private final DetectionMetadata metadata;
    private final TelemetryFields fields = new TelemetryFields();

    public SigmaDetection(SigmaRule rule) {
        this.rule = rule;
        this.metadata = metadata(rule);
    }

    public SigmaRule rule() {
        return rule;
    }

    @Override
    public DetectionMetadata metadata() {
        return metadata;
    }

    @Override
    public Finding evaluate(EnrichedEvent event) {
        return rule.matches(fields.reset(event.getEvent())) ? finding(metadata, event.getEvent()) : null;
    }

    /** The finding a rule match yields: about the host the event came from. */
    static Finding finding(DetectionMetadata metadata, TelemetryEvent event) {
        String host = event.getHost().getName();
        return new Finding("host", host, host, metadata.title() + " on " + host);
    }

    public static DetectionMetadata metadata(SigmaRule rule) {
        return DetectionMetadata.builder(rule.id(), rule.title())
                .description(rule.description())
                .severity(severity(rule.level()))
                .status(status(rule.status()))
                .tags(rule.tags())
                .author(rule.author() == null || rule.author().isBlank() ? UNKNOWN_AUTHOR : rule.author())
                .references(rule.references())
                .falsePositives(rule.falsePositives())
                .build();
    }

    static Severity severity(String level) {
        if (level == null) {
            return Severity.MEDIUM;
        }
        return switch (level.toLowerCase(Locale.ROOT)) {
            case "informational" -> Severity.INFORMATIONAL;
            case "low" -> Severity.LOW;
            case "high" -> Severity.HIGH;
            case "critical" -> Severity.CRITICAL;
            default -> Severity.MEDIUM;
        };
    }

    static DetectionMetadata.Status status(String status) {
        if (status == null) {
            return DetectionMetadata.Status.EXPERIMENTAL;
        }
        try {
            return DetectionMetadata.Status.valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return DetectionMetadata.Status.EXPERIMENTAL;
        }
    }
}
