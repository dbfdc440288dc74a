package dev.vigil.local.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detections.samples.DetectionFolder;
import dev.vigil.detections.samples.DetectionSamples;
import dev.vigil.detections.samples.DetectionSamples.SampleCase;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Recorded attacks beside the generated telemetry: the positive samples of the bundled detections
 * ({@code udfs/detections/<folder>/samples.yml}; for the SigmaHQ rules these are SigmaHQ's own
 * regression events, evtx_dump output of real attacks) sent as third-party Windows JSON to
 * {@code raw-windows.<tenant>}, one case at a time, each once. They reach the Sigma rules and the
 * Java detections through the job's Windows adapter, as a collector's export would.
 *
 * <p>Cases that depend on reputation verdicts are left out: the demo's feed does not hold theirs.
 */
final class RecordedAttacks implements AutoCloseable {

    static final String TOPIC_PREFIX = "raw-windows.";

    /** One recorded case, ready to send. */
    record Attack(String detection, String name, String tenant, List<byte[]> events) {}

    private final List<Attack> attacks;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicLong acknowledged = new AtomicLong();
    private int next;

    private RecordedAttacks(List<Attack> attacks, KafkaProducer<byte[], byte[]> producer) {
        this.attacks = attacks;
        this.producer = producer;
    }

    /** The recorded cases under {@code detectionsRoot}, spread over the tenants; none when the folder is absent. */
    static List<Attack> load(Path detectionsRoot, List<String> tenants) {
        List<Attack> attacks = new ArrayList<>();
        if (!Files.isDirectory(detectionsRoot)) {
            return attacks;
        }
        ObjectMapper json = new ObjectMapper();
        List<List<SampleCase>> perFolder = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path folder : DetectionFolder.list(detectionsRoot)) {
            DetectionFolder detection = DetectionFolder.load(folder);
            perFolder.add(DetectionSamples.load(detection.samplesFile()).positive().stream()
                    .filter(c -> c.reputation().isEmpty()).toList());
            names.add(detection.name());
        }
        // round-robin over the detections, so even a short demo shows each of them
        for (int round = 0; ; round++) {
            boolean any = false;
            for (int f = 0; f < perFolder.size(); f++) {
                if (round < perFolder.get(f).size()) {
                    SampleCase c = perFolder.get(f).get(round);
                    attacks.add(new Attack(names.get(f), c.name(), tenants.get(attacks.size() % tenants.size()),
                            serialize(json, c.events())));
                    any = true;
                }
            }
            if (!any) {
                return attacks;
            }
        }
    }

    private static List<byte[]> serialize(ObjectMapper json, List<Map<String, Object>> events) {
        List<byte[]> out = new ArrayList<>(events.size());
        for (Map<String, Object> e : events) {
            try {
                out.add(json.writeValueAsBytes(e));
            } catch (JsonProcessingException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return out;
    }

    static RecordedAttacks start(List<Attack> attacks, String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new RecordedAttacks(attacks, new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    int size() {
        return attacks.size();
    }

    int sentCount() {
        return next;
    }

    boolean exhausted() {
        return next >= attacks.size();
    }

    /** Sends the next recorded case, or nothing when all were sent; returns it or null. */
    Attack sendNext() {
        if (exhausted()) {
            return null;
        }
        Attack a = attacks.get(next++);
        for (byte[] event : a.events()) {
            producer.send(new ProducerRecord<>(TOPIC_PREFIX + a.tenant(), event), (metadata, error) -> {
                if (error == null) {
                    acknowledged.incrementAndGet();
                }
            });
        }
        return a;
    }

    /** Events the broker acknowledged: each must come back as an enriched event. */
    long acknowledged() {
        return acknowledged.get();
    }

    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
