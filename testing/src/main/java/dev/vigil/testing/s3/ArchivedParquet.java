package dev.vigil.testing.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * Reads the detection job's Parquet archive back as a downstream reader would: only committed files
 * count. Flink's FileSink keeps in-progress and pending parts under '.'-prefixed names (or as unfinished
 * multipart uploads, which are not listed), so a visible {@code *.parquet} key is a committed file.
 */
public final class ArchivedParquet {

    private static final Pattern TENANT_PARTITION = Pattern.compile("(?:^|/)tenant=([^/]+)/");

    private ArchivedParquet() {}

    /** Whether {@code key} names a committed Parquet file (not a hidden in-progress or pending part). */
    public static boolean isCommitted(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        return name.endsWith(".parquet") && !name.startsWith(".") && !name.startsWith("_")
                && !name.contains("inprogress") && !name.contains("_tmp_");
    }

    /**
     * The event ids in every committed file under {@code prefix}, by key. Fails when a row's tenant differs
     * from its file's {@code tenant=} partition: the archive must never mix customers.
     */
    public static Map<String, List<String>> eventIdsByFile(S3Bucket s3, String prefix) {
        Map<String, List<String>> idsByKey = new LinkedHashMap<>();
        for (String key : s3.listKeys(prefix)) {
            if (isCommitted(key)) {
                idsByKey.put(key, eventIds(key, s3.get(key)));
            }
        }
        return idsByKey;
    }

    /** All event ids under {@code prefix}, one entry per archived row (duplicates kept). */
    public static List<String> eventIds(S3Bucket s3, String prefix) {
        List<String> all = new ArrayList<>();
        eventIdsByFile(s3, prefix).values().forEach(all::addAll);
        return all;
    }

    private static List<String> eventIds(String key, byte[] parquet) {
        Matcher partition = TENANT_PARTITION.matcher(key);
        String tenant = partition.find() ? partition.group(1) : null;
        Path local = null;
        try {
            local = Files.createTempFile("vigil-archive-", ".parquet");
            Files.write(local, parquet);
            List<String> ids = new ArrayList<>();
            try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(local))
                    .withDataModel(GenericData.get()).build()) {
                for (GenericRecord row = reader.read(); row != null; row = reader.read()) {
                    GenericRecord event = (GenericRecord) row.get("event");
                    String eventId = event.get("eventId").toString();
                    String rowTenant = event.get("tenantId").toString();
                    if (tenant != null && !tenant.equals(rowTenant)) {
                        throw new IllegalStateException("Event " + eventId + " of tenant " + rowTenant + " archived under " + key);
                    }
                    ids.add(eventId);
                }
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read Parquet file " + key, e);
        } finally {
            if (local != null) {
                try {
                    Files.deleteIfExists(local);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }
}
