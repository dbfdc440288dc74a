package dev.vigil.testing.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.internal.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class EmbeddedKafkaBrokerITCase {

    @TempDir
    Path tempDir;

    @Test
    void producesAndConsumesOnFreePorts() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePorts(tempDir)) {
            broker.createTopics(3, "events");
            broker.createTopics(3, "events"); // idempotent

            try (Admin admin = KafkaTopics.admin(broker.bootstrapServers())) {
                assertThat(admin.describeTopics(Set.of("events")).allTopicNames().get().get("events").partitions())
                        .hasSize(3);
            }

            try (KafkaProducer<String, String> producer = producer(broker, Map.of())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("events", "k" + i, "v" + i)).get();
                }
            }
            assertThat(readAll(broker, "events", "read_uncommitted", 10))
                    .containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
        }
    }

    @Test
    void readCommittedSeesCommittedTransactionsOnly() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePorts(tempDir)) {
            broker.createTopics(2, "tx");
            try (KafkaProducer<String, String> producer = producer(broker, Map.of(
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "vigil-tx-test",
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000"))) {
                producer.initTransactions();

                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx", "a", "committed-1"));
                producer.send(new ProducerRecord<>("tx", "b", "committed-2"));
                producer.commitTransaction();

                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx", "a", "aborted-1"));
                producer.send(new ProducerRecord<>("tx", "b", "aborted-2"));
                producer.flush();
                producer.abortTransaction();

                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx", "c", "committed-3"));
                producer.commitTransaction();
            }

            assertThat(readAll(broker, "tx", "read_committed", 3))
                    .containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3");
            // The aborted records are in the log: read_uncommitted sees all five.
            assertThat(readAll(broker, "tx", "read_uncommitted", 5))
                    .containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3", "aborted-1", "aborted-2");
        }
    }

    @Test
    void restartKeepsPortsAndData() throws Exception {
        int port = FreePorts.pick();
        int controllerPort = FreePorts.pick();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(tempDir, port, controllerPort)) {
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            broker.createTopics(2, "durable");
            try (KafkaProducer<String, String> producer = producer(broker, Map.of())) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>("durable", "k" + i, "before-" + i)).get();
                }
            }

            broker.stop();
            assertThat(broker.isRunning()).isFalse();
            assertThat(Files.exists(tempDir.resolve("data").resolve("meta.properties"))).isTrue();

            broker.restart();
            assertThat(broker.isRunning()).isTrue();
            assertThat(broker.port()).isEqualTo(port);
            assertThat(broker.controllerPort()).isEqualTo(controllerPort);

            try (KafkaProducer<String, String> producer = producer(broker, Map.of())) {
                producer.send(new ProducerRecord<>("durable", "k5", "after-5")).get();
            }
            assertThat(readAll(broker, "durable", "read_committed", 6))
                    .containsExactlyInAnyOrder(
                            "before-0", "before-1", "before-2", "before-3", "before-4", "after-5");
        }
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafkaBroker broker, Map<String, String> extra) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.putAll(extra);
        return new KafkaProducer<>(props);
    }

    /** Reads from the beginning until {@code expected} records arrived, then polls a little longer for extras. */
    static List<String> readAll(KafkaEndpoint kafka, String topic, String isolation, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                values.add(record.value());
            }
        }
        return values;
    }
}
