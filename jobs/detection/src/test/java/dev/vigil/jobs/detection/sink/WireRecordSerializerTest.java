package dev.vigil.jobs.detection.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.DeadLetter;
import dev.vigil.schema.DeadLetterReason;
import dev.vigil.schema.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class WireRecordSerializerTest {

    @Test
    void keysByTenantEncodesSingleObjectAndLeavesTheTimestampToTheBroker() throws Exception {
        WireRecordSerializer<DeadLetter> serializer = new WireRecordSerializer<>("dead-letters", DeadLetter.class, DeadLetter::getTenantId);
        DeadLetter dead = DeadLetter.newBuilder().setReason(DeadLetterReason.OVERSIZE).setMessage("big").setTopic("telemetry.acme")
                .setPartition(1).setOffset(9).setTenantId("acme").setRecordTimestamp(Instant.EPOCH).setDeadLetteredAt(Instant.EPOCH)
                .build();
        long eventTimeFromLastYear = Instant.parse("2025-06-02T09:00:00Z").toEpochMilli();

        ProducerRecord<byte[], byte[]> record = serializer.serialize(dead, null, eventTimeFromLastYear);

        assertThat(record.topic()).isEqualTo("dead-letters");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("acme");
        assertThat(WireCodec.of(DeadLetter.class).decode(record.value())).isEqualTo(dead);
        // an old event time as the record timestamp would let retention delete committed output at once
        assertThat(record.timestamp()).isNull();
    }
}
