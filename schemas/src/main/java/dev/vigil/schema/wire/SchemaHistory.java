package dev.vigil.schema.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Every version of a wire schema that was ever written, oldest first.
 *
 * <p>Versions live in {@code schemas/src/main/avro-history/<RecordName>/v<N>.avsc} as fully
 * resolved schemas and ship in the jar, so a reader can resolve a record written by any earlier
 * (or, within the compatibility rules, later) producer. The newest version must equal the schema
 * the classes were generated from; {@code SchemaHistoryTest} enforces that, so changing an
 * {@code .avsc} without recording a version fails the build.
 */
public final class SchemaHistory {

    /** The records that cross a Kafka topic or an S3 file: their versions are an API. */
    public static final List<String> WIRE_RECORDS =
            List.of("TelemetryEvent", "ReputationUpdate", "Alert", "EnrichedEvent", "DeadLetter");

    private static final String ROOT = "/vigil/schemas/history/";

    private SchemaHistory() {}

    /** All recorded versions of {@code recordName} (simple name), oldest first. */
    public static List<Schema> versions(String recordName) {
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            String path = ROOT + recordName + "/v" + v + ".avsc";
            try (InputStream in = SchemaHistory.class.getResourceAsStream(path)) {
                if (in == null) {
                    break;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read schema history " + path, e);
            }
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException("No schema history for " + recordName + " under " + ROOT);
        }
        return versions;
    }
}
