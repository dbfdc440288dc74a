package dev.vigil.jobs.detection.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.testing.telemetry.TelemetryGenerator;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.local.LocalDataOutputStream;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetArchiveTest {

    @TempDir
    Path dir;

    @Test
    void uniqueColumnsArePlainAndRepeatedOnesKeepTheirDictionary() throws Exception {
        assertThat(ParquetArchive.PLAIN_COLUMNS).contains(
                "event.eventId", "event.eventTime", "event.ingestTime",
                "event.activity.member0.process.guid", "event.activity.member0.parent.guid",
                "event.activity.member1.srcPort", "event.activity.member2.hashes.sha256")
                .doesNotContain("event.tenantId", "event.raw.key_value.value",
                        "event.activity.member0.process.imagePath", "event.activity.member0.process.hashes.sha256");

        List<EnrichedEvent> events = new ArrayList<>();
        for (TelemetryEvent e : TelemetryGenerator.builder().seed(7).build().next(2_000)) {
            events.add(EnrichedEvent.newBuilder().setEvent(e).build());
        }
        File file = dir.resolve("archive.parquet").toFile();
        BulkWriter<EnrichedEvent> writer = ParquetArchive.writerFactory().create(new LocalDataOutputStream(file));
        for (EnrichedEvent e : events) writer.addElement(e);
        writer.finish();

        Map<String, Boolean> dictionaryByColumn = new HashMap<>();
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file.toPath()))) {
            for (ColumnChunkMetaData chunk : reader.getFooter().getBlocks().get(0).getColumns()) {
                dictionaryByColumn.put(chunk.getPath().toDotString(), chunk.hasDictionaryPage());
            }
        }
        for (String plain : ParquetArchive.PLAIN_COLUMNS) {
            assertThat(dictionaryByColumn).as(plain).containsEntry(plain, false);
        }
        assertThat(dictionaryByColumn).containsEntry("event.tenantId", true)
                .containsEntry("event.raw.key_value.value", true)
                .containsEntry("event.activity.member0.process.imagePath", true);

        // Every event reads back with its id and times.
        List<String> ids = new ArrayList<>();
        try (ParquetReader<GenericRecord> reader =
                     AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file.toPath())).build()) {
            for (GenericRecord r; (r = reader.read()) != null; ) {
                GenericRecord event = (GenericRecord) r.get("event");
                ids.add(event.get("eventId").toString());
            }
        }
        assertThat(ids).containsExactlyElementsOf(events.stream().map(e -> e.getEvent().getEventId()).toList());
    }
}
