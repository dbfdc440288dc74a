package dev.vigil.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.kafka.KafkaEndpoint;
import dev.vigil.testing.s3.S3Bucket;
import dev.vigil.testing.s3.S3Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** What every backend (embedded or containers) must do, whatever the test class's extensions hand out. */
abstract class BackendContract {

    abstract KafkaEndpoint kafka();

    abstract S3Endpoint s3();

    @Test
    void kafkaProducesAndConsumes() throws Exception {
        KafkaEndpoint kafka = kafka();
        kafka.createTopics(2, "contract-events");
        kafka.createTopics(2, "contract-events");

        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("contract-events", "host-" + (i % 4), "event-" + i)).get();
            }
        }

        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "contract-reader");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.subscribe(List.of("contract-events"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < 20 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        assertThat(values).hasSize(20).contains("event-0", "event-19");
    }

    @Test
    void s3PutListGet() {
        S3Endpoint s3 = s3();
        assertThat(s3.bucket()).isEqualTo("vigil-test");
        assertThat(s3.endpoint().getScheme()).isEqualTo("http");
        S3Bucket bucket = s3.client();
        bucket.put("contract/a.txt", "alpha");
        bucket.put("contract/nested/b.txt", "beta");
        assertThat(bucket.listKeys("contract/")).containsExactly("contract/a.txt", "contract/nested/b.txt");
        assertThat(bucket.getString("contract/nested/b.txt")).isEqualTo("beta");

        // A second, independent client sees the same objects (credentials from the endpoint work).
        try (S3Bucket other = S3Bucket.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket())) {
            assertThat(other.getString("contract/a.txt")).isEqualTo("alpha");
        }
    }
}
