package dev.vigil.local.detect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which files a {@code vigil detect} run reads: a file given explicitly whatever its name, and under a
 * given directory every {@code .json} / {@code .jsonl} file, recursively and sorted, so rule folders,
 * READMEs and regression-test YAML sitting beside the events are not mistaken for telemetry. Paths keep
 * the form they were given in (a hit names the file the way the user wrote it).
 */
final class EventFiles {

    private EventFiles() {}

    /** The files to read, in argument order; a file reached twice (overlapping arguments) is read once. */
    static List<Path> expand(List<Path> given) throws IOException {
        List<Path> files = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (Path p : given) {
            List<Path> found = new ArrayList<>();
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(EventFiles::isEventFile).sorted().forEach(found::add);
                }
            } else {
                found.add(p);
            }
            for (Path f : found) {
                if (seen.add(f.toAbsolutePath().normalize())) {
                    files.add(f);
                }
            }
        }
        return files;
    }

    static boolean isEventFile(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".json") || name.endsWith(".jsonl");
    }
}
