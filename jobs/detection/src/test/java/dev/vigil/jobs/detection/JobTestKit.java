package dev.vigil.jobs.detection;

import dev.vigil.schema.wire.WireCodec;
import dev.vigil.testing.flink.FlinkS3;
import dev.vigil.testing.flink.ShippedFlinkConf;
import dev.vigil.testing.kafka.KafkaEndpoint;
import dev.vigil.testing.s3.ArchivedParquet;
import dev.vigil.testing.s3.S3Bucket;
import dev.vigil.testing.s3.S3Endpoint;
import dev.vigil.testing.telemetry.FeedBarrier;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

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

    /** Blocks until every enrichment subtask holds the feed (see {@link FeedBarrier}); returns the probes' ids. */
    static List<String> awaitFeedLoaded(String bootstrap, KafkaProducer<byte[], byte[]> producer, List<String> tenants,
            String probeIp, Instant time) throws InterruptedException {
        return FeedBarrier.await(bootstrap, producer, tenants, 2, probeIp, time, TIMEOUT);
    }

    /** Committed Parquet files under {@code prefix} once they hold at least {@code events} rows, by key. */
    static Map<String, List<String>> awaitParquet(S3Bucket s3, String prefix, int events) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Map<String, List<String>> files = ArchivedParquet.eventIdsByFile(s3, prefix);
        while (files.values().stream().mapToInt(List::size).sum() < events) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Parquet archive holds " + files.values().stream().mapToInt(List::size).sum() + " of " + events);
            }
            Thread.sleep(500);
            files = ArchivedParquet.eventIdsByFile(s3, prefix);
        }
        return files;
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
