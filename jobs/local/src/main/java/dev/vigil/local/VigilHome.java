package dev.vigil.local;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The repository root the {@code vigil} script runs from: system property {@code vigil.home}, else
 * {@code vigil.project.root} (set by the build for tests), else the working directory.
 */
public final class VigilHome {

    public static final String PROPERTY = "vigil.home";

    private VigilHome() {}

    public static Path root() {
        String home = System.getProperty(PROPERTY, System.getProperty("vigil.project.root"));
        return (home == null || home.isBlank() ? Paths.get("") : Paths.get(home)).toAbsolutePath().normalize();
    }

    /** {@code relative} resolved against {@link #root()}. */
    public static Path path(String relative) {
        return root().resolve(relative).normalize();
    }
}
