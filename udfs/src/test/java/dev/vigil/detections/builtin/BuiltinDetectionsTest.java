package dev.vigil.detections.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detections.api.Detection;
import dev.vigil.detections.api.Detections;
import dev.vigil.detections.api.Finding;
import dev.vigil.schema.AuthOutcome;
import dev.vigil.schema.AuthenticationActivity;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.Hashes;
import dev.vigil.schema.Host;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.NetworkActivity;
import dev.vigil.schema.Direction;
import dev.vigil.schema.ProcessAction;
import dev.vigil.schema.ProcessActivity;
import dev.vigil.schema.ProcessRef;
import dev.vigil.schema.ReputationMatch;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuiltinDetectionsTest {

    private static final String BAD_HASH = "a".repeat(64);

    @Test
    void discoversEveryBuiltinWithUniqueIds() {
        assertThat(Detections.discover()).extracting(d -> d.metadata().id()).containsExactly(
                "vigil-builtin-failed-logon-burst",
                "vigil-builtin-malicious-ip-connection",
                "vigil-builtin-malicious-process-image",
                "vigil-builtin-port-scan");
    }

    @Test
    void maliciousImageFiresOnlyOnALaunchWithAMaliciousHashMatch() {
        Detection d = new MaliciousProcessImage();
        EnrichedEvent launch = enriched(process(ProcessAction.LAUNCH, BAD_HASH), match(IndicatorType.SHA256, BAD_HASH, Verdict.MALICIOUS));
        Finding finding = d.evaluate(launch);
        assertThat(finding).isNotNull();
        assertThat(finding.entityType()).isEqualTo("host");
        assertThat(finding.entityValue()).isEqualTo("ws-01");

        assertThat(d.evaluate(enriched(process(ProcessAction.LAUNCH, BAD_HASH)))).as("no verdict").isNull();
        assertThat(d.evaluate(enriched(process(ProcessAction.LAUNCH, BAD_HASH),
                match(IndicatorType.SHA256, BAD_HASH, Verdict.SUSPICIOUS)))).as("not malicious").isNull();
        assertThat(d.evaluate(enriched(process(ProcessAction.TERMINATE, BAD_HASH),
                match(IndicatorType.SHA256, BAD_HASH, Verdict.MALICIOUS)))).as("not a launch").isNull();
        assertThat(d.evaluate(enriched(process(ProcessAction.LAUNCH, "b".repeat(64)),
                match(IndicatorType.SHA256, BAD_HASH, Verdict.MALICIOUS)))).as("other hash").isNull();
    }

    @Test
    void maliciousIpFiresOnAConnectionToAMaliciousDestination() {
        Detection d = new MaliciousIpConnection();
        NetworkActivity conn = NetworkActivity.newBuilder().setDstIp("203.0.113.66").setDstPort(443)
                .setDirection(Direction.OUTBOUND).build();
        assertThat(d.evaluate(enriched(conn, match(IndicatorType.IP, "203.0.113.66", Verdict.MALICIOUS)))).isNotNull();
        assertThat(d.evaluate(enriched(conn, match(IndicatorType.IP, "203.0.113.66", Verdict.BENIGN)))).isNull();
        assertThat(d.evaluate(enriched(conn, match(IndicatorType.IP, "198.51.100.1", Verdict.MALICIOUS)))).isNull();
    }

    @Test
    void failedLogonIsAThresholdFindingGroupedByAccount() {
        Detection d = new FailedLogonBurst();
        assertThat(d.aggregation()).isNotNull();
        assertThat(d.aggregation().count()).isEqualTo(5);
        Finding f = d.evaluate(enriched(AuthenticationActivity.newBuilder().setUser("Alice").setDomain("CORP")
                .setOutcome(AuthOutcome.FAILURE).setSourceIp("198.51.100.7").build()));
        assertThat(f).isNotNull();
        assertThat(f.groupKey()).isEqualTo("corp\\alice");
        assertThat(d.evaluate(enriched(AuthenticationActivity.newBuilder().setUser("alice")
                .setOutcome(AuthOutcome.SUCCESS).build()))).isNull();
    }

    private static ProcessActivity process(ProcessAction action, String sha256) {
        return ProcessActivity.newBuilder().setAction(action)
                .setProcess(ProcessRef.newBuilder().setImagePath("C:\\Users\\bob\\Downloads\\invoice.exe")
                        .setHashes(Hashes.newBuilder().setSha256(sha256).build()).build())
                .build();
    }

    private static ReputationMatch match(IndicatorType type, String value, Verdict verdict) {
        return ReputationMatch.newBuilder().setIndicatorType(type).setValue(value).setVerdict(verdict)
                .setScore(90).setSource("test-feed").setVersion(1).build();
    }

    private static EnrichedEvent enriched(Object activity, ReputationMatch... matches) {
        TelemetryEvent event = TelemetryEvent.newBuilder().setTenantId("acme").setEventId("e-1")
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L)).setIngestTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setSensorId("s-1").setHost(Host.newBuilder().setName("ws-01").build())
                .setActivity(activity).setRaw(Map.of()).build();
        return EnrichedEvent.newBuilder().setEvent(event).setReputation(List.of(matches)).build();
    }
}
