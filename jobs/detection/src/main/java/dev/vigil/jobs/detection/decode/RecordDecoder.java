package dev.vigil.jobs.detection.decode;

import java.io.Serializable;

/**
 * Turns one Kafka record into a value-or-dead-letter wrapper, never throwing on input.
 *
 * @param <T> the wrapper ({@code DecodedRecord}, {@code DecodedReputation})
 */
public interface RecordDecoder<T> extends Serializable {

    T decode(String topic, int partition, long offset, byte[] key, byte[] value, long recordTimestamp);
}
