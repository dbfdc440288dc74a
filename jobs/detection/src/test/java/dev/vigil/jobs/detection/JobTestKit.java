package dev.vigil.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.wire.WireCodec;
import dev.vigil.testing.flink.FlinkS3;
import dev.vigil.testing.flink.ShippedFlinkConf;
import dev.vigil.testing.kafka.KafkaEndpoint;
import dev.vigil.testing.kafka.TopicReader;
import dev.vigil.testing.s3.S3Bucket;
import dev.vigil.testing.s3.S3Endpoint;
import dev.vigil.testing.telemetry.TelemetryFixtures;
import dev.vigil.testing.telemetry.VigilTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

/** What the detection job's integration tests share: its configuration, input barrier and output readers. */
final class JobTestKit {

    static final Duration TIMEOUT = Duration.ofSeconds(120);

    private JobTestKit() {}

    /**
     * The shipped {@code flink-conf/config.yaml} with only endpoints, paths, the checkpoint interval
     * and parallelism changed for one machine; also initializes Flink's S3 filesystem for it.
     */
    static Configuration jobConfiguration(KafkaEndpoint kafka, S3Endpoint s3, String run, String archivePrefix) {
        Configuration conf = ShippedFlinkConf.load();
        conf.addAll(FlinkS3.s3Settings(s3));
        conf.set(DetectionJobOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(DetectionJobOptions.ARCHIVE_PATH, "s3://" + s3.bucket() + "/" + archivePrefix);
        conf.set(DetectionJobOptions.TRANSACTIONAL_ID_PREFIX, "it-" + run);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://" + s3.bucket() + "/checkpoints/" + run);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
        FlinkS3.initializeFileSystems(conf);
        return conf;
    }

    /**
     * Readiness barrier: the job starts both sources at once, so the first telemetry may be enriched
     * before the feed is loaded. Sends one probe per telemetry partition (2 per tenant), each matching
     * the feed's {@code probeIp} entry, until a whole round comes out enriched: then every enrichment
     * subtask holds the feed. Returns the ids of all probes sent (they are valid events too).
     */
    static List<String> awaitFeedLoaded(String bootstrap, KafkaProducer<byte[], byte[]> producer, List<String> tenants,
            String probeIp, Instant time) throws Exception {
        List<String> allProbes = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            List<String> roundIds = new ArrayList<>();
            for (String tenant : tenants) {
                for (int partition = 0; partition < 2; partition++) {
                    TelemetryEvent probe = TelemetryFixtures.networkConnection(tenant, "probe-host",
                            "probe-" + round + "-" + tenant + "-" + partition, time, probeIp, 53, "C:\\Windows\\System32\\svchost.exe");
                    roundIds.add(probe.getEventId());
                    producer.send(new ProducerRecord<>(VigilTopics.telemetryTopic(tenant), partition, VigilTopics.telemetryKey(probe),
                            VigilTopics.encode(probe)));
                }
            }
            producer.flush();
            allProbes.addAll(roundIds);
            List<EnrichedEvent> out = decodeAll(TopicReader.awaitCommitted(bootstrap, VigilTopics.ENRICHED, allProbes.size(), TIMEOUT),
                    EnrichedEvent.class);
            assertThat(out).extracting(e -> e.getEvent().getEventId()).as("committed enriched output after probe round %d", round)
                    .containsExactlyInAnyOrderElementsOf(allProbes);
            long enriched = out.stream().filter(e -> roundIds.contains(e.getEvent().getEventId()) && !e.getReputation().isEmpty()).count();
            if (enriched == roundIds.size()) {
                return allProbes;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the reputation feed never reached every enrichment subtask");
    }

    static Map<String, List<String>> awaitParquet(S3Bucket s3, Path tmp, String prefix, int events) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Map<String, List<String>> files = readParquet(s3, tmp, prefix);
        while (files.values().stream().mapToInt(List::size).sum() < events) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Parquet archive holds " + files.values().stream().mapToInt(List::size).sum() + " of " + events);
            }
            Thread.sleep(500);
            files = readParquet(s3, tmp, prefix);
        }
        return files;
    }

    /** Committed Parquet files only: in-progress parts are hidden ('.'-prefixed) or unfinished multipart uploads. */
    static Map<String, List<String>> readParquet(S3Bucket s3, Path tmp, String prefix) throws IOException {
        Map<String, List<String>> idsByKey = new HashMap<>();
        for (String key : s3.listKeys(prefix)) {
            String name = key.substring(key.lastIndexOf('/') + 1);
            if (name.startsWith(".") || !name.endsWith(".parquet")) {
                continue;
            }
            Path local = Files.write(tmp.resolve(UUID.randomUUID() + ".parquet"), s3.get(key));
            List<String> ids = new ArrayList<>();
            try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(local))
                    .withDataModel(GenericData.get()).build()) {
                for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                    GenericRecord event = (GenericRecord) r.get("event");
                    assertThat(event.get("tenantId").toString()).as("tenant inside %s", key)
                            .isEqualTo(key.replaceAll(".*/tenant=([^/]+)/.*", "$1"));
                    ids.add(event.get("eventId").toString());
                }
            }
            idsByKey.put(key, ids);
        }
        return idsByKey;
    }

    static <T extends org.apache.avro.specific.SpecificRecordBase> List<T> decodeAll(
            List<ConsumerRecord<byte[], byte[]>> records, Class<T> type) {
        WireCodec<T> codec = WireCodec.of(type);
        List<T> out = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                out.add(codec.decode(r.value()));
            } catch (IOException e) {
                throw new AssertionError("undecodable record on " + r.topic(), e);
            }
        }
        return out;
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(4 * 1024 * 1024));
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

}
