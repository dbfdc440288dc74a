package dev.vigil.jobs.detection.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detections.engine.DetectionCatalog;
import dev.vigil.schema.Alert;
import dev.vigil.schema.Entity;
import dev.vigil.schema.internal.DetectionSignal;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import dev.vigil.schema.internal.CountedFinding;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the built-in aggregations on the keyed operator: the failed-logon threshold (5 findings per
 * account within 5 minutes) and the port-scan distinct count (25 distinct ports per host and target
 * within 60 seconds).
 */
class FindingCounterTest {

    private static final String DETECTION = "vigil-builtin-failed-logon-burst";
    private static final String PORT_SCAN = "vigil-builtin-port-scan";
    private static final long T0 = 1_748_854_800_000L;
    private static final long MINUTE = 60_000L;

    private KeyedOneInputStreamOperatorTestHarness<String, DetectionSignal, Alert> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    /**
     * On RocksDB, as in production: state comes back deserialized (Avro lists that reject iterator
     * removal, for one), which the heap backend's object references would hide.
     */
    private static KeyedOneInputStreamOperatorTestHarness<String, DetectionSignal, Alert> newHarness() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, DetectionSignal, Alert> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new FindingCounter(DetectionCatalog.Settings.builtinOnly())), FindingCounter::key,
                Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.setup();
        return h;
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void alertsOnTheFifthFindingWithinTheWindowAndClearsItsState() throws Exception {
        for (int i = 0; i < 4; i++) {
            signal("acme", "corp\\alice", "f" + i, T0 + i * MINUTE / 2);
        }
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(stateEntries()).isEqualTo(1L);

        signal("acme", "corp\\alice", "f4", T0 + 2 * MINUTE);
        List<Alert> alerts = harness.extractOutputValues();
        assertThat(alerts).hasSize(1);
        Alert alert = alerts.get(0);
        assertThat(alert.getTenantId()).isEqualTo("acme");
        assertThat(alert.getDetection().getId()).isEqualTo(DETECTION);
        assertThat(alert.getDetection().getAuthor()).isEqualTo("Vigil");
        assertThat(alert.getEventIds()).containsExactlyInAnyOrder("f0", "f1", "f2", "f3", "f4");
        assertThat(alert.getFirstSeen().toEpochMilli()).isEqualTo(T0);
        assertThat(alert.getLastSeen().toEpochMilli()).isEqualTo(T0 + 2 * MINUTE);
        assertThat(alert.getAlertId()).isEqualTo(Alerts.alertId("acme", DETECTION, "corp\\alice", "f0"));
        assertThat(stateEntries()).as("state cleared after the alert").isZero();

        harness.processWatermark(T0 + 10 * MINUTE);
        assertThat(harness.numEventTimeTimers()).as("every timer fired").isZero();
        assertThat(stateEntries()).isZero();
    }

    @Test
    void findingsSpreadWiderThanTheWindowNeverAlertAndLeaveNoStateBehind() throws Exception {
        for (int i = 0; i < 8; i++) {
            signal("acme", "bob", "g" + i, T0 + i * 2 * MINUTE); // at most 3 inside any 5 minutes
        }
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(stateEntries()).isEqualTo(1L);
        assertThat(harness.numEventTimeTimers()).isGreaterThan(0);

        harness.processWatermark(T0 + 14 * MINUTE + Duration.ofMinutes(5).toMillis());
        assertThat(stateEntries()).as("window state removed by the timers").isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void countsEachTenantAndAccountSeparatelyAndIgnoresDuplicateEvents() throws Exception {
        for (int i = 0; i < 4; i++) {
            signal("acme", "alice", "a" + i, T0 + i * 1000);
            signal("globex", "alice", "b" + i, T0 + i * 1000);
            signal("acme", "carol", "c" + i, T0 + i * 1000);
        }
        signal("acme", "alice", "a3", T0 + 5000); // the same event again: not a fifth failure
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(stateEntries()).isEqualTo(3L);

        signal("globex", "alice", "b4", T0 + 6000);
        assertThat(harness.extractOutputValues()).extracting(Alert::getTenantId).containsExactly("globex");
    }

    @Test
    void restoredStateContinuesTheCount() throws Exception {
        for (int i = 0; i < 3; i++) {
            signal("acme", "dave", "d" + i, T0 + i * 1000);
        }
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0 + 10_000);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        assertThat(stateEntries()).isEqualTo(1L);
        signal("acme", "dave", "d3", T0 + 3000);
        signal("acme", "dave", "d4", T0 + 4000);
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.extractOutputValues().get(0).getEventIds()).hasSize(5);
    }

    /** Keys holding a finding window (RocksDB: counted by iterating its keys, as numKeyedStateEntries is heap-only). */
    private long stateEntries() throws Exception {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        try (Stream<String> keys = backend.getKeys(FindingCounter.WINDOW_STATE.getName(), VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    private void signal(String tenant, String account, String eventId, long time) throws Exception {
        harness.processElement(new DetectionSignal(tenant, DETECTION, account, new Entity("user", account), "dc-01", eventId,
                time, null, List.of()), time);
    }

    private void connection(String host, String target, int port, String eventId, long time) throws Exception {
        harness.processElement(new DetectionSignal("acme", PORT_SCAN, host + "->" + target, new Entity("host", host), host,
                eventId, time, String.valueOf(port), List.of()), time);
    }

    @Test
    void distinctCountAlertsOnTheTwentyFifthDistinctPortNotOnRepeatedOnes() throws Exception {
        for (int i = 0; i < 60; i++) {
            connection("ws-01", "10.0.0.5", 443, "same-" + i, T0 + i * 100); // many findings, one port
        }
        for (int port = 1; port <= 23; port++) {
            connection("ws-01", "10.0.0.5", port, "p" + port, T0 + 6_000 + port * 100);
        }
        assertThat(harness.extractOutputValues()).as("24 distinct ports so far").isEmpty();
        connection("ws-02", "10.0.0.5", 24, "other-host", T0 + 9_000); // another group: does not count
        assertThat(harness.extractOutputValues()).isEmpty();

        connection("ws-01", "10.0.0.5", 24, "p24", T0 + 9_500);
        List<Alert> alerts = harness.extractOutputValues();
        assertThat(alerts).hasSize(1);
        Alert alert = alerts.get(0);
        assertThat(alert.getDetection().getId()).isEqualTo(PORT_SCAN);
        assertThat(alert.getDetection().getTags()).contains("attack.t1046");
        assertThat(alert.getDetection().getKind()).isEqualTo("java");
        assertThat(alert.getSummary()).startsWith("25 distinct DestinationPort values");
        assertThat(alert.getAlertId()).isEqualTo(Alerts.alertId("acme", PORT_SCAN, "ws-01->10.0.0.5", "same-0"));
        assertThat(stateEntries()).as("ws-02's window remains, ws-01's was cleared").isEqualTo(1L);

        harness.processWatermark(T0 + 10 * MINUTE);
        assertThat(stateEntries()).as("the quiet key's state removed by its timers").isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void distinctValuesOutsideTheWindowDoNotCount() throws Exception {
        for (int port = 1; port <= 40; port++) {
            connection("ws-03", "10.0.0.6", port, "q" + port, T0 + port * 5_000L); // 12 ports per minute
        }
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void aRepeatedValueKeepsOnlyItsEarliestAndLatestFindings() throws Exception {
        for (int i = 0; i < 500; i++) {
            connection("ws-04", "10.0.0.7", 5432, "poll-" + i, T0 + 100 + i * 100L); // a host polling its database
        }
        connection("ws-04", "10.0.0.7", 5432, "late-arrival", T0); // older than every other: the new earliest
        connection("ws-04", "10.0.0.7", 5432, "poll-250-resent", T0 + 25_000); // between: changes nothing
        connection("ws-04", "10.0.0.7", 443, "tls", T0 + 50_200);

        assertThat(window("acme|" + PORT_SCAN + "|ws-04->10.0.0.7"))
                .extracting(CountedFinding::getEventId)
                .containsExactlyInAnyOrder("late-arrival", "poll-499", "tls");
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    private List<CountedFinding> window(String key) throws Exception {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        return backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                FindingCounter.WINDOW_STATE).value().getFindings();
    }
}
