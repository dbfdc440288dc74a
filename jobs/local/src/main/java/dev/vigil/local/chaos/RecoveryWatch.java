package dev.vigil.local.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Measures recovery as a downstream consumer sees it: a read_committed consumer of the job's output notes,
 * for every poll that returned records, the newest record's write time (its Kafka timestamp, set by the job's
 * producer at send time, on this machine's clock) and when the poll returned. Recovery from a fault at
 * {@code t} lasts until the first committed record written after {@code t} is read: output written before the
 * fault but committed after it does not count.
 */
public final class RecoveryWatch implements AutoCloseable {

    private record Arrival(long newestWrittenAtMillis, long readAtMillis) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Arrival> arrivals = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public RecoveryWatch(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-recovery-watch");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, not at the first poll after a fault
        thread = new Thread(this::loop, "vigil-recovery-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                long readAt = System.currentTimeMillis();
                long newest = Long.MIN_VALUE;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    newest = Math.max(newest, r.timestamp());
                }
                synchronized (arrivals) {
                    arrivals.add(new Arrival(newest, readAt));
                    arrivals.notifyAll();
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Milliseconds from {@code faultAtMillis} (wall clock) until committed output written after it was read,
     * waiting up to {@code timeout}; empty if none came in time.
     */
    public OptionalLong awaitRecovery(long faultAtMillis, Duration timeout) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        synchronized (arrivals) {
            int checked = 0;
            while (true) {
                for (; checked < arrivals.size(); checked++) {
                    Arrival a = arrivals.get(checked);
                    if (a.newestWrittenAtMillis() > faultAtMillis) {
                        return OptionalLong.of(a.readAtMillis() - faultAtMillis);
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return OptionalLong.empty();
                }
                arrivals.wait(left);
            }
        }
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
