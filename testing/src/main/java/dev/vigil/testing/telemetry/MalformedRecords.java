package dev.vigil.testing.telemetry;

import dev.vigil.schema.DeadLetterReason;
import dev.vigil.schema.TelemetryEvent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Records the detection job must dead-letter, each labelled with the {@link DeadLetterReason} the job should
 * give it. Each is addressed like real telemetry: topic {@code telemetry.<tenant>}, key {@code <tenant>/<host>}.
 *
 * <table>
 *   <caption>Shapes</caption>
 *   <tr><th>factory</th><th>bytes</th><th>reason</th></tr>
 *   <tr><td>{@link #randomBytes}</td><td>16..200 random bytes, never starting with C3 01</td><td>UNDECODABLE</td></tr>
 *   <tr><td>{@link #truncated}</td><td>a strict prefix (header kept) of a valid encoding</td><td>UNDECODABLE</td></tr>
 *   <tr><td>{@link #unknownSchema}</td><td>a valid encoding with its 8 fingerprint bytes replaced</td><td>UNKNOWN_SCHEMA</td></tr>
 *   <tr><td>{@link #oversize}</td><td>a valid, decodable encoding larger than {@link #MAX_RECORD_BYTES}</td><td>OVERSIZE</td></tr>
 *   <tr><td>{@link #emptyEventId}</td><td>a valid encoding whose eventId is ""</td><td>MISSING_FIELD</td></tr>
 *   <tr><td>{@link #impossibleTimestamp}</td><td>a valid encoding with eventTime in 1970 or in year 3000</td><td>IMPOSSIBLE_TIMESTAMP</td></tr>
 *   <tr><td>{@link #tenantMismatch}</td><td>a valid encoding whose body tenantId is another tenant than the topic's</td><td>TENANT_MISMATCH</td></tr>
 * </table>
 *
 * <p>An OVERSIZE record is {@link #MAX_RECORD_BYTES} + 64 KiB (~576 KiB): over the job's limit, under Kafka's
 * default 1 MiB message limit, so it and its dead letter pass through brokers and producers with default settings.
 */
public final class MalformedRecords {

    /**
     * The job's default limit on a telemetry record value (vigil.decode.max-record-bytes, 512 KiB),
     * kept below Kafka's default 1 MiB message limit so an oversize record reaches the job at all.
     */
    public static final int MAX_RECORD_BYTES = 512 * 1024;

    /** eventTime of the "1970" impossible-timestamp record: seven seconds after the epoch. */
    public static final Instant EPOCH_TIME = Instant.parse("1970-01-01T00:00:07Z");
    /** eventTime of the "year 3000" impossible-timestamp record. */
    public static final Instant YEAR_3000_TIME = Instant.parse("3000-01-01T00:00:00Z");

    /** A record the job must dead-letter with {@code reason}. */
    public record MalformedRecord(DeadLetterReason reason, String description, String tenant, String topic,
                                  byte[] key, byte[] value) {
        public MalformedRecord {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return "MalformedRecord[" + reason + ": " + description + ", topic=" + topic + ", " + value.length + " bytes]";
        }
    }

    private MalformedRecords() {}

    /** 16..200 random bytes (first byte never 0xC3, so never a single-object header). */
    public static MalformedRecord randomBytes(String tenant, String hostName, Random random) {
        byte[] value = new byte[16 + random.nextInt(185)];
        random.nextBytes(value);
        if (value[0] == (byte) 0xC3) value[0] = 0x42;
        return new MalformedRecord(DeadLetterReason.UNDECODABLE, "random bytes", tenant,
                VigilTopics.telemetryTopic(tenant), VigilTopics.telemetryKey(tenant, hostName), value);
    }

    /** A strict prefix of {@code valid}'s encoding that keeps the 10-byte header and cuts the body. */
    public static MalformedRecord truncated(TelemetryEvent valid, Random random) {
        byte[] full = VigilTopics.encode(valid);
        int bodyLength = full.length - 10;
        int cut = 10 + 1 + random.nextInt(Math.max(1, bodyLength - 1)); // 11 .. full.length-1
        cut = Math.min(cut, full.length - 1);
        return new MalformedRecord(DeadLetterReason.UNDECODABLE,
                "valid encoding truncated to " + cut + " of " + full.length + " bytes",
                valid.getTenantId(), VigilTopics.telemetryTopic(valid.getTenantId()),
                VigilTopics.telemetryKey(valid), Arrays.copyOf(full, cut));
    }

    /** {@code valid}'s encoding with a random writer-schema fingerprint no reader knows. */
    public static MalformedRecord unknownSchema(TelemetryEvent valid, Random random) {
        byte[] bytes = VigilTopics.encode(valid);
        long real = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long fake;
        do {
            fake = random.nextLong();
        } while (fake == real);
        ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(fake);
        return new MalformedRecord(DeadLetterReason.UNKNOWN_SCHEMA,
                String.format("unknown writer fingerprint %016x", fake), valid.getTenantId(),
                VigilTopics.telemetryTopic(valid.getTenantId()), VigilTopics.telemetryKey(valid), bytes);
    }

    /**
     * {@code valid} with a base64-looking PowerShell command line of {@link #MAX_RECORD_BYTES} + 64 KiB in its raw
     * map: it decodes, but its encoding is larger than {@link #MAX_RECORD_BYTES}.
     */
    public static MalformedRecord oversize(TelemetryEvent valid, Random random) {
        int size = MAX_RECORD_BYTES + 64 * 1024;
        char[] alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
        StringBuilder sb = new StringBuilder(size + 64);
        sb.append("powershell.exe -NoProfile -EncodedCommand ");
        while (sb.length() < size) sb.append(alphabet[random.nextInt(alphabet.length)]);
        TelemetryEvent big = TelemetryEvent.newBuilder(valid).build();
        Map<String, String> raw = new HashMap<>(big.getRaw());
        raw.put("CommandLine", sb.toString());
        big.setRaw(raw);
        byte[] bytes = VigilTopics.encode(big);
        return new MalformedRecord(DeadLetterReason.OVERSIZE, "record of " + bytes.length + " bytes",
                valid.getTenantId(), VigilTopics.telemetryTopic(valid.getTenantId()),
                VigilTopics.telemetryKey(valid), bytes);
    }

    /** {@code valid} with {@code eventId = ""}. */
    public static MalformedRecord emptyEventId(TelemetryEvent valid) {
        TelemetryEvent e = TelemetryEvent.newBuilder(valid).setEventId("").build();
        return new MalformedRecord(DeadLetterReason.MISSING_FIELD, "empty eventId", valid.getTenantId(),
                VigilTopics.telemetryTopic(valid.getTenantId()), VigilTopics.telemetryKey(valid),
                VigilTopics.encode(e));
    }

    /** {@code valid} with eventTime {@link #EPOCH_TIME} (false) or {@link #YEAR_3000_TIME} (true). */
    public static MalformedRecord impossibleTimestamp(TelemetryEvent valid, boolean future) {
        Instant t = future ? YEAR_3000_TIME : EPOCH_TIME;
        TelemetryEvent e = TelemetryEvent.newBuilder(valid).setEventTime(t).build();
        return new MalformedRecord(DeadLetterReason.IMPOSSIBLE_TIMESTAMP, "eventTime " + t, valid.getTenantId(),
                VigilTopics.telemetryTopic(valid.getTenantId()), VigilTopics.telemetryKey(valid),
                VigilTopics.encode(e));
    }

    /**
     * {@code validOfOtherTenant} (body tenantId = its own tenant) sent to {@code topicTenant}'s topic with a
     * {@code topicTenant/<host>} key.
     */
    public static MalformedRecord tenantMismatch(TelemetryEvent validOfOtherTenant, String topicTenant) {
        if (topicTenant.equals(validOfOtherTenant.getTenantId())) {
            throw new IllegalArgumentException("body tenant and topic tenant are both " + topicTenant);
        }
        return new MalformedRecord(DeadLetterReason.TENANT_MISMATCH,
                "body tenantId " + validOfOtherTenant.getTenantId() + " on the topic of " + topicTenant,
                topicTenant, VigilTopics.telemetryTopic(topicTenant),
                VigilTopics.telemetryKey(topicTenant, validOfOtherTenant.getHost().getName()),
                VigilTopics.encode(validOfOtherTenant));
    }

    /**
     * One record of each shape (8 records covering the six reasons), all derived from {@code template}
     * (each decodable one gets its own eventId derived from the template's). {@code otherTenant} must differ from the
     * template's tenant: the TENANT_MISMATCH record claims the template's tenant on otherTenant's topic.
     */
    public static List<MalformedRecord> oneOfEach(TelemetryEvent template, String otherTenant, long seed) {
        Random random = new Random(seed);
        List<MalformedRecord> out = new ArrayList<>();
        out.add(randomBytes(template.getTenantId(), template.getHost().getName(), random));
        out.add(truncated(withDerivedId(template, "truncated"), random));
        out.add(unknownSchema(withDerivedId(template, "unknown-schema"), random));
        out.add(oversize(withDerivedId(template, "oversize"), random));
        out.add(emptyEventId(template));
        out.add(impossibleTimestamp(withDerivedId(template, "1970"), false));
        out.add(impossibleTimestamp(withDerivedId(template, "3000"), true));
        out.add(tenantMismatch(withDerivedId(template, "tenant-mismatch"), otherTenant));
        return out;
    }

    /** A copy of {@code e} with a new eventId derived from its own and {@code label}. */
    static TelemetryEvent withDerivedId(TelemetryEvent e, String label) {
        return TelemetryEvent.newBuilder(e).setEventId(TelemetryFixtures.eventId(e.getEventId() + "/" + label)).build();
    }
}
