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
        DecodedRecord rejected = DeadLetters.checkEnvelope(tenant, topic, partition, offset, key, value, recordTimestamp,
                maxRecordBytes);
        if (rejected != null) {
            return rejected;
        }
        List<Map<String, Object>> events;
        try {
            events = WindowsEventJson.read(new ByteArrayInputStream(value));
        } catch (Exception | StackOverflowError e) {
            return DeadLetters.deadRecord(DeadLetterReason.UNDECODABLE, "not Windows event JSON: " + e.getMessage(),
                    topic, partition, offset, tenant, key, value, recordTimestamp);
        }
        if (events.size() != 1) {
            return DeadLetters.deadRecord(DeadLetterReason.UNDECODABLE, "expected one JSON object per record, found " + events.size(),
                    topic, partition, offset, tenant, key, value, recordTimestamp);
        }
        Map<String, Object> fields = events.get(0);
        if (fields.get("EventID") == null) {
            return DeadLetters.deadRecord(DeadLetterReason.MISSING_FIELD, "required field missing: EventID",
                    topic, partition, offset, tenant, key, value, recordTimestamp);
        }
        TelemetryEvent event = WindowsTelemetry.toTelemetry(tenant, fields, Instant.ofEpochMilli(recordTimestamp),
                topic + '/' + partition + '/' + offset);
        DecodedRecord impossible = DeadLetters.checkEventTime(event.getEventTime(), tenant, topic, partition, offset, key,
                value, recordTimestamp, maxFutureSkewMillis);
        if (impossible != null) {
            return impossible;
        }
        return new DecodedRecord(event, null);
    }
}
