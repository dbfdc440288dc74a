package dev.vigil.jobs.detection.sink;

import dev.vigil.jobs.detection.DetectionJobOptions;
import dev.vigil.schema.Alert;
import dev.vigil.schema.DeadLetter;
import dev.vigil.schema.EnrichedEvent;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/**
 * The job's Kafka outputs. All exactly-once: records become visible to read_committed consumers
 * when the checkpoint that covers them completes, so a restarted job never publishes an alert,
 * enriched event or dead letter twice.
 */
public final class KafkaSinks {

    private KafkaSinks() {}

    public static KafkaSink<Alert> alerts(ReadableConfig conf) {
        return sink(conf, conf.get(DetectionJobOptions.ALERTS_TOPIC), "alerts", Alert.class, Alert::getTenantId);
    }

    public static KafkaSink<EnrichedEvent> enriched(ReadableConfig conf) {
        return sink(conf, conf.get(DetectionJobOptions.ENRICHED_TOPIC), "enriched", EnrichedEvent.class,
                e -> e.getEvent().getTenantId());
    }

    /**
     * A dead letter carries the whole original record plus an envelope, so for an input at the
     * broker's size limit it is larger than that limit: the producer must allow bigger requests
     * (and the dead-letter topic a bigger {@code max.message.bytes}), or one oversize input would
     * fail the sink and restart the job forever.
     */
    public static KafkaSink<DeadLetter> deadLetters(ReadableConfig conf) {
        return sink(conf, conf.get(DetectionJobOptions.DEAD_LETTER_TOPIC), "dead-letters", DeadLetter.class,
                DeadLetter::getTenantId, conf.get(DetectionJobOptions.DEAD_LETTER_MAX_REQUEST_BYTES));
    }

    private static <T extends SpecificRecordBase> KafkaSink<T> sink(ReadableConfig conf, String topic, String name,
            Class<T> type, WireRecordSerializer.KeyOf<T> keyOf) {
        return sink(conf, topic, name, type, keyOf, 1024 * 1024);
    }

    private static <T extends SpecificRecordBase> KafkaSink<T> sink(ReadableConfig conf, String topic, String name,
            Class<T> type, WireRecordSerializer.KeyOf<T> keyOf, int maxRequestBytes) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(conf.get(DetectionJobOptions.BOOTSTRAP_SERVERS))
                .setRecordSerializer(new WireRecordSerializer<>(topic, type, keyOf))
                .setDeliveryGuarantee(conf.get(DetectionJobOptions.KAFKA_DELIVERY))
                // one prefix per sink: two sinks sharing transactional ids would fence each other
                .setTransactionalIdPrefix(conf.get(DetectionJobOptions.TRANSACTIONAL_ID_PREFIX) + "-" + name)
                .setProperty("transaction.timeout.ms",
                        String.valueOf(conf.get(DetectionJobOptions.TRANSACTION_TIMEOUT).toMillis()))
                .setProperty("compression.type", "lz4")
                // Larger batches with a short linger: fewer produce requests and sender wake-ups per record (the
                // enrichment chain's sends dominated its system time in profiles). Output of exactly-once sinks is
                // readable only at checkpoints anyway, so 10 ms of linger adds no visible latency.
                .setProperty("batch.size", String.valueOf(256 * 1024))
                .setProperty("linger.ms", "10")
                .setProperty("max.request.size", String.valueOf(maxRequestBytes))
                .build();
    }
}
