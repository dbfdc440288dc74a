package dev.vigil.local;

import dev.vigil.schema.Alert;
import dev.vigil.schema.DeadLetter;
import dev.vigil.schema.DeadLetterReason;
import dev.vigil.schema.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what the job committed: a read_committed consumer over the alerts, enriched and dead-letter topics
 * (all partitions, from the beginning). Hands each alert to a callback as it arrives and counts the rest.
 */
public final class CommittedOutputs implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String alertsTopic;
    private final String enrichedTopic;
    private final String deadLetterTopic;
    private final Consumer<Alert> onAlert;
    private final WireCodec<Alert> alertCodec = WireCodec.of(Alert.class);
    private final WireCodec<DeadLetter> deadLetterCodec = WireCodec.of(DeadLetter.class);

    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final AtomicLong enriched = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final AtomicLong undecodable = new AtomicLong();
    private final Map<DeadLetterReason, Long> reasons = new EnumMap<>(DeadLetterReason.class);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    public CommittedOutputs(String bootstrapServers, String alertsTopic, String enrichedTopic, String deadLetterTopic,
                            Consumer<Alert> onAlert) {
        this.alertsTopic = alertsTopic;
        this.enrichedTopic = enrichedTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.onAlert = onAlert;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-committed-outputs");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(alertsTopic, enrichedTopic, deadLetterTopic)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) throw new IllegalStateException("topic " + topic + " does not exist");
            for (PartitionInfo info : infos) partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::loop, "vigil-committed-outputs");
        this.thread.setDaemon(true);
    }

    public CommittedOutputs start() {
        thread.start();
        return this;
    }

    private void loop() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records) handle(r);
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        String topic = r.topic();
        if (topic.equals(enrichedTopic)) {
            enriched.incrementAndGet();
        } else if (topic.equals(alertsTopic)) {
            try {
                Alert a = alertCodec.decode(r.value());
                alerts.add(a);
                onAlert.accept(a);
            } catch (Exception e) {
                undecodable.incrementAndGet();
            }
        } else if (topic.equals(deadLetterTopic)) {
            deadLetters.incrementAndGet();
            try {
                DeadLetter d = deadLetterCodec.decode(r.value());
                synchronized (reasons) {
                    reasons.merge(d.getReason(), 1L, Long::sum);
                }
            } catch (Exception e) {
                undecodable.incrementAndGet();
            }
        }
    }

    public long alertCount() {
        return alerts.size();
    }

    public List<Alert> alerts() {
        return List.copyOf(alerts);
    }

    public long enriched() {
        return enriched.get();
    }

    public long deadLetters() {
        return deadLetters.get();
    }

    /** Output records that were not valid single-object encoded Alert / DeadLetter. */
    public long undecodable() {
        return undecodable.get();
    }

    public Map<DeadLetterReason, Long> deadLettersByReason() {
        synchronized (reasons) {
            return new EnumMap<>(reasons); // an EnumMap: copying works when empty too
        }
    }

    /** The reader's failure, if its thread died. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
