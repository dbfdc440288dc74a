package dev.vigil.bench;

import dev.vigil.detections.windows.WindowsEventJson;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.Host;
import dev.vigil.schema.TelemetryEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The real-data set's Windows events (SigmaHQ regression events and OTRF recordings, 7,073) as the detection
 * job sees them: {@link TelemetryEvent}s whose {@code raw} map holds every flattened field as text, so Sigma
 * rules read them through {@code TelemetryFields} exactly as in production.
 */
public final class TelemetryCorpus {

    private TelemetryCorpus() {}

    /** Every event, in a fixed shuffled order (a stream interleaves sources and event types). */
    public static List<EnrichedEvent> events(Path realData) {
        List<EnrichedEvent> out = new ArrayList<>();
        for (Path file : eventFiles(realData)) {
            List<Map<String, Object>> events;
            try {
                events = WindowsEventJson.read(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; i < events.size(); i++) {
                out.add(new EnrichedEvent(telemetry(events.get(i), realData.relativize(file) + "#" + i), List.of()));
            }
        }
        Collections.shuffle(out, new Random(42));
        return out;
    }

    static List<Path> eventFiles(Path realData) {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(realData.resolve("sigma/regression_data"), realData.resolve("security-datasets"))) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(Files::isRegularFile)
                        .filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".jsonl"))
                        .sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /**
     * A copy of {@code e} in new objects, every key and value a new string: what decoding the event from Kafka
     * gives the detection operator (fresh, in cache, keys not interned).
     */
    public static EnrichedEvent decodedCopy(EnrichedEvent e) {
        TelemetryEvent t = e.getEvent();
        Map<String, String> raw = new HashMap<>(capacityFor(t.getRaw().size()));
        t.getRaw().forEach((k, v) -> raw.put(new String(k), new String(v)));
        return new EnrichedEvent(TelemetryEvent.newBuilder()
                .setTenantId(t.getTenantId())
                .setEventId(t.getEventId())
                .setEventTime(t.getEventTime())
                .setIngestTime(t.getIngestTime())
                .setSensorId(t.getSensorId())
                .setHost(Host.newBuilder().setName(new String(t.getHost().getName())).build())
                .setRaw(raw)
                .build(), List.of());
    }

    private static int capacityFor(int entries) {
        return (int) (entries / 0.75f) + 1;
    }

    static TelemetryEvent telemetry(Map<String, Object> fields, String identity) {
        Map<String, String> raw = new LinkedHashMap<>();
        fields.forEach((k, v) -> {
            if (v != null) {
                raw.put(k, v instanceof List<?> list ? String.join(", ", list.stream().map(String::valueOf).toList())
                        : String.valueOf(v));
            }
        });
        String host = raw.getOrDefault("Computer", raw.getOrDefault("Hostname", "unknown"));
        return TelemetryEvent.newBuilder()
                .setTenantId("bench")
                .setEventId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString())
                .setEventTime(Instant.EPOCH)
                .setIngestTime(Instant.EPOCH)
                .setSensorId("bench")
                .setHost(Host.newBuilder().setName(host).build())
                .setRaw(raw)
                .build();
    }
}
