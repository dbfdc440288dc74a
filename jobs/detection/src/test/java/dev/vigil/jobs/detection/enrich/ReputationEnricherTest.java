package dev.vigil.jobs.detection.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.ReputationMatch;
import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.Verdict;
import dev.vigil.testing.telemetry.ReputationFixtures;
import dev.vigil.testing.telemetry.TelemetryFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReputationEnricherTest {

    private static final Instant T0 = TelemetryFixtures.DEFAULT_TIME;
    private static final String BAD_IP = "203.0.113.66";

    private BroadcastOperatorTestHarness<TelemetryEvent, ReputationUpdate, EnrichedEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forBroadcastProcessFunction(new ReputationEnricher(),
                ReputationEnricher.REPUTATION_STATE);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void attachesGlobalVerdictsToEveryTenantsMatchingIndicators() throws Exception {
        feed(update(null, BAD_IP, Verdict.MALICIOUS, 1, T0, null));
        List<ReputationMatch> acme = enrich(connection("acme", "e1", BAD_IP, T0));
        List<ReputationMatch> globex = enrich(connection("globex", "e2", BAD_IP, T0));
        List<ReputationMatch> other = enrich(connection("acme", "e3", "198.51.100.1", T0));
        assertThat(acme).extracting(ReputationMatch::getVerdict).containsExactly(Verdict.MALICIOUS);
        assertThat(globex).extracting(ReputationMatch::getVerdict).containsExactly(Verdict.MALICIOUS);
        assertThat(other).isEmpty();
    }

    @Test
    void newerVersionWinsAndReplaysAndOlderVersionsChangeNothing() throws Exception {
        feed(update(null, BAD_IP, Verdict.SUSPICIOUS, 2, T0, null));
        feed(update(null, BAD_IP, Verdict.BENIGN, 1, T0, null)); // older: ignored
        assertThat(enrich(connection("acme", "e1", BAD_IP, T0))).extracting(ReputationMatch::getVerdict)
                .containsExactly(Verdict.SUSPICIOUS);
        feed(update(null, BAD_IP, Verdict.MALICIOUS, 3, T0, null));
        feed(update(null, BAD_IP, Verdict.MALICIOUS, 3, T0, null)); // replay: idempotent
        List<ReputationMatch> matches = enrich(connection("acme", "e2", BAD_IP, T0));
        assertThat(matches).hasSize(1);
        assertThat(matches.get(0).getVerdict()).isEqualTo(Verdict.MALICIOUS);
        assertThat(matches.get(0).getVersion()).isEqualTo(3);
        assertThat(stateSize()).isEqualTo(1);
    }

    @Test
    void tenantScopedVerdictsAreVisibleOnlyToTheirTenantAndOverrideTheGlobalOne() throws Exception {
        feed(update("acme", BAD_IP, Verdict.MALICIOUS, 1, T0, null));
        assertThat(enrich(connection("acme", "e1", BAD_IP, T0))).extracting(ReputationMatch::getScope).containsExactly("acme");
        assertThat(enrich(connection("globex", "e2", BAD_IP, T0))).as("other tenant sees nothing").isEmpty();

        // acme allow-lists an IP the global feed flags
        feed(update(null, "192.0.2.10", Verdict.MALICIOUS, 1, T0, null));
        feed(update("acme", "192.0.2.10", Verdict.BENIGN, 1, T0, null));
        assertThat(enrich(connection("acme", "e3", "192.0.2.10", T0))).extracting(ReputationMatch::getVerdict)
                .containsExactly(Verdict.BENIGN);
        assertThat(enrich(connection("globex", "e4", "192.0.2.10", T0))).extracting(ReputationMatch::getVerdict)
                .containsExactly(Verdict.MALICIOUS);
    }

    @Test
    void expiredVerdictsAreIgnoredAndCleanedOnceTheFeedClockPassesThem() throws Exception {
        Instant expiry = T0.plus(Duration.ofHours(1));
        feed(update(null, BAD_IP, Verdict.MALICIOUS, 1, T0, expiry));
        feed(update(null, "198.51.100.200", Verdict.MALICIOUS, 1, T0, null));
        assertThat(enrich(connection("acme", "e1", BAD_IP, T0.plus(Duration.ofMinutes(59))))).hasSize(1);
        assertThat(enrich(connection("acme", "e2", BAD_IP, expiry))).as("ignored at and after expiry").isEmpty();
        assertThat(stateSize()).as("not yet cleaned: the feed clock is still at T0").isEqualTo(2);

        // the feed moves past the expiry: the next update sweeps the expired entry
        feed(update(null, "198.51.100.201", Verdict.SUSPICIOUS, 1, expiry.plus(Duration.ofMinutes(5)), null));
        assertThat(stateSize()).isEqualTo(2);
        assertThat(harness.getBroadcastState(ReputationEnricher.REPUTATION_STATE)
                .contains(ReputationEnricher.key("*", IndicatorType.IP.name(), BAD_IP))).isFalse();
    }

    @Test
    void stateSurvivesASnapshotAndRestore() throws Exception {
        feed(update(null, BAD_IP, Verdict.MALICIOUS, 1, T0, null));
        var snapshot = harness.snapshot(1L, 1L);
        harness.close();
        harness = ProcessFunctionTestHarnesses.forBroadcastProcessFunction(new ReputationEnricher(),
                ReputationEnricher.REPUTATION_STATE);
        // forBroadcastProcessFunction opens the harness; restore needs a fresh, unopened one
        harness.close();
        harness = new BroadcastOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator<>(new ReputationEnricher(),
                        List.of(ReputationEnricher.REPUTATION_STATE)), 1, 1, 0);
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        assertThat(enrich(connection("acme", "e1", BAD_IP, T0))).hasSize(1);
    }

    private void feed(ReputationUpdate u) throws Exception {
        harness.processBroadcastElement(u, u.getUpdatedAt().toEpochMilli());
    }

    private List<ReputationMatch> enrich(TelemetryEvent event) throws Exception {
        int before = harness.extractOutputValues().size();
        harness.processElement(event, event.getEventTime().toEpochMilli());
        List<EnrichedEvent> out = harness.extractOutputValues();
        assertThat(out).hasSize(before + 1);
        EnrichedEvent last = out.get(out.size() - 1);
        assertThat(last.getEvent().getEventId()).isEqualTo(event.getEventId());
        return last.getReputation();
    }

    private int stateSize() throws Exception {
        BroadcastState<String, ReputationUpdate> state = harness.getBroadcastState(ReputationEnricher.REPUTATION_STATE);
        int n = 0;
        for (var ignored : state.entries()) {
            n++;
        }
        return n;
    }

    private static ReputationUpdate update(String scope, String ip, Verdict verdict, long version, Instant updatedAt, Instant expiresAt) {
        return ReputationUpdate.newBuilder().setIndicatorType(IndicatorType.IP).setValue(ip).setVerdict(verdict)
                .setScore(ReputationFixtures.scoreOf(verdict)).setSource("test-feed").setScope(scope).setVersion(version)
                .setUpdatedAt(updatedAt).setExpiresAt(expiresAt).build();
    }

    private static TelemetryEvent connection(String tenant, String id, String dstIp, Instant time) {
        return TelemetryFixtures.networkConnection(tenant, "ws-01", id, time, dstIp, 443, "C:\\Windows\\System32\\svchost.exe");
    }
}
