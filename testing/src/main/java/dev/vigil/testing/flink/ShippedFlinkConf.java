package dev.vigil.testing.flink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * The configuration the cluster runs with ({@code flink-conf/config.yaml}), so tests and the local
 * runner exercise the shipped settings and override only what must differ on one machine.
 */
public final class ShippedFlinkConf {

    /** Set by the build (Surefire) to the repository root; falls back to the working directory's ancestors. */
    public static final String PROJECT_ROOT_PROPERTY = "vigil.project.root";

    private ShippedFlinkConf() {}

    public static Path directory() {
        String root = System.getProperty(PROJECT_ROOT_PROPERTY);
        if (root != null && Files.isRegularFile(Paths.get(root, "flink-conf", "config.yaml"))) {
            return Paths.get(root, "flink-conf");
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("flink-conf/config.yaml"))) {
                return dir.resolve("flink-conf");
            }
        }
        throw new IllegalStateException("flink-conf/config.yaml not found from " + Paths.get("").toAbsolutePath()
                + "; set -D" + PROJECT_ROOT_PROPERTY + "=<repository root>");
    }

    /** {@code flink-conf/config.yaml} as Flink parses it. */
    public static Configuration load() {
        return GlobalConfiguration.loadConfiguration(directory().toString());
    }
}
