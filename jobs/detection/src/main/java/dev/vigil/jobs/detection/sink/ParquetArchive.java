package dev.vigil.jobs.detection.sink;

import dev.vigil.schema.EnrichedEvent;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.avro.AvroParquetWriters;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;

/**
 * Long-term storage of enriched events as Parquet on S3. A bulk format rolls on every checkpoint,
 * and a file becomes visible (committed) only when the checkpoint that covers it completes, so the
 * archive holds every event exactly once.
 */
public final class ParquetArchive {

    private ParquetArchive() {}

    public static FileSink<EnrichedEvent> sink(String basePath) {
        return FileSink.forBulkFormat(new Path(basePath), AvroParquetWriters.forSpecificRecord(EnrichedEvent.class))
                .withBucketAssigner(new TenantHourBucketAssigner())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("enriched").withPartSuffix(".parquet").build())
                .build();
    }
}
