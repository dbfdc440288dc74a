package dev.vigil.testing.telemetry;

import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.wire.WireCodec;
import dev.vigil.testing.kafka.TopicReader;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Readiness barrier for runs that need the reputation feed loaded before their telemetry: the detection job
 * starts both sources at once, so the first telemetry may be enriched before the feed arrives. Sends one
 * probe connection to {@code probeIp} (which the feed must list) per telemetry partition, until a whole round
 * comes out enriched: then every enrichment subtask holds the feed. The probes are valid events and come out
 * of the job like any other; {@link #await} returns their ids so callers can expect them.
 */
public final class FeedBarrier {

    private static final int MAX_ROUNDS = 20;

    private FeedBarrier() {}

    public static List<String> await(String bootstrap, KafkaProducer<byte[], byte[]> producer, List<String> tenants,
            int partitionsPerTopic, String probeIp, Instant eventTime, Duration timeout) throws InterruptedException {
        WireCodec<EnrichedEvent> codec = WireCodec.of(EnrichedEvent.class);
        List<String> allProbes = new ArrayList<>();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Set<String> roundIds = new HashSet<>();
            for (String tenant : tenants) {
                for (int partition = 0; partition < partitionsPerTopic; partition++) {
                    TelemetryEvent probe = TelemetryFixtures.networkConnection(tenant, "probe-host",
                            "probe-" + round + "-" + tenant + "-" + partition, eventTime, probeIp, 53,
                            "C:\\Windows\\System32\\svchost.exe");
                    roundIds.add(probe.getEventId());
                    producer.send(new ProducerRecord<>(VigilTopics.telemetryTopic(tenant), partition,
                            VigilTopics.telemetryKey(probe), VigilTopics.encode(probe)));
                }
            }
            producer.flush();
            allProbes.addAll(roundIds);
            int enriched = 0;
            for (ConsumerRecord<byte[], byte[]> r : TopicReader.awaitCommitted(bootstrap, VigilTopics.ENRICHED, allProbes.size(), timeout)) {
                EnrichedEvent e = decode(codec, r);
                if (roundIds.contains(e.getEvent().getEventId().toString()) && !e.getReputation().isEmpty()) {
                    enriched++;
                }
            }
            if (enriched == roundIds.size()) {
                return allProbes;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("The reputation feed never reached every enrichment subtask (" + MAX_ROUNDS
                + " probe rounds for " + probeIp + ")");
    }

    private static EnrichedEvent decode(WireCodec<EnrichedEvent> codec, ConsumerRecord<byte[], byte[]> r) {
        try {
            return codec.decode(r.value());
        } catch (IOException e) {
            throw new IllegalStateException("Undecodable record on " + r.topic() + " at offset " + r.offset(), e);
        }
    }
}
