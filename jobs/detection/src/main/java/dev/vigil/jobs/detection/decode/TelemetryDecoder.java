package dev.vigil.jobs.detection.decode;

import dev.vigil.schema.DeadLetterReason;
import dev.vigil.schema.Host;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.internal.DecodedRecord;
import dev.vigil.schema.wire.WireCodec;
import java.time.Duration;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;

/**
 * Turns one Kafka record into a valid {@link TelemetryEvent} or a dead letter with a reason. Never
 * throws on input. Decisions depend only on the record (not on the wall clock), so a replay after
 * a failure decides the same way.
 */
public final class TelemetryDecoder implements RecordDecoder<DecodedRecord> {

    private static final long serialVersionUID = 1L;

    private final WireCodec<TelemetryEvent> codec = WireCodec.of(TelemetryEvent.class);
    private final int maxRecordBytes;
    private final long maxFutureSkewMillis;

    public TelemetryDecoder(int maxRecordBytes, Duration maxFutureSkew) {
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
        TelemetryEvent event;
        try {
            event = codec.decode(value);
        } catch (MissingSchemaException e) {
            return DeadLetters.deadRecord(DeadLetterReason.UNKNOWN_SCHEMA, "writer schema fingerprint not in the schema history: " + e.getMessage(),
                    topic, partition, offset, tenant, key, value, recordTimestamp);
        } catch (BadHeaderException e) {
            return DeadLetters.deadRecord(DeadLetterReason.UNDECODABLE, "not Avro single-object encoded: " + e.getMessage(),
                    topic, partition, offset, tenant, key, value, recordTimestamp);
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            // Corrupt bodies surface as EOF, AvroRuntimeException, negative lengths (huge allocations) ...
            return DeadLetters.deadRecord(DeadLetterReason.UNDECODABLE, "corrupt Avro body: " + e, topic, partition, offset, tenant, key, value, recordTimestamp);
        }
        String missing = missingField(event);
        if (missing != null) {
            return DeadLetters.deadRecord(DeadLetterReason.MISSING_FIELD, "required field missing or empty: " + missing,
                    topic, partition, offset, tenant, key, value, recordTimestamp);
        }
        DecodedRecord impossible = DeadLetters.checkEventTime(event.getEventTime(), tenant, topic, partition, offset, key,
                value, recordTimestamp, maxFutureSkewMillis);
        if (impossible != null) {
            return impossible;
        }
        String claimed = event.getTenantId();
        if (claimed != null && !claimed.isEmpty() && !claimed.equals(tenant)) {
            return DeadLetters.deadRecord(DeadLetterReason.TENANT_MISMATCH, "body names tenant '" + claimed + "' but the record was addressed to '"
                    + tenant + "'", topic, partition, offset, tenant, key, value, recordTimestamp);
        }
        event.setTenantId(tenant);
        return new DecodedRecord(event, null);
    }

    private static String missingField(TelemetryEvent event) {
        if (event.getEventId() == null || event.getEventId().isBlank()) {
            return "eventId";
        }
        if (event.getSensorId() == null || event.getSensorId().isBlank()) {
            return "sensorId";
        }
        Host host = event.getHost();
        if (host == null || host.getName() == null || host.getName().isBlank()) {
            return "host.name";
        }
        return null;
    }
}
