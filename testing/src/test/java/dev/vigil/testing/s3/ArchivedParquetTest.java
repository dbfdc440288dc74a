package dev.vigil.testing.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchivedParquetTest {

    static final Schema EVENT = SchemaBuilder.record("Event").fields()
            .requiredString("eventId").requiredString("tenantId").endRecord();
    static final Schema ROW = SchemaBuilder.record("Row").fields().name("event").type(EVENT).noDefault().endRecord();

    @Test
    void onlyFinishedParquetObjectsCount() {
        assertThat(ArchivedParquet.isCommitted("archive/tenant=acme/date=2026-01-01/hour=09/enriched-abc-0-3.parquet")).isTrue();
        assertThat(ArchivedParquet.isCommitted("archive/tenant=acme/date=2026-01-01/hour=09/.enriched-abc-0-4.parquet.inprogress.123")).isFalse();
        assertThat(ArchivedParquet.isCommitted("archive/tenant=acme/.enriched-abc-0-4.parquet")).isFalse();
        assertThat(ArchivedParquet.isCommitted("archive/tenant=acme/_tmp_x.parquet")).isFalse();
        assertThat(ArchivedParquet.isCommitted("archive/tenant=acme/x.json")).isFalse();
    }

    @Test
    void readsCommittedFilesAndRejectsAnotherTenantsRows(@TempDir Path tmp) throws IOException {
        try (EmbeddedS3 s3 = EmbeddedS3.start(tmp.resolve("s3"), 0)) {
            s3.createBucket("vigil-archive");
            try (S3Bucket bucket = s3.client("vigil-archive")) {
                bucket.put("archive/tenant=acme/date=2026-01-01/hour=09/part-0.parquet", parquet(tmp, "acme", "e1", "e2"));
                bucket.put("archive/tenant=acme/date=2026-01-01/hour=09/.part-1.parquet.inprogress.7", parquet(tmp, "acme", "e3"));
                bucket.put("archive/tenant=globex/date=2026-01-01/hour=09/part-0.parquet", parquet(tmp, "globex", "e4"));

                assertThat(ArchivedParquet.eventIdsByFile(bucket, "archive/")).containsOnlyKeys(
                        "archive/tenant=acme/date=2026-01-01/hour=09/part-0.parquet",
                        "archive/tenant=globex/date=2026-01-01/hour=09/part-0.parquet");
                assertThat(ArchivedParquet.eventIds(bucket, "archive/")).containsExactlyInAnyOrder("e1", "e2", "e4");

                bucket.put("archive/tenant=globex/date=2026-01-01/hour=10/part-0.parquet", parquet(tmp, "acme", "e5"));
                assertThatThrownBy(() -> ArchivedParquet.eventIds(bucket, "archive/"))
                        .hasMessageContaining("e5").hasMessageContaining("tenant acme").hasMessageContaining("tenant=globex");
            }
        }
    }

    private static byte[] parquet(Path tmp, String tenant, String... ids) throws IOException {
        Path file = Files.createTempFile(tmp, "part", ".parquet");
        Files.delete(file);
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(ROW).withDataModel(GenericData.get()).build()) {
            for (String id : ids) {
                GenericRecord event = new GenericData.Record(EVENT);
                event.put("eventId", id);
                event.put("tenantId", tenant);
                GenericRecord row = new GenericData.Record(ROW);
                row.put("event", event);
                writer.write(row);
            }
        }
        return Files.readAllBytes(file);
    }
}
