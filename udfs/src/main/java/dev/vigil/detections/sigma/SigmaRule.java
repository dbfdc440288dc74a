package dev.vigil.detections.sigma;

import java.util.List;
import java.util.Map;

/**
 * A compiled Sigma rule: its metadata as written and one predicate over an event. Alerts derived from a rule
 * must carry its {@code author} (Detection Rule License 1.1 for SigmaHQ rules).
 */
public record SigmaRule(String file, String id, String title, String status, String level, String description,
                        String author, List<String> tags, List<String> references, List<String> falsePositives,
                        Map<String, String> logsource, EventPredicate predicate) {

    public boolean matches(EventFields event) {
        return predicate.test(event);
    }

    /** ATT&CK technique ids from the tags ({@code attack.t1059.001} → {@code T1059.001}). */
    public List<String> techniques() {
        return tags.stream().filter(t -> t.matches("(?i)attack\\.t\\d{4}(\\.\\d{3})?"))
                .map(t -> t.substring("attack.".length()).toUpperCase(java.util.Locale.ROOT)).toList();
    }
}
