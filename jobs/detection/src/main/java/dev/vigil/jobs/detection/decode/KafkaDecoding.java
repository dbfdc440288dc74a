package dev.vigil.jobs.detection.decode;

import dev.vigil.schema.internal.DecodedRecord;
import dev.vigil.schema.internal.DecodedReputation;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka deserializers of the two inputs. Decoding happens inside the source so that watermarks are
 * generated per Kafka partition from event time; a record that cannot be decoded becomes a dead
 * letter in the same stream instead of an exception that would fail the job.
 */
public final class KafkaDecoding {

    private KafkaDecoding() {}

    public static KafkaRecordDeserializationSchema<DecodedRecord> telemetry(TelemetryDecoder decoder) {
        return new Telemetry(decoder);
    }

    public static KafkaRecordDeserializationSchema<DecodedReputation> reputation() {
        return new Reputation(new ReputationDecoder());
    }

    private static final class Telemetry implements KafkaRecordDeserializationSchema<DecodedRecord> {
        private static final long serialVersionUID = 1L;
        private final TelemetryDecoder decoder;

        Telemetry(TelemetryDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DecodedRecord> out) throws IOException {
            out.collect(decoder.decode(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                    record.timestamp()));
        }

        @Override
        public TypeInformation<DecodedRecord> getProducedType() {
            return new AvroTypeInfo<>(DecodedRecord.class);
        }
    }

    private static final class Reputation implements KafkaRecordDeserializationSchema<DecodedReputation> {
        private static final long serialVersionUID = 1L;
        private final ReputationDecoder decoder;

        Reputation(ReputationDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DecodedReputation> out) throws IOException {
            out.collect(decoder.decode(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                    record.timestamp()));
        }

        @Override
        public TypeInformation<DecodedReputation> getProducedType() {
            return new AvroTypeInfo<>(DecodedReputation.class);
        }
    }
}
