package dev.vigil.schema.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schema.Alert;
import dev.vigil.schema.AuthOutcome;
import dev.vigil.schema.AuthenticationActivity;
import dev.vigil.schema.Host;
import dev.vigil.schema.TelemetryEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaHistoryTest {

    static Stream<String> wireRecords() {
        return SchemaHistory.WIRE_RECORDS.stream();
    }

    @ParameterizedTest
    @MethodSource("wireRecords")
    void newestVersionIsTheGeneratedSchema(String record) throws Exception {
        Schema generated = SpecificData.get().getSchema(Class.forName("dev.vigil.schema." + record));
        List<Schema> versions = SchemaHistory.versions(record);
        Schema newest = versions.get(versions.size() - 1);
        assertThat(newest)
                .as("%s.avsc changed without a new history version; add v%d.avsc:%n%s",
                        record, versions.size() + 1, generated.toString(true))
                .isEqualTo(generated);
    }

    @ParameterizedTest
    @MethodSource("wireRecords")
    void newestVersionIsBackwardAndForwardCompatibleWithThePreviousOne(String record) {
        List<Schema> versions = SchemaHistory.versions(record);
        Schema newest = versions.get(versions.size() - 1);
        Schema previous = versions.size() > 1 ? versions.get(versions.size() - 2) : newest;
        // backward: the new reader reads what old writers wrote; forward: old readers read new data
        assertCompatible(newest, previous);
        assertCompatible(previous, newest);
    }

    @Test
    void everyRecordWithHistoryHasEvolvedAtLeastOnceOrIsAtItsFirstVersion() {
        assertThat(SchemaHistory.versions("TelemetryEvent")).hasSize(2);
        assertThat(SchemaHistory.versions("Alert")).hasSize(3);
        assertThat(SchemaHistory.versions("DeadLetter")).hasSize(1);
    }

    @Test
    void compatibilityCheckRejectsABreakingChange() {
        Schema previous = SchemaHistory.versions("TelemetryEvent").get(0);
        // a field added WITHOUT a default cannot be read from old data
        Schema breaking = new Schema.Parser().parse(previous.toString()
                .replaceFirst("\"fields\":\\[", "\"fields\":[{\"name\":\"mandatoryNew\",\"type\":\"string\"},"));
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(breaking, previous).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void readerDecodesARecordWrittenWithVersionOne() throws Exception {
        Schema v1 = SchemaHistory.versions("TelemetryEvent").get(0);
        GenericRecord host = new GenericData.Record(v1.getField("host").schema());
        host.put("name", "ws-01");
        GenericRecord event = new GenericData.Record(v1);
        event.put("tenantId", "acme");
        event.put("eventId", "e-1");
        event.put("eventTime", 1_700_000_000_000L);
        event.put("ingestTime", 1_700_000_000_100L);
        event.put("sensorId", "s-1");
        event.put("host", host);
        event.put("activity", null);
        event.put("raw", Map.of("EventID", "4625"));

        TelemetryEvent decoded = WireCodec.of(TelemetryEvent.class).decode(singleObject(v1, event));

        assertThat(decoded.getEventId()).isEqualTo("e-1");
        assertThat(decoded.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(decoded.getSourceProduct()).as("field added in v2 takes its default").isNull();
        assertThat(decoded.getRaw()).containsEntry("EventID", "4625");
    }

    @Test
    void roundTripsTheCurrentVersionAndRejectsUnknownWriters() throws Exception {
        WireCodec<TelemetryEvent> codec = WireCodec.of(TelemetryEvent.class);
        TelemetryEvent event = TelemetryEvent.newBuilder()
                .setTenantId("acme").setEventId("e-2")
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setIngestTime(Instant.ofEpochMilli(1_700_000_000_050L))
                .setSensorId("s-1").setHost(Host.newBuilder().setName("dc-01").build())
                .setSourceProduct("windows-security")
                .setActivity(AuthenticationActivity.newBuilder().setUser("alice")
                        .setOutcome(AuthOutcome.FAILURE).build())
                .build();
        byte[] bytes = codec.encode(event);
        assertThat(codec.decode(bytes)).isEqualTo(event);

        // same bytes with the fingerprint of a schema nobody registered
        bytes[2] ^= 0x5A;
        assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(MissingSchemaException.class);
    }

    @Test
    void codecOfOneTypeDoesNotReadAnother() {
        byte[] alertBytes = WireCodec.of(Alert.class).encode(Alert.newBuilder()
                .setAlertId("a").setTenantId("t")
                .setDetection(dev.vigil.schema.DetectionRef.newBuilder().setId("d").setVersion(1)
                        .setTitle("x").setSeverity(dev.vigil.schema.Severity.LOW).setAuthor("me").build())
                .setEntity(dev.vigil.schema.Entity.newBuilder().setType("host").setValue("h").build())
                .setFirstSeen(Instant.EPOCH).setLastSeen(Instant.EPOCH).setEventIds(List.of("e")).build());
        assertThatThrownBy(() -> WireCodec.of(TelemetryEvent.class).decode(alertBytes))
                .isInstanceOf(MissingSchemaException.class);
    }

    private static void assertCompatible(Schema reader, Schema writer) {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType())
                .as("reader %s / writer %s", reader.getFullName(), writer.getFullName())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    private static byte[] singleObject(Schema writer, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        long fingerprint = SchemaNormalization.parsingFingerprint64(writer);
        for (int i = 0; i < 8; i++) {
            out.write((int) (fingerprint >>> (8 * i)) & 0xFF);
        }
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
