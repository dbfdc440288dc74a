package dev.vigil.testing.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.testing.kafka.EmbeddedKafkaBroker;
import dev.vigil.testing.telemetry.MalformedRecords.MalformedRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TelemetryProducer against a real (embedded) broker: topics, keys and values as Vigil's addressing says. */
class TelemetryProducerITCase {

    @TempDir
    Path dir;

    @Test
    void sendsEventsFeedAndMalformedRecordsToTheRightTopicsAndKeys() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, 0,
                Map.of("message.max.bytes", Integer.toString(TelemetryProducer.MAX_REQUEST_BYTES)))) {
            TelemetryGenerator g = TelemetryGenerator.withSeed(5);
            List<String> topics = new ArrayList<>();
            for (String t : g.tenants()) topics.add(VigilTopics.telemetryTopic(t));
            broker.createTopics(2, topics.toArray(String[]::new));
            broker.createTopics(1, VigilTopics.REPUTATION);

            List<TelemetryEvent> events = g.next(500);
            List<MalformedRecord> malformed = new ArrayList<>();
            for (int i = 0; i < 8; i++) malformed.add(g.nextMalformed());
            try (TelemetryProducer producer = new TelemetryProducer(broker.bootstrapServers())) {
                producer.sendFeed(g.reputationFeed());
                producer.sendAll(events);
                malformed.forEach(producer::send);
                producer.flush();
                assertThat(producer.acknowledgedEvents()).isEqualTo(500);
                assertThat(producer.acknowledgedMalformed()).isEqualTo(8);
                assertThat(producer.acknowledgedReputationUpdates()).isEqualTo(g.reputationFeed().size());
            }

            List<ConsumerRecord<byte[], byte[]>> records = readAll(broker.bootstrapServers(), topics, VigilTopics.REPUTATION,
                    500 + 8 + g.reputationFeed().size());
            Map<String, TelemetryEvent> valid = new HashMap<>();
            int undecodableOrOther = 0;
            List<ReputationUpdate> feed = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                if (r.topic().equals(VigilTopics.REPUTATION)) {
                    ReputationUpdate u = VigilTopics.decodeReputation(r.value());
                    assertThat(key).isEqualTo(VigilTopics.reputationKeyString(u));
                    feed.add(u);
                    continue;
                }
                String topicTenant = r.topic().substring(VigilTopics.TELEMETRY_PREFIX.length());
                assertThat(key).startsWith(topicTenant + "/");
                try {
                    TelemetryEvent e = VigilTopics.decodeTelemetry(r.value());
                    if (topicTenant.equals(e.getTenantId()) && !e.getEventId().isEmpty()
                            && e.getEventTime().getEpochSecond() > 946_684_800L
                            && e.getEventTime().getEpochSecond() < 32_503_680_000L
                            && r.value().length <= MalformedRecords.MAX_RECORD_BYTES) {
                        assertThat(key).isEqualTo(topicTenant + "/" + e.getHost().getName());
                        valid.put(e.getEventId(), e);
                    } else {
                        undecodableOrOther++;
                    }
                } catch (Exception ex) {
                    undecodableOrOther++;
                }
            }
            assertThat(feed).isEqualTo(g.reputationFeed()); // one partition: in order
            assertThat(valid.values()).containsExactlyInAnyOrderElementsOf(events);
            assertThat(undecodableOrOther).isEqualTo(8);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, List<String> topics, String reputation,
                                                               int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                parts.add(new TopicPartition(t, 0));
                parts.add(new TopicPartition(t, 1));
            }
            parts.add(new TopicPartition(reputation, 0));
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
