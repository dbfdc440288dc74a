package dev.vigil.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The data directory of a local command (broker log, S3 blobs, checkpoints). Wiped at every start, but
 * only when a local command made it: a marker file guards against wiping a directory given by mistake.
 */
public final class WorkDir {

    static final String MARKER = ".vigil-local";
    /** What `vigil demo` wrote before the marker was shared by every command. */
    static final String OLD_MARKER = ".vigil-demo";

    private WorkDir() {}

    /** Wipes {@code dir} (refusing a non-empty directory without the marker) and recreates it with the marker. */
    public static void prepare(Path dir, String command) {
        try {
            if (Files.exists(dir)) {
                boolean empty;
                try (Stream<Path> entries = Files.list(dir)) {
                    empty = entries.findAny().isEmpty();
                }
                if (!empty && !Files.exists(dir.resolve(MARKER)) && !Files.exists(dir.resolve(OLD_MARKER))) {
                    throw new IllegalStateException("Refusing to wipe " + dir + ": it is not empty and was not"
                            + " created by a vigil command (no " + MARKER + " file).");
                }
                List<Path> all;
                try (Stream<Path> walk = Files.walk(dir)) {
                    all = walk.sorted(Comparator.reverseOrder()).toList();
                }
                for (Path p : all) {
                    Files.deleteIfExists(p);
                }
            }
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(MARKER), "created by vigil " + command + "; wiped at every start\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare " + dir, e);
        }
    }
}
