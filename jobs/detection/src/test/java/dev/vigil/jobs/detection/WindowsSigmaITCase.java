package dev.vigil.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detections.windows.WindowsEventJson;
import dev.vigil.detections.windows.WindowsTelemetry;
import dev.vigil.schema.Alert;
import dev.vigil.schema.DeadLetter;
import dev.vigil.schema.Severity;
import dev.vigil.testing.flink.MiniClusters;
import dev.vigil.testing.kafka.KafkaExtension;
import dev.vigil.testing.kafka.TopicReader;
import dev.vigil.testing.s3.S3Extension;
import dev.vigil.testing.telemetry.VigilTopics;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real attack recordings through the running job: every event of the real-data set (SigmaHQ
 * regression events and OTRF recordings, ../shared/realdata/public) is produced as third-party
 * Windows JSON to {@code raw-windows.acme}; the job runs every rule of the set; the alerts read with
 * read_committed must be exactly the expected hits, each carrying the rule's id, title, level, tags
 * and author.
 */
class WindowsSigmaITCase {

    @RegisterExtension
    static final KafkaExtension KAFKA = KafkaExtension.fromSystemProperty();

    @RegisterExtension
    static final S3Extension S3 = S3Extension.fromSystemProperty();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.extension();

    private static final String TENANT = "acme";
    private static final String TOPIC = "raw-windows." + TENANT;

    /** One produced event, until the broker acknowledges it. */
    record Send(Future<RecordMetadata> result, Map<String, Object> fields, String file, int index) {}

    /** One event of the set: where it is, and what the job will call it. */
    record SetEvent(String file, int index, String eventId) {}

    @Test
    void realEventsThroughKafkaRaiseExactlyTheExpectedAlertsWithRuleMetadata() throws Exception {
        Path set = Paths.get(System.getProperty("vigil.project.root", ".")).resolve("../shared/realdata/public")
                .toAbsolutePath().normalize();
        assumeTrue(Files.isDirectory(set), "real-data set absent (" + set + "): skipped");

        String bootstrap = KAFKA.kafka().bootstrapServers();
        KAFKA.kafka().createTopics(1, TOPIC, VigilTopics.REPUTATION);
        KAFKA.kafka().createTopics(2, VigilTopics.ALERTS, VigilTopics.ENRICHED, VigilTopics.DEAD_LETTERS);

        String run = UUID.randomUUID().toString();
        Configuration conf = JobTestKit.jobConfiguration(KAFKA.kafka(), S3.s3(), run, "archive/" + run);
        conf.set(DetectionJobOptions.BUILTIN_DETECTIONS, false);
        conf.set(DetectionJobOptions.SIGMA_RULES, List.of(set.resolve("sigma").toString()));

        Map<String, List<SetEvent>> eventsById = new HashMap<>();
        int produced;
        int withoutEventId = 0;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        DetectionJob.defineProductionWorkflow(env, conf);
        JobClient job = env.executeAsync(DetectionJob.JOB_NAME);
        try (KafkaProducer<byte[], byte[]> producer = JobTestKit.producer(bootstrap)) {
            ObjectMapper json = new ObjectMapper();
            produced = 0;
            List<Send> sends = new ArrayList<>();
            for (Path file : eventFiles(set)) {
                String name = set.relativize(file).toString();
                List<Map<String, Object>> flattened = WindowsEventJson.read(file);
                int index = 0;
                try (InputStream in = Files.newInputStream(file);
                     MappingIterator<JsonNode> objects = json.readerFor(JsonNode.class).readValues(in)) {
                    while (objects.hasNextValue()) {
                        JsonNode object = objects.nextValue();
                        if (!object.isObject()) {
                            continue;
                        }
                        // one record per event, exactly the bytes a collector would ship
                        sends.add(new Send(producer.send(new ProducerRecord<>(TOPIC, json.writeValueAsBytes(object))),
                                flattened.get(index), name, index));
                        index++;
                        produced++;
                    }
                }
                assertThat(index).as("objects in " + name).isEqualTo(flattened.size());
            }
            producer.flush();
            for (Send send : sends) {
                RecordMetadata sent = send.result().get();
                withoutEventId += send.fields().get("EventID") == null ? 1 : 0;
                // the id the job gives the event (from its record id, else from where Kafka stored it)
                String eventId = WindowsTelemetry.toTelemetry(TENANT, send.fields(), Instant.EPOCH,
                        TOPIC + '/' + sent.partition() + '/' + sent.offset()).getEventId();
                eventsById.computeIfAbsent(eventId, k -> new ArrayList<>()).add(new SetEvent(send.file(), send.index(), eventId));
            }
            assertThat(produced).isEqualTo(7_073);

            List<Expected> expected = Expected.load(set.resolve("expected_matches.jsonl"));
            List<Alert> alerts = JobTestKit.decodeAll(
                    TopicReader.awaitCommitted(bootstrap, VigilTopics.ALERTS, expected.size(), JobTestKit.TIMEOUT), Alert.class);
            List<DeadLetter> deadLetters = JobTestKit.decodeAll(TopicReader.readCommitted(bootstrap, VigilTopics.DEAD_LETTERS),
                    DeadLetter.class);
            Thread.sleep(3_000); // a few more checkpoints: a duplicate or a late extra alert would show now
            alerts = JobTestKit.decodeAll(TopicReader.readCommitted(bootstrap, VigilTopics.ALERTS), Alert.class);

            // each alert names its event; map it back to (file, index) and compare with the expected multiset
            Map<String, Integer> diff = new HashMap<>();
            for (Expected e : expected) {
                diff.merge(e.ruleId() + " @ " + e.eventFile() + "#" + e.eventIndex(), 1, Integer::sum);
            }
            Map<String, Integer> alertsPerEventAndRule = new HashMap<>();
            for (Alert a : alerts) {
                assertThat(a.getTenantId()).isEqualTo(TENANT);
                assertThat(a.getEventIds()).hasSize(1);
                alertsPerEventAndRule.merge(a.getDetection().getId() + "|" + a.getEventIds().get(0), 1, Integer::sum);
            }
            // an event id shared by identical records (same computer, channel and record id) raises one alert per record
            alertsPerEventAndRule.forEach((ruleAndEvent, count) -> {
                String[] parts = ruleAndEvent.split("\\|", 2);
                List<SetEvent> sources = eventsById.get(parts[1]);
                assertThat(sources).as("alert for an event that was never produced: " + ruleAndEvent).isNotNull();
                assertThat(count).as("alerts of " + ruleAndEvent).isEqualTo(sources.size());
                for (SetEvent s : sources) {
                    diff.merge(parts[0] + " @ " + s.file() + "#" + s.index(), -1, Integer::sum);
                }
            });
            diff.values().removeIf(v -> v == 0);
            assertThat(diff).as("expected hits minus alerts (positive: missing, negative: extra)").isEmpty();
            assertThat(alerts).hasSize(expected.size());

            // alerts carry what the rule says about itself (DRL 1.1: the author on every alert)
            Map<String, Expected> byRule = new HashMap<>();
            expected.forEach(e -> byRule.putIfAbsent(e.ruleId(), e));
            for (Alert a : alerts) {
                Map<String, Object> rule = Expected.rule(set.resolve(byRule.get(a.getDetection().getId()).ruleFile()));
                assertThat(a.getDetection().getTitle()).isEqualTo(rule.get("title"));
                assertThat(a.getDetection().getAuthor()).isEqualTo(rule.get("author"));
                assertThat(a.getDetection().getSeverity()).isEqualTo(Severity.valueOf(String.valueOf(rule.get("level")).toUpperCase()));
                assertThat(a.getDetection().getTags()).isEqualTo(rule.getOrDefault("tags", List.of()));
                assertThat(a.getDetection().getKind()).isEqualTo("sigma");
            }
            assertThat(deadLetters).as("only events without an EventID are dead-lettered").hasSize(withoutEventId);
        } finally {
            job.cancel().get();
        }
    }

    static List<Path> eventFiles(Path set) throws Exception {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(set.resolve("sigma/regression_data"), set.resolve("security-datasets"))) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".jsonl"))
                        .sorted().forEach(files::add);
            }
        }
        return files;
    }

    /** One line of expected_matches.jsonl. */
    record Expected(String ruleFile, String ruleId, String eventFile, int eventIndex) {

        static List<Expected> load(Path file) throws Exception {
            ObjectMapper json = new ObjectMapper();
            List<Expected> out = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    JsonNode n = json.readTree(line);
                    out.add(new Expected(n.get("rule_file").asText(), n.get("rule_id").asText(), n.get("event_file").asText(),
                            n.get("event_index").asInt()));
                }
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> rule(Path file) throws Exception {
            try (InputStream in = Files.newInputStream(file)) {
                return (Map<String, Object>) new org.yaml.snakeyaml.Yaml().load(in);
            }
        }
    }
}
