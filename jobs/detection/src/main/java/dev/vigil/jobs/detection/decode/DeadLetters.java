package dev.vigil.jobs.detection.decode;

import dev.vigil.schema.internal.DecodedRecord;
import dev.vigil.schema.DeadLetter;
import dev.vigil.schema.DeadLetterReason;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the dead letter for a Kafka record that could not be processed, keeping its bytes. */
final class DeadLetters {

    private DeadLetters() {}

    static DeadLetter of(DeadLetterReason reason, String message, String topic, int partition, long offset,
            String tenant, byte[] key, byte[] value, long recordTimestamp) {
        return DeadLetter.newBuilder()
                .setReason(reason)
                .setMessage(message)
                .setTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setTenantId(tenant)
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setRecordTimestamp(Instant.ofEpochMilli(recordTimestamp))
                .setDeadLetteredAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                .build();
    }

    /** A decoded telemetry record that is a dead letter. */
    static DecodedRecord deadRecord(DeadLetterReason reason, String message, String topic, int partition, long offset,
            String tenant, byte[] key, byte[] value, long recordTimestamp) {
        return new DecodedRecord(null, of(reason, message, topic, partition, offset, tenant, key, value, recordTimestamp));
    }

    /**
     * What every telemetry input checks before parsing a body: a valid tenant, a value, a size
     * within the limit. Returns the dead letter, or {@code null} when the record may be parsed.
     */
    static DecodedRecord checkEnvelope(String tenant, String topic, int partition, long offset, byte[] key, byte[] value,
            long recordTimestamp, int maxRecordBytes) {
        if (tenant == null) {
            return deadRecord(DeadLetterReason.MISSING_TENANT, "neither topic '" + topic + "' nor the record key names a valid tenant",
                    topic, partition, offset, null, key, value, recordTimestamp);
        }
        if (value == null || value.length == 0) {
            return deadRecord(DeadLetterReason.UNDECODABLE, "empty record value", topic, partition, offset, tenant, key, value,
                    recordTimestamp);
        }
        if (value.length > maxRecordBytes) {
            return deadRecord(DeadLetterReason.OVERSIZE, value.length + " bytes exceeds the limit of " + maxRecordBytes,
                    topic, partition, offset, tenant, key, value, recordTimestamp);
        }
        return null;
    }

    /** Earlier event times are impossible for live telemetry (2000-01-01T00:00:00Z). */
    static final long MIN_EVENT_TIME_MILLIS = 946_684_800_000L;

    /**
     * An event time before 2000, or further than {@code maxFutureSkewMillis} after the record's
     * timestamp (it would drag the watermark into the future): the dead letter, else {@code null}.
     */
    static DecodedRecord checkEventTime(Instant eventTime, String tenant, String topic, int partition, long offset, byte[] key,
            byte[] value, long recordTimestamp, long maxFutureSkewMillis) {
        long t = eventTime.toEpochMilli();
        if (t >= MIN_EVENT_TIME_MILLIS && t <= recordTimestamp + maxFutureSkewMillis) {
            return null;
        }
        return deadRecord(DeadLetterReason.IMPOSSIBLE_TIMESTAMP, "event time " + eventTime + " is before 2000 or more than "
                + maxFutureSkewMillis + " ms after the record timestamp " + recordTimestamp, topic, partition, offset, tenant, key,
                value, recordTimestamp);
    }
}
