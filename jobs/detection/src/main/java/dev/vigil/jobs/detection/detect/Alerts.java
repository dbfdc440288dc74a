package dev.vigil.jobs.detection.detect;

import dev.vigil.detections.api.DetectionMetadata;
import dev.vigil.schema.Alert;
import dev.vigil.schema.DetectionRef;
import dev.vigil.schema.Entity;
import dev.vigil.schema.ReputationMatch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builds alerts. Alert ids are name-based UUIDs, so a replayed alert has the same id. */
public final class Alerts {

    private Alerts() {}

    /** What an alert says about its detection: id, title, level, tags and author (DRL 1.1 for Sigma rules). */
    public static DetectionRef ref(DetectionMetadata m, String kind) {
        return new DetectionRef(m.id(), m.version(), m.title(), m.severity(), m.techniques(), m.author(), m.tags(), kind);
    }

    /** Deterministic id from tenant, detection, group and the first triggering event. */
    public static String alertId(String tenant, String detectionId, String group, String firstEventId) {
        String name = tenant + '\u0000' + detectionId + '\u0000' + group + '\u0000' + firstEventId;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * @param firstEventId the id of the earliest triggering event (by event time, then id), so the
     *     alert id does not depend on the order in which parallel inputs interleaved
     */
    public static Alert alert(String tenant, DetectionRef detection, String group, Entity entity, String hostName,
            String summary, long firstSeen, long lastSeen, String firstEventId, List<String> eventIds,
            List<ReputationMatch> reputation) {
        return Alert.newBuilder()
                .setAlertId(alertId(tenant, detection.getId(), group, firstEventId))
                .setTenantId(tenant)
                .setDetection(detection)
                .setEntity(entity)
                .setHostName(hostName)
                .setSummary(summary)
                .setFirstSeen(Instant.ofEpochMilli(firstSeen))
                .setLastSeen(Instant.ofEpochMilli(lastSeen))
                .setEventIds(eventIds)
                .setReputation(reputation)
                .build();
    }
}
