package dev.vigil.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.Alert;
import dev.vigil.schema.AuthOutcome;
import dev.vigil.schema.DeadLetter;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.Verdict;
import dev.vigil.schema.wire.WireCodec;
import dev.vigil.testing.flink.FlinkS3;
import dev.vigil.testing.flink.ShippedFlinkConf;
import dev.vigil.testing.kafka.KafkaEndpoint;
import dev.vigil.testing.kafka.TopicReader;
import dev.vigil.testing.s3.ArchivedParquet;
import dev.vigil.testing.s3.S3Endpoint;
import dev.vigil.testing.telemetry.MalformedRecords;
import dev.vigil.testing.telemetry.MalformedRecords.MalformedRecord;
import dev.vigil.testing.telemetry.ReputationFixtures;
import dev.vigil.testing.telemetry.TelemetryFixtures;
import dev.vigil.testing.telemetry.VigilTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;

/**
 * The detection job end to end through a real broker and a real S3 endpoint: the production graph
 * with the production connectors. Subclasses choose the servers (in-JVM or containers).
 */
abstract class DetectionJobContract {

    static final List<String> TENANTS = List.of("acme", "globex", "initech");
    static final String BAD_HASH = TelemetryFixtures.sha256Hex("invoice-2025.exe payload");
    static final String C2_IP = "203.0.113.66";
    static final String ACME_ONLY_IP = "198.51.100.23";
    static final String PROBE_IP = "192.0.2.200";
    static final Instant T0 = TelemetryFixtures.DEFAULT_TIME;
    static final Duration TIMEOUT = JobTestKit.TIMEOUT;

    abstract KafkaEndpoint kafka();

    abstract S3Endpoint s3();

    @Test
    void processesEveryEventExactlyOnceDeadLettersBadInputAndRaisesExactlyTheExpectedAlerts() throws Exception {
        String bootstrap = kafka().bootstrapServers();
        for (String tenant : TENANTS) {
            kafka().createTopics(2, VigilTopics.telemetryTopic(tenant));
        }
        kafka().createTopics(1, VigilTopics.REPUTATION);
        kafka().createTopics(2, VigilTopics.ALERTS, VigilTopics.ENRICHED, VigilTopics.DEAD_LETTERS);

        String run = UUID.randomUUID().toString();
        String archivePrefix = "archive/" + run;
        Configuration conf = JobTestKit.jobConfiguration(kafka(), s3(), run, archivePrefix);

        try (KafkaProducer<byte[], byte[]> producer = JobTestKit.producer(bootstrap)) {
            for (ReputationUpdate u : feed()) {
                producer.send(new ProducerRecord<>(VigilTopics.REPUTATION, VigilTopics.reputationKey(u), VigilTopics.encode(u)));
            }
            producer.flush();

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            DetectionJob.defineProductionWorkflow(env, conf);
            JobClient job = env.executeAsync(DetectionJob.JOB_NAME);
            try {
                List<String> probeIds = JobTestKit.awaitFeedLoaded(bootstrap, producer, TENANTS, PROBE_IP, T0);

                Dataset data = dataset();
                for (TelemetryEvent e : data.valid) {
                    // Kafka timestamps are "now" (a sensor's producer sets them at send time), while event times
                    // are in 2025: old event time must not matter to retention anywhere in the pipeline.
                    producer.send(new ProducerRecord<>(VigilTopics.telemetryTopic(e.getTenantId()), VigilTopics.telemetryKey(e),
                            VigilTopics.encode(e)));
                }
                for (MalformedRecord m : data.malformed) {
                    // synchronous: a record the broker refuses must fail the test here, not go missing
                    producer.send(new ProducerRecord<>(m.topic(), m.key(), m.value())).get();
                }
                producer.flush();

                List<String> expectedEventIds = new ArrayList<>(data.valid.stream().map(TelemetryEvent::getEventId).toList());
                expectedEventIds.addAll(probeIds);

                List<EnrichedEvent> enriched = JobTestKit.decodeAll(TopicReader.awaitCommitted(bootstrap, VigilTopics.ENRICHED,
                        expectedEventIds.size(), TIMEOUT), EnrichedEvent.class);
                List<DeadLetter> deadLetters = JobTestKit.decodeAll(TopicReader.awaitCommitted(bootstrap, VigilTopics.DEAD_LETTERS,
                        data.malformed.size(), TIMEOUT), DeadLetter.class);
                List<Alert> alerts = JobTestKit.decodeAll(TopicReader.awaitCommitted(bootstrap, VigilTopics.ALERTS,
                        data.expectedAlerts.size(), TIMEOUT), Alert.class);
                Map<String, List<String>> parquet = JobTestKit.awaitParquet(s3().client(), archivePrefix, expectedEventIds.size());

                // Let a few more checkpoints complete: anything duplicated or late would show up now.
                Thread.sleep(4_000);
                enriched = JobTestKit.decodeAll(TopicReader.readCommitted(bootstrap, VigilTopics.ENRICHED), EnrichedEvent.class);
                deadLetters = JobTestKit.decodeAll(TopicReader.readCommitted(bootstrap, VigilTopics.DEAD_LETTERS), DeadLetter.class);
                alerts = JobTestKit.decodeAll(TopicReader.readCommitted(bootstrap, VigilTopics.ALERTS), Alert.class);
                parquet = ArchivedParquet.eventIdsByFile(s3().client(), archivePrefix);

                assertEnrichedExactlyOnce(enriched, expectedEventIds);
                assertTenantIsolationInEnrichment(enriched);
                assertDeadLetters(deadLetters, data.malformed);
                assertAlerts(alerts, data.expectedAlerts);
                assertParquetExactlyOnceInTenantPartitions(parquet, enriched, expectedEventIds);
            } finally {
                job.cancel().get();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Input

    /** Valid events, malformed records, and the alerts they must raise: (tenant, detection id, entity value). */
    record Dataset(List<TelemetryEvent> valid, List<MalformedRecord> malformed, List<String> expectedAlerts) {}

    static List<ReputationUpdate> feed() {
        return List.of(
                ReputationFixtures.malicious(IndicatorType.SHA256, BAD_HASH),
                ReputationFixtures.malicious(IndicatorType.IP, C2_IP),
                ReputationFixtures.tenantScoped("acme", IndicatorType.IP, ACME_ONLY_IP, Verdict.MALICIOUS),
                ReputationFixtures.global(IndicatorType.IP, PROBE_IP, Verdict.SUSPICIOUS),
                ReputationFixtures.benign(IndicatorType.IP, "8.8.8.8"));
    }

    static Dataset dataset() {
        List<TelemetryEvent> valid = new ArrayList<>();
        List<String> alerts = new ArrayList<>();
        int n = 0;
        // benign noise for every tenant: processes, DNS, connections (one to a BENIGN verdict), files, logons
        for (int i = 0; i < 40; i++) {
            for (String tenant : TENANTS) {
                Instant t = T0.plusSeconds(i * 3L);
                String host = "ws-0" + (i % 3 + 1);
                valid.add(switch (i % 5) {
                    case 0 -> TelemetryFixtures.processLaunch(tenant, host, id(tenant, n++), t, "C:\\Windows\\System32\\notepad.exe",
                            "notepad.exe report.txt", TelemetryFixtures.sha256Hex("notepad"), "CORP\\user" + i % 4,
                            "C:\\Windows\\explorer.exe");
                    case 1 -> TelemetryFixtures.dnsQuery(tenant, host, id(tenant, n++), t, "intranet." + tenant + ".local",
                            List.of("10.0.0." + i));
                    case 2 -> TelemetryFixtures.networkConnection(tenant, host, id(tenant, n++), t, "8.8.8.8", 53,
                            "C:\\Windows\\System32\\svchost.exe");
                    case 3 -> TelemetryFixtures.fileWrite(tenant, host, id(tenant, n++), t, "C:\\Users\\user\\Documents\\f" + i + ".docx",
                            TelemetryFixtures.sha256Hex("doc" + i), "C:\\Program Files\\Microsoft Office\\WINWORD.EXE", null);
                    default -> TelemetryFixtures.authentication(tenant, "dc-01", id(tenant, n++), t, "user" + i % 4,
                            AuthOutcome.SUCCESS, "10.0.1." + i, "3");
                });
            }
        }
        // acme: a malicious download executes, then beacons to C2
        valid.add(TelemetryFixtures.processLaunch("acme", "ws-07", id("acme", n++), T0.plusSeconds(30),
                "C:\\Users\\bob\\Downloads\\invoice-2025.exe", "invoice-2025.exe", BAD_HASH, "CORP\\bob", "C:\\Windows\\explorer.exe"));
        alerts.add("acme|vigil-builtin-malicious-process-image|ws-07");
        valid.add(TelemetryFixtures.networkConnection("acme", "ws-07", id("acme", n++), T0.plusSeconds(31), C2_IP, 443,
                "C:\\Users\\bob\\Downloads\\invoice-2025.exe"));
        alerts.add("acme|vigil-builtin-malicious-ip-connection|ws-07");
        // acme's own indicator: alerts for acme, invisible to initech
        valid.add(TelemetryFixtures.networkConnection("acme", "ws-02", id("acme", n++), T0.plusSeconds(40), ACME_ONLY_IP, 8443,
                "C:\\Program Files\\Contoso\\SyncAgent\\syncagent.exe"));
        alerts.add("acme|vigil-builtin-malicious-ip-connection|ws-02");
        valid.add(TelemetryFixtures.networkConnection("initech", "ws-02", "initech-scoped-probe", T0.plusSeconds(40), ACME_ONLY_IP,
                8443, "C:\\Program Files\\Contoso\\SyncAgent\\syncagent.exe"));
        // globex: 6 failed logons for bob within 2 minutes: one threshold alert (the 6th starts a new count)
        for (int i = 0; i < 6; i++) {
            valid.add(TelemetryFixtures.authentication("globex", "dc-01", id("globex", n++), T0.plusSeconds(60 + i * 20L), "bob",
                    AuthOutcome.FAILURE, "198.51.100.99", "3"));
        }
        alerts.add("globex|vigil-builtin-failed-logon-burst|" + accountOf(valid.get(valid.size() - 1)));
        // initech: only 4 failures; acme: 5 failures spread over 25 minutes: no alert
        for (int i = 0; i < 4; i++) {
            valid.add(TelemetryFixtures.authentication("initech", "dc-01", id("initech", n++), T0.plusSeconds(60 + i * 10L), "carol",
                    AuthOutcome.FAILURE, "198.51.100.98", "3"));
        }
        for (int i = 0; i < 5; i++) {
            valid.add(TelemetryFixtures.authentication("acme", "dc-01", id("acme", n++), T0.plusSeconds(i * 360L), "dave",
                    AuthOutcome.FAILURE, "198.51.100.97", "3"));
        }
        TelemetryEvent template = TelemetryFixtures.dnsQuery("acme", "ws-01", "template", T0, "example.org", List.of());
        List<MalformedRecord> malformed = MalformedRecords.oneOfEach(template, "globex", 11L);
        return new Dataset(valid, malformed, alerts);
    }

    private static String accountOf(TelemetryEvent auth) {
        dev.vigil.schema.AuthenticationActivity a = (dev.vigil.schema.AuthenticationActivity) auth.getActivity();
        String account = (a.getDomain() == null ? "" : a.getDomain() + "\\") + a.getUser();
        return account.toLowerCase(java.util.Locale.ROOT);
    }

    private static String id(String tenant, int n) {
        return tenant + "-evt-" + n;
    }

    // ---------------------------------------------------------------------------------------------
    // Assertions

    private static void assertEnrichedExactlyOnce(List<EnrichedEvent> enriched, List<String> expected) {
        assertThat(enriched).extracting(e -> e.getEvent().getEventId()).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static void assertTenantIsolationInEnrichment(List<EnrichedEvent> enriched) {
        Map<String, EnrichedEvent> byId = enriched.stream().collect(Collectors.toMap(e -> e.getEvent().getEventId(), Function.identity()));
        assertThat(byId.get("initech-scoped-probe").getReputation()).as("acme's indicator is invisible to initech").isEmpty();
        for (EnrichedEvent e : enriched) {
            e.getReputation().forEach(m -> assertThat(m.getScope()).as("verdict scope on %s", e.getEvent().getEventId())
                    .isIn(null, e.getEvent().getTenantId()));
        }
        assertThat(enriched.stream().filter(e -> !e.getReputation().isEmpty()).count()).isGreaterThan(6);
    }

    private static void assertDeadLetters(List<DeadLetter> deadLetters, List<MalformedRecord> malformed) {
        assertThat(deadLetters).hasSize(malformed.size());
        Map<String, MalformedRecord> byBytes = new HashMap<>();
        malformed.forEach(m -> byBytes.put(hex(m.value()), m));
        for (DeadLetter d : deadLetters) {
            MalformedRecord source = byBytes.remove(hex(bytes(d.getOriginalValue())));
            assertThat(source).as("dead letter %s carries the original bytes of one malformed input", d.getReason()).isNotNull();
            assertThat(d.getReason()).as(source.description()).isEqualTo(source.reason());
            assertThat(d.getTopic()).isEqualTo(source.topic());
        }
        assertThat(byBytes).as("every malformed input dead-lettered").isEmpty();
    }

    private static void assertAlerts(List<Alert> alerts, List<String> expected) {
        assertThat(alerts).extracting(a -> a.getTenantId() + "|" + a.getDetection().getId() + "|" + a.getEntity().getValue())
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(alerts).extracting(Alert::getAlertId).doesNotHaveDuplicates();
        assertThat(alerts).allSatisfy(a -> {
            assertThat(a.getDetection().getAuthor()).isNotBlank();
            assertThat(a.getEventIds()).isNotEmpty();
        });
        Alert burst = alerts.stream().filter(a -> a.getDetection().getId().equals("vigil-builtin-failed-logon-burst")).findFirst().orElseThrow();
        assertThat(burst.getEventIds()).hasSize(5);
    }

    private static void assertParquetExactlyOnceInTenantPartitions(Map<String, List<String>> parquetIdsByKey,
            List<EnrichedEvent> enriched, List<String> expected) {
        Map<String, String> tenantOf = enriched.stream().collect(Collectors.toMap(e -> e.getEvent().getEventId(), e -> e.getEvent().getTenantId()));
        List<String> all = new ArrayList<>();
        parquetIdsByKey.forEach((key, ids) -> {
            for (String id : ids) {
                assertThat(key).as("file of event %s", id).contains("/tenant=" + tenantOf.get(id) + "/date=");
            }
            all.addAll(ids);
        });
        assertThat(all).containsExactlyInAnyOrderElementsOf(expected);
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        java.nio.ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static String hex(byte[] bytes) {
        return new String(java.util.Base64.getEncoder().encode(bytes), StandardCharsets.US_ASCII);
    }
}
