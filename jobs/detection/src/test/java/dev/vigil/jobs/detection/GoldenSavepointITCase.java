package dev.vigil.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.jobs.detection.detect.Alerts;
import dev.vigil.detections.builtin.FailedLogonBurst;
import dev.vigil.schema.Alert;
import dev.vigil.schema.AuthOutcome;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.Verdict;
import dev.vigil.testing.flink.MiniClusters;
import dev.vigil.testing.kafka.KafkaExtension;
import dev.vigil.testing.kafka.TopicReader;
import dev.vigil.testing.s3.S3Extension;
import dev.vigil.testing.telemetry.FeedBarrier;
import dev.vigil.testing.telemetry.ReputationFixtures;
import dev.vigil.testing.telemetry.TelemetryFixtures;
import dev.vigil.testing.telemetry.VigilTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Golden savepoints: savepoints of the detection job taken by an earlier version of the code, kept
 * under {@code src/test/resources/golden-savepoints/detection/<name>/}, restored with today's code.
 * Restoring must bring the state back, not merely start the job: the reputation verdicts still
 * enrich (the feed is not sent again), the counts of stateful detections continue (a threshold at
 * 4 of 5 and a distinct count at 20 of 25 alert on the next finding, with the pre-savepoint events
 * in the alert), and the sources resume at their offsets (records before them are not read again).
 * The restored job also runs a Sigma rule added after the savepoint was taken: adding a detection never
 * breaks a restore. Schema evolution of the state is {@code evolution.StateSchemaEvolutionITCase}.
 *
 * <p>Writing a new golden savepoint (when a release changes state), documented in the README:
 * {@code mvn -pl jobs/detection -am test '-Dtest=GoldenSavepointITCase#writeGoldenSavepoint' -Dsurefire.failIfNoSpecifiedTests=false
 * -Dvigil.golden.write=<name>}.
 */
class GoldenSavepointITCase {

    @RegisterExtension
    static final KafkaExtension KAFKA = KafkaExtension.fromSystemProperty();

    @RegisterExtension
    static final S3Extension S3 = S3Extension.fromSystemProperty();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.extension();

    static final String TENANT = "acme";
    static final Instant T0 = TelemetryFixtures.DEFAULT_TIME;
    static final String BAD_HASH = TelemetryFixtures.sha256Hex("golden-savepoint payload");
    static final String PROBE_IP = "192.0.2.201";
    static final String SCAN_TARGET = "10.0.0.9";
    static final String TELEMETRY = VigilTopics.telemetryTopic(TENANT);
    static final String FAILED_LOGONS = "vigil-builtin-failed-logon-burst";
    static final String PORT_SCAN = "vigil-builtin-port-scan";
    static final String MALICIOUS_IMAGE = "vigil-builtin-malicious-process-image";

    static final String ADDED_RULE_ID = "5b0f3c9e-7a51-4c1e-9d3a-0c6f2e8b1a77";
    static final String ADDED_RULE = """
            title: Executable launched from a Downloads folder
            id: 5b0f3c9e-7a51-4c1e-9d3a-0c6f2e8b1a77
            status: test
            author: Vigil tests
            level: medium
            logsource: {product: windows, category: process_creation}
            detection:
              selection:
                Image|contains: '\\Downloads\\'
                Image|endswith: '.exe'
              condition: selection
            """;

    static Path goldenRoot() {
        return Paths.get(System.getProperty("vigil.project.root", "../..")).resolve(
                "jobs/detection/src/test/resources/golden-savepoints/detection");
    }

    // ------------------------------------------------------------------------------------------ restore

    @Test
    void everyGoldenSavepointRestoresItsStateAndTheJobKeepsProducing() throws Exception {
        List<Path> savepoints = new ArrayList<>();
        if (Files.isDirectory(goldenRoot())) {
            try (Stream<Path> dirs = Files.list(goldenRoot())) {
                dirs.filter(d -> Files.exists(d.resolve("offsets.json"))).sorted().forEach(savepoints::add);
            }
        }
        assertThat(savepoints).as("golden savepoints under " + goldenRoot()).isNotEmpty();
        for (Path golden : savepoints) {
            restore(golden);
        }
    }

    private void restore(Path golden) throws Exception {
        String bootstrap = KAFKA.kafka().bootstrapServers();
        String run = UUID.randomUUID().toString();
        String telemetry = TELEMETRY;
        // the savepoint names its topics: each restore starts from empty ones
        deleteTopics(bootstrap);
        createTopics();
        Map<String, Integer> offsets = readOffsets(golden);
        try (KafkaProducer<byte[], byte[]> producer = JobTestKit.producer(bootstrap)) {
            // Fillers up to the savepoint's offsets: a restored source resumes after them. If it read them, the
            // fillers would show up enriched, and the benign filler verdicts carry none of the feed's.
            for (int i = 0; i < offsets.get(VigilTopics.REPUTATION); i++) {
                ReputationUpdate u = ReputationFixtures.benign(IndicatorType.IP, "198.18.0." + i);
                producer.send(new ProducerRecord<>(VigilTopics.REPUTATION, 0, VigilTopics.reputationKey(u), VigilTopics.encode(u)));
            }
            for (int i = 0; i < offsets.get(telemetry); i++) {
                TelemetryEvent e = TelemetryFixtures.dnsQuery(TENANT, "ws-01", "filler-" + i, T0, "filler.example", List.of());
                producer.send(new ProducerRecord<>(telemetry, 0, VigilTopics.telemetryKey(e), VigilTopics.encode(e)));
            }
            producer.flush();

            Configuration conf = JobTestKit.jobConfiguration(KAFKA.kafka(), S3.s3(), run, "archive/" + run);
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, golden.resolve("savepoint").toUri().toString());
            // a detection added after the savepoint was taken: it must run without breaking the restore
            Path rules = Files.createTempDirectory("added-after-savepoint");
            Files.writeString(rules.resolve("payload-from-downloads.yml"), ADDED_RULE);
            conf.set(DetectionJobOptions.SIGMA_RULES, List.of(rules.toString()));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            DetectionJob.defineProductionWorkflow(env, conf);
            JobClient job = env.executeAsync(DetectionJob.JOB_NAME);
            try {
                List<TelemetryEvent> after = afterRestore();
                for (TelemetryEvent e : after) {
                    producer.send(new ProducerRecord<>(telemetry, 0, VigilTopics.telemetryKey(e), VigilTopics.encode(e)));
                }
                producer.flush();

                List<Alert> alerts = JobTestKit.decodeAll(TopicReader.awaitCommitted(bootstrap, VigilTopics.ALERTS, 4,
                        JobTestKit.TIMEOUT), Alert.class);
                List<EnrichedEvent> enriched = JobTestKit.decodeAll(TopicReader.awaitCommitted(bootstrap, VigilTopics.ENRICHED,
                        after.size(), JobTestKit.TIMEOUT), EnrichedEvent.class);
                Thread.sleep(3_000);
                alerts = JobTestKit.decodeAll(TopicReader.readCommitted(bootstrap, VigilTopics.ALERTS), Alert.class);
                enriched = JobTestKit.decodeAll(TopicReader.readCommitted(bootstrap, VigilTopics.ENRICHED), EnrichedEvent.class);

                assertThat(enriched).as(golden + ": the sources resumed at the savepoint's offsets")
                        .extracting(e -> e.getEvent().getEventId())
                        .containsExactlyInAnyOrderElementsOf(after.stream().map(TelemetryEvent::getEventId).toList());
                Map<String, Alert> byDetection = new LinkedHashMap<>();
                alerts.forEach(a -> byDetection.put(a.getDetection().getId(), a));
                assertThat(alerts).as(golden + ": alerts").hasSize(4);
                assertThat(byDetection.get(ADDED_RULE_ID).getEventIds()).containsExactly("launch-1");
                // counts continued from the savepoint: the alerts name the pre-savepoint events first
                assertThat(byDetection.get(FAILED_LOGONS).getAlertId())
                        .isEqualTo(Alerts.alertId(TENANT, FAILED_LOGONS, groupOf(new FailedLogonBurst(), after.get(0)), "logon-0"));
                assertThat(byDetection.get(FAILED_LOGONS).getEventIds())
                        .containsExactlyInAnyOrder("logon-0", "logon-1", "logon-2", "logon-3", "logon-4");
                assertThat(byDetection.get(PORT_SCAN).getAlertId())
                        .isEqualTo(Alerts.alertId(TENANT, PORT_SCAN, "ws-05->" + SCAN_TARGET, "port-1"));
                assertThat(byDetection.get(PORT_SCAN).getEventIds()).hasSize(25).contains("port-1", "port-20", "port-25");
                // the verdict came back with the broadcast state: the feed was not sent again
                assertThat(byDetection.get(MALICIOUS_IMAGE).getReputation()).singleElement()
                        .satisfies(m -> assertThat(m.getValue()).isEqualTo(BAD_HASH));
            } finally {
                job.cancel().get();
            }
        }
    }

    private static String groupOf(FailedLogonBurst detection, TelemetryEvent event) {
        return detection.evaluate(new EnrichedEvent(event, List.of())).groupKey();
    }

    /** The events sent after the restore: each completes a count the savepoint holds, or needs its verdicts. */
    static List<TelemetryEvent> afterRestore() {
        List<TelemetryEvent> events = new ArrayList<>();
        events.add(TelemetryFixtures.authentication(TENANT, "dc-01", "logon-4", T0.plusSeconds(40), "alice", AuthOutcome.FAILURE,
                "198.51.100.9", "3"));
        for (int port = 21; port <= 25; port++) {
            events.add(TelemetryFixtures.networkConnection(TENANT, "ws-05", "port-" + port, T0.plusSeconds(port), SCAN_TARGET, port,
                    "C:\\Tools\\scanner.exe"));
        }
        events.add(TelemetryFixtures.processLaunch(TENANT, "ws-07", "launch-1", T0.plusSeconds(50),
                "C:\\Users\\bob\\Downloads\\payload.exe", "payload.exe", BAD_HASH, "CORP\\bob", "C:\\Windows\\explorer.exe"));
        return events;
    }

    /** The events before the savepoint: 4 of 5 failed logons, 20 of 25 distinct ports. */
    static List<TelemetryEvent> beforeSavepoint() {
        List<TelemetryEvent> events = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            events.add(TelemetryFixtures.authentication(TENANT, "dc-01", "logon-" + i, T0.plusSeconds(10L * i), "alice",
                    AuthOutcome.FAILURE, "198.51.100.9", "3"));
        }
        for (int port = 1; port <= 20; port++) {
            events.add(TelemetryFixtures.networkConnection(TENANT, "ws-05", "port-" + port, T0.plusSeconds(port), SCAN_TARGET, port,
                    "C:\\Tools\\scanner.exe"));
        }
        return events;
    }

    // ------------------------------------------------------------------------------------------ write

    /** Takes a new golden savepoint named by {@code -Dvigil.golden.write=<name>} (see the class comment). */
    @Test
    @EnabledIfSystemProperty(named = "vigil.golden.write", matches = ".+")
    void writeGoldenSavepoint() throws Exception {
        String name = System.getProperty("vigil.golden.write");
        Path target = goldenRoot().resolve(name);
        assumeTrue(!Files.exists(target), target + " exists: golden savepoints are never overwritten");
        String bootstrap = KAFKA.kafka().bootstrapServers();
        String run = UUID.randomUUID().toString();
        createTopics();
        Configuration conf = JobTestKit.jobConfiguration(KAFKA.kafka(), S3.s3(), run, "archive/" + run);
        try (KafkaProducer<byte[], byte[]> producer = JobTestKit.producer(bootstrap)) {
            List<ReputationUpdate> feed = List.of(ReputationFixtures.malicious(IndicatorType.SHA256, BAD_HASH),
                    ReputationFixtures.global(IndicatorType.IP, PROBE_IP, Verdict.SUSPICIOUS));
            for (ReputationUpdate u : feed) {
                producer.send(new ProducerRecord<>(VigilTopics.REPUTATION, 0, VigilTopics.reputationKey(u), VigilTopics.encode(u)));
            }
            producer.flush();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            DetectionJob.defineProductionWorkflow(env, conf);
            JobClient job = env.executeAsync(DetectionJob.JOB_NAME);
            List<String> probes = FeedBarrier.await(bootstrap, producer, List.of(TENANT), 1, PROBE_IP, T0, JobTestKit.TIMEOUT);
            List<TelemetryEvent> before = beforeSavepoint();
            for (TelemetryEvent e : before) {
                producer.send(new ProducerRecord<>(TELEMETRY, 0, VigilTopics.telemetryKey(e), VigilTopics.encode(e)));
            }
            producer.flush();
            TopicReader.awaitCommitted(bootstrap, VigilTopics.ENRICHED, probes.size() + before.size(), JobTestKit.TIMEOUT);
            assertThat(TopicReader.readCommitted(bootstrap, VigilTopics.ALERTS)).as("no alert before the savepoint").isEmpty();

            Path tmp = Files.createTempDirectory("golden-savepoint");
            String savepoint = job.stopWithSavepoint(false, tmp.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(2, java.util.concurrent.TimeUnit.MINUTES);
            Path written = Paths.get(java.net.URI.create(savepoint.startsWith("file:") ? savepoint : "file://" + savepoint));
            Files.createDirectories(target);
            copy(written, target.resolve("savepoint"));
            Map<String, Integer> offsets = new LinkedHashMap<>();
            offsets.put(VigilTopics.REPUTATION, feed.size());
            offsets.put(TELEMETRY, probes.size() + before.size());
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(target.resolve("offsets.json").toFile(), offsets);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static void createTopics() {
        KAFKA.kafka().createTopics(1, TELEMETRY, VigilTopics.REPUTATION, VigilTopics.ALERTS, VigilTopics.ENRICHED,
                VigilTopics.DEAD_LETTERS);
    }

    private static void deleteTopics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<String> ours = List.of(TELEMETRY, VigilTopics.REPUTATION, VigilTopics.ALERTS, VigilTopics.ENRICHED,
                    VigilTopics.DEAD_LETTERS);
            List<String> existing = admin.listTopics().names().get().stream().filter(ours::contains).toList();
            admin.deleteTopics(existing).all().get();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (admin.listTopics().names().get().stream().anyMatch(ours::contains) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Integer> readOffsets(Path golden) throws Exception {
        return new ObjectMapper().readValue(golden.resolve("offsets.json").toFile(), Map.class);
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }
}
