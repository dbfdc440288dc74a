package dev.vigil.testing.telemetry;

import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.testing.telemetry.MalformedRecords.MalformedRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@code KafkaProducer<byte[], byte[]>} that sends telemetry, reputation updates and malformed records to
 * the topics {@link VigilTopics} names. Idempotent, acks=all, max.request.size 8 MiB (so the OVERSIZE
 * malformed record can be sent: also raise the topic's limit with {@link #allowLargeRecords}).
 *
 * <p>Sends are asynchronous; a failed send is remembered and rethrown by {@link #flush()}. Thread-safe
 * (as KafkaProducer is).
 */
public final class TelemetryProducer implements AutoCloseable {

    /** The producer's max.request.size and what {@link #allowLargeRecords} sets on topics. */
    public static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;

    private final Producer<byte[], byte[]> producer;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong ackedEvents = new AtomicLong();
    private final AtomicLong ackedMalformed = new AtomicLong();
    private final AtomicLong ackedReputation = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public TelemetryProducer(String bootstrapServers) {
        this(bootstrapServers, Map.of());
    }

    /** {@code overrides} are added to (and win over) the defaults. */
    public TelemetryProducer(String bootstrapServers, Map<String, Object> overrides) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "vigil-telemetry-producer");
        p.putAll(overrides);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** To {@code telemetry.<tenantId>}, key {@code <tenantId>/<host>}. */
    public Future<RecordMetadata> send(TelemetryEvent event) {
        return send(new ProducerRecord<>(VigilTopics.telemetryTopic(event.getTenantId()),
                VigilTopics.telemetryKey(event), VigilTopics.encode(event)), ackedEvents);
    }

    public void sendAll(Collection<TelemetryEvent> events) {
        for (TelemetryEvent e : events) send(e);
    }

    /** To {@code reputation}, key {@code <scope or *>|<TYPE>|<value>}. */
    public Future<RecordMetadata> send(ReputationUpdate update) {
        return send(new ProducerRecord<>(VigilTopics.REPUTATION, VigilTopics.reputationKey(update),
                VigilTopics.encode(update)), ackedReputation);
    }

    /** Sends the feed in order and waits until every update is acknowledged. */
    public void sendFeed(List<ReputationUpdate> feed) {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (ReputationUpdate u : feed) futures.add(send(u));
        flush();
        for (Future<RecordMetadata> f : futures) await(f);
    }

    /** To the malformed record's own topic with its own key. */
    public Future<RecordMetadata> send(MalformedRecord record) {
        return send(new ProducerRecord<>(record.topic(), record.key(), record.value()), ackedMalformed);
    }

    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        return send(record, null);
    }

    private Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, AtomicLong counter) {
        return producer.send(record, (md, ex) -> {
            if (ex != null) {
                failure.compareAndSet(null, ex);
            } else {
                acked.incrementAndGet();
                if (counter != null) counter.incrementAndGet();
            }
        });
    }

    /** Records acknowledged by the broker so far. */
    public long acknowledged() {
        return acked.get();
    }

    /** Valid telemetry events ({@link #send(TelemetryEvent)}) acknowledged so far. */
    public long acknowledgedEvents() {
        return ackedEvents.get();
    }

    /** Malformed records acknowledged so far. */
    public long acknowledgedMalformed() {
        return ackedMalformed.get();
    }

    /** Reputation updates acknowledged so far. */
    public long acknowledgedReputationUpdates() {
        return ackedReputation.get();
    }

    /** Waits for every send so far; throws the first send failure, if any. */
    public void flush() {
        producer.flush();
        Exception e = failure.get();
        if (e != null) throw new IllegalStateException("a send failed: " + e, e);
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }

    /**
     * Sets {@code max.message.bytes} = {@link #MAX_REQUEST_BYTES} on {@code topics} (which must exist), so that
     * records over Kafka's default 1 MiB limit are accepted.
     */
    public static void allowLargeRecords(String bootstrapServers, Collection<String> topics) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            Map<ConfigResource, Collection<AlterConfigOp>> ops = new java.util.HashMap<>();
            for (String topic : topics) {
                ops.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_REQUEST_BYTES)),
                        AlterConfigOp.OpType.SET)));
            }
            admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not raise max.message.bytes on " + topics + ": " + e, e);
        }
    }

    private static void await(Future<RecordMetadata> f) {
        try {
            f.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("send failed: " + e, e);
        }
    }
}
