package dev.vigil.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the real-data set is (SigmaHQ rules and regression events, OTRF recordings): the system property
 * {@code vigil.realdata}, else the environment variable {@code VIGIL_REALDATA}, else
 * {@code ../shared/realdata/public} beside the repository (from {@code vigil.project.root}, which the build
 * sets, or the working directory).
 */
public final class RealData {

    private RealData() {}

    public static Path location() {
        String explicit = System.getProperty("vigil.realdata", System.getenv("VIGIL_REALDATA"));
        if (explicit != null && !explicit.isBlank()) {
            return Paths.get(explicit).toAbsolutePath().normalize();
        }
        Path root = Paths.get(System.getProperty("vigil.project.root", ".")).toAbsolutePath();
        return root.resolve("../shared/realdata/public").normalize();
    }

    public static boolean present() {
        return Files.isDirectory(location().resolve("sigma"));
    }

    /** The location, or an exception saying how to point at it. */
    public static Path require() {
        Path p = location();
        if (!Files.isDirectory(p.resolve("sigma"))) {
            throw new IllegalStateException("Real-data set not found at " + p
                    + "; run from the repository root or set -Dvigil.realdata=<dir> / VIGIL_REALDATA");
        }
        return p;
    }
}
