package dev.vigil.jobs.detection.decode;

import dev.vigil.detections.windows.WindowsEventJson;
import dev.vigil.detections.windows.WindowsTelemetry;
import dev.vigil.schema.DeadLetterReason;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.internal.DecodedRecord;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Turns one Kafka record of a {@code raw-windows.<tenant>} topic — one Windows event as a third-party
 * collector exports it (evtx_dump's {@code {"Event":{"System":..}}} or a flat Winlogbeat / NXLog
 * object) — into a {@link TelemetryEvent} with its typed activity and complete {@code raw} map
 * ({@link WindowsTelemetry}), or a dead letter with a reason. Never throws on input.
 *
 * <p>The event id derives from (tenant, computer, channel, EventRecordID), or from the record's
 * topic, partition and offset when the export has no record id, so a replay yields the same ids.
 */
public final class WindowsEventDecoder implements RecordDecoder<DecodedRecord> {

    private static final long serialVersionUID = 1L;

    private final int maxRecordBytes;
    private final long maxFutureSkewMillis;

    public WindowsEventDecoder(int maxRecordBytes, Duration maxFutureSkew) {
        this.maxRecordBytes = maxRecordBytes;
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
    }

    @Override
    public DecodedRecord decode(String topic, int partition, long offset, byte[] key, byte[] value, long recordTimestamp) {
        String tenant = Tenants.resolve(topic, key);
        if (tenant == null) {
            return dead(DeadLetterReason.MISSING_TENANT, "neither topic '" + topic + "' nor the record key names a valid tenant",
                    topic, partition, offset, null, key, value, recordTimestamp);
        }
        if (value == null || value.length == 0) {
            return dead(DeadLetterReason.UNDECODABLE, "empty record value", topic, partition, offset, tenant, key, value, recordTimestamp);
        }
        if (value.length > maxRecordBytes) {
            return dead(DeadLetterReason.OVERSIZE, value.length + " bytes exceeds the limit of " + maxRecordBytes,
                    topic, partition, offset, tenant, key, value, recordTimestamp);
        }
        List<Map<String, Object>> events;
        try {
            events = WindowsEventJson.read(new ByteArrayInputStream(value));
        } catch (Exception | StackOverflowError e) {
            return dead(DeadLetterReason.UNDECODABLE, "not Windows event JSON: " + e.getMessage(),
                    topic, partition, offset, tenant, key, value, recordTimestamp);
        }
        if (events.size() != 1) {
            return dead(DeadLetterReason.UNDECODABLE, "expected one JSON object per record, found " + events.size(),
                    topic, partition, offset, tenant, key, value, recordTimestamp);
        }
        Map<String, Object> fields = events.get(0);
        if (fields.get("EventID") == null) {
            return dead(DeadLetterReason.MISSING_FIELD, "required field missing: EventID",
                    topic, partition, offset, tenant, key, value, recordTimestamp);
        }
        TelemetryEvent event = WindowsTelemetry.toTelemetry(tenant, fields, Instant.ofEpochMilli(recordTimestamp),
                topic + '/' + partition + '/' + offset);
        long eventTime = event.getEventTime().toEpochMilli();
        if (eventTime < TelemetryDecoder.MIN_EVENT_TIME_MILLIS || eventTime > recordTimestamp + maxFutureSkewMillis) {
            return dead(DeadLetterReason.IMPOSSIBLE_TIMESTAMP, "event time " + event.getEventTime()
                            + " is before 2000 or more than " + maxFutureSkewMillis + " ms after the record timestamp "
                            + recordTimestamp, topic, partition, offset, tenant, key, value, recordTimestamp);
        }
        return new DecodedRecord(event, null);
    }

    private static DecodedRecord dead(DeadLetterReason reason, String message, String topic, int partition, long offset,
            String tenant, byte[] key, byte[] value, long recordTimestamp) {
        return new DecodedRecord(null, DeadLetters.of(reason, message, topic, partition, offset, tenant, key, value, recordTimestamp));
    }
}
