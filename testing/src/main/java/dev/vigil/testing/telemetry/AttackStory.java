package dev.vigil.testing.telemetry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One attack story the {@link TelemetryGenerator} interleaved with benign noise: the ids of all its events (in
 * emission order), the alerts the detection job must raise for it, and the story events that must NOT alert
 * (negative controls).
 *
 * @param id             stable story id, e.g. {@code story-0003-malicious-download}
 * @param kind           what the story is
 * @param tenant         the attacked tenant (for {@link Kind#TENANT_SCOPED_IOC}: the tenant of the scoped verdict)
 * @param start          event time of the story's first event
 * @param eventIds       every event of the story, in emission order
 * @param expectedAlerts the alerts the job must raise for this story
 * @param nonAlertingEventIds story events that must not raise an alert (other tenants hitting a tenant-scoped IOC)
 */
public record AttackStory(String id, Kind kind, String tenant, Instant start, List<String> eventIds,
                          List<ExpectedAlert> expectedAlerts, List<String> nonAlertingEventIds) {

    public AttackStory {
        Objects.requireNonNull(id);
        Objects.requireNonNull(kind);
        eventIds = List.copyOf(eventIds);
        expectedAlerts = List.copyOf(expectedAlerts);
        nonAlertingEventIds = List.copyOf(nonAlertingEventIds);
    }

    public enum Kind {
        /**
         * On one Windows workstation, 4 events, 0 / +2 / +5 / +8 s: (1) DNS query for a MALICIOUS domain (answer: the
         * story's C2 IP), (2) the browser writes {@code C:\Users\<u>\Downloads\<payload>} whose sha256 is MALICIOUS,
         * (3) the payload is LAUNCHed (process.hashes.sha256 = that hash, parent explorer.exe), (4) the payload
         * connects to the C2 IP (MALICIOUS) on 443.
         */
        MALICIOUS_DOWNLOAD,
        /**
         * From one external IP against the tenant's domain controller, 15 failed network logons (type 3) within
         * 28 s (one every 2 s): 7 for the primary user, 2 each for three other users and for "administrator".
         */
        PASSWORD_SPRAY,
        /**
         * One connection per tenant (one every second) to the IP that is MALICIOUS only for the scoped tenant
         * ({@link TelemetryGenerator#SCOPED_IOC_IP}, scope = the generator's first tenant). Only the scoped
         * tenant's event may alert.
         */
        TENANT_SCOPED_IOC
    }

    /** What the detection job must emit. */
    public enum Detection {
        /** A process LAUNCH whose process.hashes.sha256 is MALICIOUS for the tenant. */
        MALICIOUS_FILE_EXECUTED,
        /** A NetworkActivity whose dstIp is MALICIOUS for the tenant. */
        MALICIOUS_IP_CONNECTION,
        /** The built-in brute force: at least 5 failed logons for one (tenant, user) within 5 minutes. */
        BRUTE_FORCE_LOGON
    }

    /**
     * One alert the job must raise.
     *
     * @param tenant         the alert's tenant
     * @param detection      which detection
     * @param hostName       the host of the triggering event(s)
     * @param user           the user involved (the account for brute force; the process user otherwise)
     * @param indicatorType  the matching reputation indicator type (SHA256, IP), null for brute force
     * @param indicatorValue the matching indicator value, null for brute force
     * @param eventIds       the triggering events (for brute force: all failures of that user in the story)
     */
    public record ExpectedAlert(String tenant, Detection detection, String hostName, String user,
                                String indicatorType, String indicatorValue, List<String> eventIds) {
        public ExpectedAlert {
            eventIds = List.copyOf(eventIds);
        }
    }
}
