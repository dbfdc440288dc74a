package dev.vigil.local.bench;

import dev.vigil.schema.Alert;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.wire.WireCodec;
import dev.vigil.testing.telemetry.TelemetryFixtures;
import dev.vigil.testing.telemetry.TelemetryGenerator;
import dev.vigil.testing.telemetry.TelemetryProducer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Alert latency: launches of a known-malicious payload (its hash is in the reputation feed) produced at a
 * steady rate into a running job; each alert's latency is the time from producing its event to the alert
 * being readable on the alerts topic with read_committed.
 */
final class AlertLatency {

    /** Latencies in milliseconds of every alert received, and how many events were sent. */
    record Result(int sent, List<Long> latenciesMs) {
        long percentile(double p) {
            if (latenciesMs.isEmpty()) return -1;
            List<Long> sorted = new ArrayList<>(latenciesMs);
            Collections.sort(sorted);
            int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
        }
    }

    private AlertLatency() {}

    static Result measure(String bootstrap, String tenant, String alertsTopic, int seconds, int perSecond) throws Exception {
        WireCodec<Alert> codec = WireCodec.of(Alert.class);
        Map<String, Long> sentAt = new HashMap<>();
        List<Long> latencies = new ArrayList<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-latency-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        String hash = TelemetryGenerator.PAYLOAD_SHA256.get(0);
        String image = "C:\\Users\\bob\\Downloads\\" + TelemetryGenerator.PAYLOAD_NAMES.get(0);
        int total = seconds * perSecond;
        try (TelemetryProducer producer = new TelemetryProducer(bootstrap, Map.<String, Object>of("linger.ms", 0));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(alertsTopic));
            warmUp(producer, consumer, codec, tenant, image, hash);
            long start = System.nanoTime();
            int sent = 0;
            long lastSend = System.nanoTime();
            long deadline = Long.MAX_VALUE;
            while (latencies.size() < total && System.nanoTime() < deadline) {
                long now = System.nanoTime();
                // send on schedule, each launch on its own host so each is its own alert
                while (sent < total && now - start >= sent * 1_000_000_000L / perSecond) {
                    String id = "latency-" + sent;
                    sentAt.put(id, System.currentTimeMillis());
                    producer.send(payloadLaunch(tenant, "lat-host-" + sent, id, image, hash));
                    sent++;
                    lastSend = System.nanoTime();
                    if (sent == total) deadline = lastSend + Duration.ofSeconds(90).toNanos();
                }
                producer.flush();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    long received = System.currentTimeMillis();
                    Alert a = codec.decode(r.value());
                    for (String id : a.getEventIds()) {
                        Long t = sentAt.remove(id);
                        if (t != null) latencies.add(received - t);
                    }
                }
            }
            return new Result(sent, latencies);
        }
    }

    /** A launch of the known-bad payload on its own host, so that each launch is its own alert. */
    private static TelemetryEvent payloadLaunch(String tenant, String host, String eventId, String image, String hash) {
        return TelemetryFixtures.processLaunch(tenant, host, eventId, Instant.now(), image, image, hash, "CORP\\bob",
                "C:\\Windows\\explorer.exe");
    }

    /**
     * Until the job alerts on a probe launch: the job has started, loaded the reputation feed into broadcast state and
     * committed a checkpoint. Latency before that is start-up, not what an analyst waits for in steady operation.
     */
    private static void warmUp(TelemetryProducer producer, KafkaConsumer<byte[], byte[]> consumer, WireCodec<Alert> codec,
            String tenant, String image, String hash) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        for (int probe = 0; System.nanoTime() < deadline; probe++) {
            producer.send(payloadLaunch(tenant, "warm-up-" + probe, "warm-up-" + probe, image, hash));
            producer.flush();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (codec.decode(r.value()).getEventIds().stream().anyMatch(id -> id.startsWith("warm-up-"))) {
                    return;
                }
            }
        }
        throw new IllegalStateException("no alert on a warm-up launch within 3 minutes: the job does not alert");
    }
}
