package dev.vigil.jobs.detection.decode;

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
}
