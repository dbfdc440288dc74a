package dev.vigil.jobs.detection.sink;

import dev.vigil.schema.EnrichedEvent;
import org.apache.avro.specific.SpecificData;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Long-term storage of enriched events as Parquet on S3. A bulk format rolls on every checkpoint,
 * and a file becomes visible (committed) only when the checkpoint that covers it completes, so the
 * archive holds every event exactly once.
 */
public final class ParquetArchive {

    private ParquetArchive() {}

    public static FileSink<EnrichedEvent> sink(String basePath) {
        return FileSink.forBulkFormat(new Path(basePath), writerFactory())
                .withBucketAssigner(new TenantHourBucketAssigner())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("enriched").withPartSuffix(".parquet").build())
                .build();
    }

    /**
     * Flink's {@code AvroParquetWriters.forSpecificRecord} writes with a data model that lacks the
     * generated classes' logical-type conversions and fails on {@code timestamp-millis} fields
     * (Instant); the generated class's own model has them, and Parquet keeps the timestamp type.
     */
    static ParquetWriterFactory<EnrichedEvent> writerFactory() {
        return new ParquetWriterFactory<>(out -> AvroParquetWriter.<EnrichedEvent>builder(out)
                .withSchema(EnrichedEvent.getClassSchema())
                .withDataModel(SpecificData.getForClass(EnrichedEvent.class))
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build());
    }
}
