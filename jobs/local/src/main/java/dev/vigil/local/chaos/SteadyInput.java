package dev.vigil.local.chaos;

import dev.vigil.detections.api.Detection;
import dev.vigil.detections.api.Finding;
import dev.vigil.detections.builtin.FailedLogonBurst;
import dev.vigil.detections.builtin.MaliciousProcessImage;
import dev.vigil.jobs.detection.detect.Alerts;
import dev.vigil.schema.AuthOutcome;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.Verdict;
import dev.vigil.testing.telemetry.ReputationFixtures;
import dev.vigil.testing.telemetry.TelemetryFixtures;
import dev.vigil.testing.telemetry.VigilTopics;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Telemetry at a steady rate while faults are injected, with the outputs a fault-free run would give.
 *
 * <p>Every {@value #ROUND_MILLIS} ms (a round, also {@value #ROUND_MILLIS} ms of event time) each tenant sends
 * benign DNS noise and one failed logon of the round's account. An account collects
 * {@value #FAILURES_PER_ACCOUNT} failures over consecutive rounds, so its burst alert (raised by the 5th
 * failure, with an id derived from the first) spans many checkpoints and needs keyed state that survives
 * every fault: a count rebuilt from scratch would raise it late, under another id, or never. Every 40th
 * round a process starts from an image the feed calls malicious (a stateless alert).
 *
 * <p>An event is expected only once the broker acknowledged it; a send that fails makes the run invalid.
 */
public final class SteadyInput implements Runnable {

    public static final long ROUND_MILLIS = 100;
    static final int FAILURES_PER_ACCOUNT = 6;
    static final Instant T0 = TelemetryFixtures.DEFAULT_TIME;
    /** An address the feed lists; probes of the feed barrier connect to it. */
    public static final String PROBE_IP = "192.0.2.200";
    static final String BAD_HASH = TelemetryFixtures.sha256Hex("vigil chaos payload");
    static final String MALICIOUS_IMAGE = new MaliciousProcessImage().metadata().id();

    private static final Detection BURST = new FailedLogonBurst();
    private static final int BURST_THRESHOLD = BURST.aggregation().count();

    private final KafkaProducer<byte[], byte[]> producer;
    private final List<String> tenants;
    private final int noisePerTenant;
    private final Set<String> expectedEvents = ConcurrentHashMap.newKeySet();
    private final Set<String> expectedAlerts = ConcurrentHashMap.newKeySet();
    private final AtomicLong sendFailures = new AtomicLong();
    private final AtomicReference<Exception> firstSendFailure = new AtomicReference<>();
    private volatile boolean stopRequested;

    /** {@code eventsPerSecond} is split over the tenants; each tenant's share covers its logon and its noise. */
    public SteadyInput(KafkaProducer<byte[], byte[]> producer, List<String> tenants, int eventsPerSecond) {
        this.producer = producer;
        this.tenants = List.copyOf(tenants);
        int perTenantPerRound = (int) (eventsPerSecond * ROUND_MILLIS / 1000 / tenants.size());
        this.noisePerTenant = Math.max(0, perTenantPerRound - 1);
    }

    /** The reputation entries the input relies on: the probe address and the malicious image's hash. */
    public static List<ReputationUpdate> feed() {
        return List.of(ReputationFixtures.global(IndicatorType.IP, PROBE_IP, Verdict.SUSPICIOUS),
                ReputationFixtures.malicious(IndicatorType.SHA256, BAD_HASH));
    }

    /** Event time of the feed barrier's probes. */
    public static Instant probeTime() {
        return T0;
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        try {
            for (long round = 0; !stopRequested; round++) {
                produceRound(round);
                long due = start + (round + 1) * ROUND_MILLIS * 1_000_000;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the input after the current round; {@link #run()} then flushes and returns. */
    public void stop() {
        stopRequested = true;
    }

    private void produceRound(long round) {
        Instant t = T0.plusMillis(round * ROUND_MILLIS);
        for (String tenant : tenants) {
            for (int i = 0; i < noisePerTenant; i++) {
                send(TelemetryFixtures.dnsQuery(tenant, "ws-0" + (i % 4 + 1), tenant + "-n-" + round + "-" + i, t,
                        "cdn" + i + ".example.org", List.of("93.184.216." + (i % 250))), null);
            }
            String account = "user" + round / FAILURES_PER_ACCOUNT;
            TelemetryEvent failure = TelemetryFixtures.authentication(tenant, "dc-01", tenant + "-f-" + round, t, account,
                    AuthOutcome.FAILURE, "198.51.100.9", "3");
            String burstAlert = null;
            if (round % FAILURES_PER_ACCOUNT == BURST_THRESHOLD - 1) {
                Finding finding = BURST.evaluate(EnrichedEvent.newBuilder().setEvent(failure).setReputation(List.of()).build());
                String first = tenant + "-f-" + (round - (BURST_THRESHOLD - 1));
                burstAlert = Alerts.alertId(tenant, BURST.metadata().id(), finding.groupKey(), first);
            }
            send(failure, burstAlert);
            if (round % 40 == 7) {
                TelemetryEvent launch = TelemetryFixtures.processLaunch(tenant, "ws-09", tenant + "-m-" + round, t,
                        "C:\\Users\\eve\\Downloads\\tool.exe", "tool.exe", BAD_HASH, "CORP\\eve", "C:\\Windows\\explorer.exe");
                send(launch, Alerts.alertId(tenant, MALICIOUS_IMAGE, "ws-09", launch.getEventId()));
            }
        }
    }

    private void send(TelemetryEvent e, String alertId) {
        producer.send(new ProducerRecord<>(VigilTopics.telemetryTopic(e.getTenantId()), VigilTopics.telemetryKey(e),
                VigilTopics.encode(e)), (metadata, error) -> {
            if (error != null) {
                sendFailures.incrementAndGet();
                firstSendFailure.compareAndSet(null, error);
                return;
            }
            expectedEvents.add(e.getEventId());
            if (alertId != null) {
                expectedAlerts.add(alertId);
            }
        });
    }

    /** Ids of every acknowledged event (call after {@link #run()} returned). */
    public Set<String> expectedEvents() {
        return Set.copyOf(expectedEvents);
    }

    /** Ids of the alerts a fault-free run raises for the acknowledged events. */
    public Set<String> expectedAlerts() {
        return Set.copyOf(expectedAlerts);
    }

    public long sendFailures() {
        return sendFailures.get();
    }

    public Exception firstSendFailure() {
        return firstSendFailure.get();
    }

    /** Events acknowledged so far. */
    public int acknowledged() {
        return expectedEvents.size();
    }
}
