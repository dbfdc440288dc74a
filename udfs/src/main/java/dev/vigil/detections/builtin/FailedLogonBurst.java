package dev.vigil.detections.builtin;

import dev.vigil.detections.api.Detection;
import dev.vigil.detections.api.DetectionMetadata;
import dev.vigil.detections.api.Finding;
import dev.vigil.detections.api.Threshold;
import dev.vigil.schema.AuthOutcome;
import dev.vigil.schema.AuthenticationActivity;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.Severity;
import java.time.Duration;
import java.util.Locale;

/**
 * Brute force: at least {@value #FAILURES} failed logons for one account within {@value
 * #WINDOW_MINUTES} minutes. Stateful: each failure is a finding grouped by account, and the job
 * counts them on keyed state.
 */
public final class FailedLogonBurst implements Detection {

    static final int FAILURES = 5;
    static final int WINDOW_MINUTES = 5;

    static final DetectionMetadata METADATA = DetectionMetadata
            .builder("vigil-builtin-failed-logon-burst", "Burst of failed logons for one account")
            .description("At least " + FAILURES + " failed logons for one account within " + WINDOW_MINUTES
                    + " minutes: password guessing or spraying against that account.")
            .severity(Severity.MEDIUM).status(DetectionMetadata.Status.STABLE)
            .tags("attack.credential-access", "attack.t1110.001", "attack.t1110.003").author("Vigil")
            .references("https://attack.mitre.org/techniques/T1110/")
            .falsePositives("A service or scheduled task still using an old password", "A user locked out after a password change")
            .build();

    private static final Threshold THRESHOLD = new Threshold(FAILURES, Duration.ofMinutes(WINDOW_MINUTES));

    @Override
    public DetectionMetadata metadata() {
        return METADATA;
    }

    @Override
    public Threshold aggregation() {
        return THRESHOLD;
    }

    @Override
    public Finding evaluate(EnrichedEvent event) {
        if (!(event.getEvent().getActivity() instanceof AuthenticationActivity auth)
                || auth.getOutcome() != AuthOutcome.FAILURE) {
            return null;
        }
        String account = (auth.getDomain() == null ? "" : auth.getDomain() + "\\") + auth.getUser();
        String normalized = account.toLowerCase(Locale.ROOT);
        return new Finding("user", normalized, normalized,
                FAILURES + "+ failed logons for " + account + " within " + WINDOW_MINUTES + " min, last from "
                        + (auth.getSourceIp() == null ? "unknown source" : auth.getSourceIp()));
    }
}
