package dev.vigil.k8s;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the files the tests read live: the repository root (set by the root pom's Surefire config) and the CRDs beside it. */
final class Repo {

    static final String PROJECT_ROOT_PROPERTY = "vigil.project.root";
    /** Overrides where the operator's CRDs are read from; by default {@code <root>/../shared/flink-operator-crds}. */
    static final String CRD_DIR_PROPERTY = "vigil.operator.crds";

    private Repo() {}

    static Path root() {
        String root = System.getProperty(PROJECT_ROOT_PROPERTY);
        if (root != null && Files.isDirectory(Paths.get(root, "k8s-operator"))) {
            return Paths.get(root).toAbsolutePath().normalize();
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("k8s-operator")) && Files.isDirectory(dir.resolve("flink-conf"))) {
                return dir;
            }
        }
        throw new IllegalStateException("repository root not found from " + Paths.get("").toAbsolutePath()
                + "; run from the repository root or set -D" + PROJECT_ROOT_PROPERTY);
    }

    static Path k8s() {
        return root().resolve("k8s-operator");
    }

    static Path shippedConf() {
        return root().resolve("flink-conf/config.yaml");
    }

    static Path crdDir() {
        String dir = System.getProperty(CRD_DIR_PROPERTY);
        return dir != null ? Paths.get(dir) : root().resolve("../shared/flink-operator-crds").normalize();
    }

    /** Repository-relative, for messages. */
    static String relative(Path path) {
        return root().relativize(path.toAbsolutePath().normalize()).toString();
    }
}
