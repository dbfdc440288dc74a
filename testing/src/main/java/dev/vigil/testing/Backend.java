package dev.vigil.testing;

import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/** Which servers the JUnit extensions hand out: in-JVM ones, or Testcontainers containers (needs Docker). */
public enum Backend {
    EMBEDDED,
    CONTAINERS;

    /** System property selecting the backend: {@code containers} selects {@link #CONTAINERS}, anything else embedded. */
    public static final String PROPERTY = "vigil.test.backend";

    public static Backend fromSystemProperty() {
        String value = System.getProperty(PROPERTY, "");
        return value.trim().toLowerCase(Locale.ROOT).equals("containers") ? CONTAINERS : EMBEDDED;
    }

    private static volatile Boolean dockerAvailable;

    /** Whether a Docker engine is reachable (the answer is cached for the JVM). */
    public static boolean isDockerAvailable() {
        Boolean cached = dockerAvailable;
        if (cached == null) {
            boolean available;
            try {
                available = DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable t) {
                available = false;
            }
            dockerAvailable = cached = available;
        }
        return cached;
    }

    /**
     * Aborts the current test (or, from a {@code beforeAll} callback, the whole class, which JUnit and Surefire
     * then report as skipped) when Docker is absent.
     */
    public static void assumeDockerAvailable(String what) {
        Assumptions.assumeTrue(isDockerAvailable(), () -> dockerUnavailableReason(what));
    }

    /** The skip reason reported when {@code what} needs Docker and there is none. */
    public static String dockerUnavailableReason(String what) {
        return "Docker is not available: cannot start " + what + " (Testcontainers found no Docker engine;"
                + " without -Pcontainers / -D" + PROPERTY + "=containers the embedded servers are used)";
    }
}
