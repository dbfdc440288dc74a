package dev.vigil.local.demo;

import dev.vigil.schema.Alert;
import dev.vigil.testing.telemetry.AttackStory;
import dev.vigil.testing.telemetry.AttackStory.Detection;
import dev.vigil.testing.telemetry.AttackStory.ExpectedAlert;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Compares the alerts read back with what the generator's attack stories should have raised. */
final class StoryCheck {

    /** The built-in detections (vigil-udfs) that implement each expected detection. */
    static final Map<Detection, String> DETECTION_IDS = Map.of(
            Detection.MALICIOUS_FILE_EXECUTED, "vigil-builtin-malicious-process-image",
            Detection.MALICIOUS_IP_CONNECTION, "vigil-builtin-malicious-ip-connection",
            Detection.BRUTE_FORCE_LOGON, "vigil-builtin-failed-logon-burst");

    record Result(int expected, int matched, int fromStories, int other) {}

    private StoryCheck() {}

    static Result check(Collection<AttackStory> completed, Collection<AttackStory> started, List<Alert> alerts) {
        int expected = 0;
        int matched = 0;
        for (AttackStory s : completed) {
            for (ExpectedAlert e : s.expectedAlerts()) {
                expected++;
                if (alerts.stream().anyMatch(a -> matches(a, e))) matched++;
            }
        }
        Set<String> storyEvents = new HashSet<>();
        for (AttackStory s : started) storyEvents.addAll(s.eventIds());
        int fromStories = 0;
        for (Alert a : alerts) {
            if (a.getEventIds().stream().anyMatch(storyEvents::contains)) fromStories++;
        }
        return new Result(expected, matched, fromStories, alerts.size() - fromStories);
    }

    static boolean matches(Alert a, ExpectedAlert e) {
        return a.getTenantId().equals(e.tenant())
                && a.getDetection().getId().equals(DETECTION_IDS.get(e.detection()))
                && a.getEventIds().stream().anyMatch(e.eventIds()::contains);
    }
}
