package dev.vigil.detections.api;

import java.util.Objects;

/**
 * One match of a detection on one event.
 *
 * @param entityType what the alert is about: host, user, ip, process ...
 * @param entityValue which one
 * @param groupKey what a {@link Threshold} counts per (ignored by stateless detections); the job
 *     always scopes it to the event's tenant, so it never needs to contain the tenant
 * @param summary one human-readable line for the alert
 */
public record Finding(String entityType, String entityValue, String groupKey, String summary) {

    public Finding {
        Objects.requireNonNull(entityType, "entityType");
        Objects.requireNonNull(entityValue, "entityValue");
        Objects.requireNonNull(groupKey, "groupKey");
        Objects.requireNonNull(summary, "summary");
    }

    public static Finding about(String entityType, String entityValue, String summary) {
        return new Finding(entityType, entityValue, entityValue, summary);
    }
}
