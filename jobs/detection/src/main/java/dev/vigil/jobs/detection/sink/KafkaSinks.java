package dev.vigil.jobs.detection.sink;

import dev.vigil.jobs.detection.DetectionJobOptions;
import dev.vigil.schema.Alert;
import dev.vigil.schema.DeadLetter;
import dev.vigil.schema.EnrichedEvent;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
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

    public static KafkaSink<DeadLetter> deadLetters(ReadableConfig conf) {
        return sink(conf, conf.get(DetectionJobOptions.DEAD_LETTER_TOPIC), "dead-letters", DeadLetter.class,
                DeadLetter::getTenantId);
    }

    private static <T extends SpecificRecordBase> KafkaSink<T> sink(ReadableConfig conf, String topic, String name,
            Class<T> type, WireRecordSerializer.KeyOf<T> keyOf) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(conf.get(DetectionJobOptions.BOOTSTRAP_SERVERS))
                .setRecordSerializer(new WireRecordSerializer<>(topic, type, keyOf))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                // one prefix per sink: two sinks sharing transactional ids would fence each other
                .setTransactionalIdPrefix(conf.get(DetectionJobOptions.TRANSACTIONAL_ID_PREFIX) + "-" + name)
                .setProperty("transaction.timeout.ms",
                        String.valueOf(conf.get(DetectionJobOptions.TRANSACTION_TIMEOUT).toMillis()))
                .setProperty("compression.type", "lz4")
                .build();
    }
}
