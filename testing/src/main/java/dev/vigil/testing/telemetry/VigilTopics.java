package dev.vigil.testing.telemetry;

import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.TelemetryEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Kafka addressing used everywhere in Vigil, and the single-object wire encoding.
 *
 * <ul>
 *   <li>telemetry of tenant T: topic {@code telemetry.T}, key = UTF-8 {@code T/<host name>},
 *       value = single-object encoded {@link TelemetryEvent};</li>
 *   <li>reputation updates: topic {@code reputation}, key = UTF-8 {@code <scope or *>|<TYPE>|<value>},
 *       value = single-object encoded {@link ReputationUpdate}.</li>
 * </ul>
 */
public final class VigilTopics {

    public static final String TELEMETRY_PREFIX = "telemetry.";
    public static final String REPUTATION = "reputation";
    public static final String ALERTS = "alerts";
    public static final String ENRICHED = "enriched";
    public static final String DEAD_LETTERS = "dead-letters";

    private VigilTopics() {}

    public static String telemetryTopic(String tenant) {
        return TELEMETRY_PREFIX + Objects.requireNonNull(tenant, "tenant");
    }

    public static byte[] telemetryKey(String tenant, String hostName) {
        return (tenant + "/" + hostName).getBytes(StandardCharsets.UTF_8);
    }

    /** The key of {@code e} on its own tenant's topic. */
    public static byte[] telemetryKey(TelemetryEvent e) {
        return telemetryKey(e.getTenantId(), e.getHost().getName());
    }

    public static String reputationKeyString(ReputationUpdate u) {
        return (u.getScope() == null ? "*" : u.getScope()) + "|" + u.getIndicatorType().name() + "|" + u.getValue();
    }

    public static byte[] reputationKey(ReputationUpdate u) {
        return reputationKeyString(u).getBytes(StandardCharsets.UTF_8);
    }

    /** Avro single-object encoding (C3 01, CRC-64-AVRO fingerprint little-endian, binary body). */
    public static byte[] encode(TelemetryEvent e) {
        try {
            return toArray(e.toByteBuffer());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public static byte[] encode(ReputationUpdate u) {
        try {
            return toArray(u.toByteBuffer());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public static TelemetryEvent decodeTelemetry(byte[] bytes) throws IOException {
        return TelemetryEvent.fromByteBuffer(ByteBuffer.wrap(bytes));
    }

    public static ReputationUpdate decodeReputation(byte[] bytes) throws IOException {
        return ReputationUpdate.fromByteBuffer(ByteBuffer.wrap(bytes));
    }

    static byte[] toArray(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
