package dev.vigil.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.jobs.detection.detect.Alerts;
import dev.vigil.schema.Alert;
import dev.vigil.schema.AuthOutcome;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.Verdict;
import dev.vigil.testing.kafka.TopicReader;
import dev.vigil.testing.telemetry.ReputationFixtures;
import dev.vigil.testing.telemetry.TelemetryFixtures;
import dev.vigil.testing.telemetry.VigilTopics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import dev.vigil.testing.flink.MiniClusters;
import dev.vigil.testing.kafka.KafkaExtension;
import dev.vigil.testing.s3.S3Extension;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection while input flows at a steady rate: a subclass injects its fault mid-stream, then
 * every event must come out exactly once (Kafka, read_committed, and committed Parquet), and the
 * stateful detection must raise exactly the alerts of a fault-free run, with the same ids: its counts
 * were restored, not rebuilt.
 */
abstract class FaultInjectionContract {

    static final List<String> TENANTS = List.of("acme", "globex", "initech");
    static final String PROBE_IP = "192.0.2.200";
    static final String BAD_HASH = TelemetryFixtures.sha256Hex("spot-test payload");
    static final Instant T0 = TelemetryFixtures.DEFAULT_TIME;
    static final int ROUNDS = 240;
    static final int FAILURES_PER_USER = 6;
    static final String BURST = "vigil-builtin-failed-logon-burst";

    // Fault tests always run on the in-JVM servers: only those can be stopped and restarted at will.
    @RegisterExtension
    static final KafkaExtension KAFKA = KafkaExtension.embedded();

    @RegisterExtension
    static final S3Extension S3 = S3Extension.embedded();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.extension();

    static dev.vigil.testing.kafka.KafkaEndpoint kafka() {
        return KAFKA.kafka();
    }

    static dev.vigil.testing.s3.S3Endpoint s3() {
        return S3.s3();
    }

    /** Injects this test's faults while input is being produced (about 24 s); returns how many it injected. */
    abstract int injectFaults(MiniCluster cluster) throws Exception;

    @TempDir
    Path tmp;

    @Test
    void everyEventExactlyOnceAndTheSameAlertsDespiteTheFault(@InjectMiniCluster MiniCluster cluster) throws Exception {
        String bootstrap = kafka().bootstrapServers();
        for (String tenant : TENANTS) {
            kafka().createTopics(2, VigilTopics.telemetryTopic(tenant));
        }
        kafka().createTopics(1, VigilTopics.REPUTATION);
        kafka().createTopics(2, VigilTopics.ALERTS, VigilTopics.ENRICHED, VigilTopics.DEAD_LETTERS);
        String run = UUID.randomUUID().toString();
        String archivePrefix = "archive/" + run;
        Configuration conf = JobTestKit.jobConfiguration(kafka(), s3(), run, archivePrefix);
        // Faults come every few seconds here, so let the restart backoff reset quickly.
        conf.setString("restart-strategy.exponential-delay.reset-backoff-threshold", "3s");

        try (KafkaProducer<byte[], byte[]> producer = JobTestKit.producer(bootstrap)) {
            for (ReputationUpdate u : List.of(ReputationFixtures.global(IndicatorType.IP, PROBE_IP, Verdict.SUSPICIOUS),
                    ReputationFixtures.malicious(IndicatorType.SHA256, BAD_HASH))) {
                producer.send(new ProducerRecord<>(VigilTopics.REPUTATION, VigilTopics.reputationKey(u), VigilTopics.encode(u)));
            }
            producer.flush();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            DetectionJob.defineProductionWorkflow(env, conf);
            JobClient job = env.executeAsync(DetectionJob.JOB_NAME);
            try {
                List<String> expectedIds = Collections.synchronizedList(new ArrayList<>(
                        JobTestKit.awaitFeedLoaded(bootstrap, producer, TENANTS, PROBE_IP, T0)));
                List<String> expectedAlerts = Collections.synchronizedList(new ArrayList<>());

                CompletableFuture<Void> input = CompletableFuture.runAsync(() -> produceSteadily(producer, expectedIds, expectedAlerts));
                int faults = injectFaults(cluster);
                boolean injectedWhileInputFlowed = !input.isDone();
                input.get(5, TimeUnit.MINUTES);
                assertThat(faults).isPositive();
                assertThat(injectedWhileInputFlowed).as("the faults were injected while input was still flowing").isTrue();

                List<EnrichedEvent> enriched = JobTestKit.decodeAll(
                        TopicReader.awaitCommitted(bootstrap, VigilTopics.ENRICHED, expectedIds.size(), JobTestKit.TIMEOUT), EnrichedEvent.class);
                List<Alert> alerts = JobTestKit.decodeAll(
                        TopicReader.awaitCommitted(bootstrap, VigilTopics.ALERTS, expectedAlerts.size(), JobTestKit.TIMEOUT), Alert.class);
                Map<String, List<String>> parquet = JobTestKit.awaitParquet(s3().client(), tmp, archivePrefix, expectedIds.size());
                Thread.sleep(4_000); // a few more checkpoints: duplicates would surface now
                enriched = JobTestKit.decodeAll(TopicReader.readCommitted(bootstrap, VigilTopics.ENRICHED), EnrichedEvent.class);
                alerts = JobTestKit.decodeAll(TopicReader.readCommitted(bootstrap, VigilTopics.ALERTS), Alert.class);
                parquet = JobTestKit.readParquet(s3().client(), tmp, archivePrefix);

                assertThat(enriched).extracting(e -> e.getEvent().getEventId()).as("enriched, read_committed")
                        .containsExactlyInAnyOrderElementsOf(expectedIds);
                assertThat(parquet.values().stream().flatMap(List::stream).toList()).as("committed Parquet")
                        .containsExactlyInAnyOrderElementsOf(expectedIds);
                assertThat(alerts).extracting(Alert::getAlertId).as("alerts, by deterministic id")
                        .containsExactlyInAnyOrderElementsOf(expectedAlerts);
                assertThat(TopicReader.readCommitted(bootstrap, VigilTopics.DEAD_LETTERS)).isEmpty();
            } finally {
                job.cancel().get();
            }
        }
    }

    /**
     * About 300 events/s for about 24 s. Each round, every tenant sends benign noise and one failed
     * logon of the round's account; an account collects {@value #FAILURES_PER_USER} failures over
     * consecutive rounds, so its burst alert (the 5th failure) needs keyed state that spans kills.
     * Every 40th round a malicious image starts (a stateless alert).
     */
    private static void produceSteadily(KafkaProducer<byte[], byte[]> producer, List<String> expectedIds, List<String> expectedAlerts) {
        try {
            for (int round = 0; round < ROUNDS; round++) {
                Instant t = T0.plusMillis(round * 100L);
                for (String tenant : TENANTS) {
                    List<TelemetryEvent> events = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        events.add(TelemetryFixtures.dnsQuery(tenant, "ws-0" + (i % 4 + 1), tenant + "-n-" + round + "-" + i, t,
                                "cdn" + i + ".example.org", List.of("93.184.216." + i)));
                    }
                    String account = "user" + round / FAILURES_PER_USER;
                    TelemetryEvent failure = TelemetryFixtures.authentication(tenant, "dc-01", tenant + "-f-" + round, t, account,
                            AuthOutcome.FAILURE, "198.51.100.9", "3");
                    events.add(failure);
                    if (round % FAILURES_PER_USER == 4) {
                        String first = tenant + "-f-" + (round - 4);
                        expectedAlerts.add(Alerts.alertId(tenant, BURST, accountOf(failure), first));
                    }
                    if (round % 40 == 7) {
                        TelemetryEvent launch = TelemetryFixtures.processLaunch(tenant, "ws-09", tenant + "-m-" + round, t,
                                "C:\\Users\\eve\\Downloads\\tool.exe", "tool.exe", BAD_HASH, "CORP\\eve", "C:\\Windows\\explorer.exe");
                        events.add(launch);
                        expectedAlerts.add(Alerts.alertId(tenant, "vigil-builtin-malicious-process-image", "ws-09", launch.getEventId()));
                    }
                    for (TelemetryEvent e : events) {
                        producer.send(new ProducerRecord<>(VigilTopics.telemetryTopic(tenant), VigilTopics.telemetryKey(e), VigilTopics.encode(e)));
                        expectedIds.add(e.getEventId());
                    }
                }
                Thread.sleep(100);
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String accountOf(TelemetryEvent auth) {
        dev.vigil.schema.AuthenticationActivity a = (dev.vigil.schema.AuthenticationActivity) auth.getActivity();
        return ((a.getDomain() == null ? "" : a.getDomain() + "\\") + a.getUser()).toLowerCase(java.util.Locale.ROOT);
    }

}
