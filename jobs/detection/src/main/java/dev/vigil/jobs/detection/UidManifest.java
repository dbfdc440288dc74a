package dev.vigil.jobs.detection;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * A job's checked-in operator uid manifest ({@code jobs/detection/uids.yaml}): every current uid with
 * what its state holds, and every retired uid with its migration note. The detection job's manifest is
 * packaged in the job jar ({@link #DETECTION_RESOURCE}), so tools that read savepoints can name operators
 * by uid without the source tree.
 */
public record UidManifest(Map<String, String> uids, Map<String, String> retired) {

    /** Classpath location of the detection job's manifest (copied from {@code jobs/detection/uids.yaml} by the build). */
    public static final String DETECTION_RESOURCE = "dev/vigil/jobs/detection/uids.yaml";

    public UidManifest {
        // in file order: tools list operators the way the manifest does
        uids = Collections.unmodifiableMap(new LinkedHashMap<>(uids));
        retired = Collections.unmodifiableMap(new LinkedHashMap<>(retired));
    }

    /** The detection job's manifest from the classpath. */
    public static UidManifest detectionJob() {
        InputStream in = UidManifest.class.getClassLoader().getResourceAsStream(DETECTION_RESOURCE);
        if (in == null) {
            throw new IllegalStateException(DETECTION_RESOURCE + " is not on the classpath (the job jar's build copies it)");
        }
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return parse(reader, DETECTION_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A manifest file in the {@code uids.yaml} layout. */
    public static UidManifest load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, file.toString());
        }
    }

    private static UidManifest parse(Reader reader, String source) {
        Object doc = new Yaml().load(reader);
        if (!(doc instanceof Map<?, ?> map) || !(map.get("uids") instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(source + ": not a uid manifest (expected a `uids` mapping)");
        }
        return new UidManifest(strings(map.get("uids")), strings(map.get("retired")));
    }

    private static Map<String, String> strings(Object value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        return out;
    }
}
