package dev.vigil.jobs.detection.decode;

import dev.vigil.schema.DeadLetterReason;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.internal.DecodedReputation;
import dev.vigil.schema.wire.WireCodec;
import java.util.Locale;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;

/**
 * Turns one record of the reputation topic into a normalized {@link ReputationUpdate} or a dead
 * letter. Values are normalized the same way {@code IndicatorExtractor} normalizes event fields,
 * so lookups are exact-match.
 */
public final class ReputationDecoder implements RecordDecoder<DecodedReputation> {

    private static final long serialVersionUID = 1L;

    private final WireCodec<ReputationUpdate> codec = WireCodec.of(ReputationUpdate.class);

    @Override
    public DecodedReputation decode(String topic, int partition, long offset, byte[] key, byte[] value, long recordTimestamp) {
        ReputationUpdate update;
        try {
            if (value == null || value.length == 0) {
                return dead(DeadLetterReason.UNDECODABLE, "empty record value", topic, partition, offset, key, value, recordTimestamp);
            }
            update = codec.decode(value);
        } catch (MissingSchemaException e) {
            return dead(DeadLetterReason.UNKNOWN_SCHEMA, "writer schema fingerprint not in the schema history: " + e.getMessage(),
                    topic, partition, offset, key, value, recordTimestamp);
        } catch (BadHeaderException e) {
            return dead(DeadLetterReason.UNDECODABLE, "not Avro single-object encoded: " + e.getMessage(),
                    topic, partition, offset, key, value, recordTimestamp);
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            return dead(DeadLetterReason.UNDECODABLE, "corrupt Avro body: " + e, topic, partition, offset, key, value, recordTimestamp);
        }
        if (update.getValue() == null || update.getValue().isBlank() || update.getSource() == null) {
            return dead(DeadLetterReason.MISSING_FIELD, "indicator value and source are required", topic, partition, offset, key, value,
                    recordTimestamp);
        }
        if (update.getScope() != null && !Tenants.isValid(update.getScope())) {
            return dead(DeadLetterReason.MISSING_TENANT, "scope '" + update.getScope() + "' is not a valid tenant id",
                    topic, partition, offset, key, value, recordTimestamp);
        }
        update.setValue(normalize(update.getIndicatorType(), update.getValue()));
        return new DecodedReputation(update, null);
    }

    /** Canonical form of an indicator value: lower-case hashes and domains, no trailing dot, trimmed. */
    public static String normalize(IndicatorType type, String value) {
        String v = value.trim();
        switch (type) {
            case SHA256, SHA1, MD5, DOMAIN -> {
                v = v.toLowerCase(Locale.ROOT);
                if (type == IndicatorType.DOMAIN && v.endsWith(".")) {
                    v = v.substring(0, v.length() - 1);
                }
                return v;
            }
            default -> {
                return v;
            }
        }
    }

    private static DecodedReputation dead(DeadLetterReason reason, String message, String topic, int partition, long offset,
            byte[] key, byte[] value, long recordTimestamp) {
        return new DecodedReputation(null, DeadLetters.of(reason, message, topic, partition, offset, null, key, value, recordTimestamp));
    }
}
