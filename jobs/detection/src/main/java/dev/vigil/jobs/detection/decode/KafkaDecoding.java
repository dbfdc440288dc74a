package dev.vigil.jobs.detection.decode;

import dev.vigil.schema.internal.DecodedRecord;
import dev.vigil.schema.internal.DecodedReputation;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka deserializers of the inputs. Decoding happens inside the source so that watermarks are
 * generated per Kafka partition from event time; a record that cannot be decoded becomes a dead
 * letter in the same stream instead of an exception that would fail the job.
 */
public final class KafkaDecoding<T extends SpecificRecordBase> implements KafkaRecordDeserializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final RecordDecoder<T> decoder;
    private final Class<T> type;

    private KafkaDecoding(RecordDecoder<T> decoder, Class<T> type) {
        this.decoder = decoder;
        this.type = type;
    }

    public static KafkaRecordDeserializationSchema<DecodedRecord> telemetry(TelemetryDecoder decoder) {
        return new KafkaDecoding<>(decoder, DecodedRecord.class);
    }

    public static KafkaRecordDeserializationSchema<DecodedRecord> windows(WindowsEventDecoder decoder) {
        return new KafkaDecoding<>(decoder, DecodedRecord.class);
    }

    public static KafkaRecordDeserializationSchema<DecodedReputation> reputation() {
        return new KafkaDecoding<>(new ReputationDecoder(), DecodedReputation.class);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) {
        out.collect(decoder.decode(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                record.timestamp()));
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return new AvroTypeInfo<>(type);
    }
}
