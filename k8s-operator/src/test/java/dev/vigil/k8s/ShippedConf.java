package dev.vigil.k8s;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@code flink-conf/config.yaml} is the one source of Vigil's Flink settings. The operator does not read a
 * config file from the image (it mounts its own, built from {@code spec.flinkConfiguration}), and kustomize
 * cannot reach a file outside its folder, so the build copies config.yaml into
 * {@code k8s-operator/base/flink-conf.generated.yaml}, a patch that the base applies to every FlinkDeployment.
 * Nobody edits that copy: {@code FlinkConfInManifestsTest} fails when it differs from what this class
 * generates, and when a rendered deployment disagrees with config.yaml on any key other than
 * {@link #PER_ENVIRONMENT_KEYS}.
 */
final class ShippedConf {

    /** The only config.yaml keys an overlay may change: endpoints that differ per cluster. */
    static final Set<String> PER_ENVIRONMENT_KEYS = Set.of("vigil.kafka.bootstrap-servers");

    static final String REGENERATE_PROPERTY = "vigil.k8s.regenerate";

    private ShippedConf() {}

    static Path generatedPatch() {
        return Repo.k8s().resolve("base/flink-conf.generated.yaml");
    }

    /** config.yaml as flat key/value strings, in file order. */
    static Map<String, String> load() {
        return Yamls.flatten(Yamls.loadOne(Repo.shippedConf()));
    }

    /** The content base/flink-conf.generated.yaml must have. */
    static String generate() {
        StringBuilder out = new StringBuilder();
        out.append("""
                # GENERATED from flink-conf/config.yaml by the k8s-operator build: do not edit. config.yaml is the one
                # source of Vigil's Flink settings and says why each one is set. After changing it, regenerate with
                #   mvn -o -q -pl k8s-operator -am verify -Dvigil.k8s.regenerate=true
                # mvn verify fails while this file is stale, and when an overlay changes one of these keys (only
                # vigil.kafka.bootstrap-servers may differ per environment). base/kustomization.yaml applies this patch
                # to every FlinkDeployment (the patch's own name is ignored when a target is given).
                apiVersion: flink.apache.org/v1beta1
                kind: FlinkDeployment
                metadata:
                  name: every-flink-deployment
                spec:
                  flinkConfiguration:
                """);
        load().forEach((key, value) -> out.append("    ").append(key).append(": ").append(quote(value)).append('\n'));
        return out.toString();
    }

    /** A YAML double-quoted scalar: always a string, as the operator hands every value to Flink as text. */
    private static String quote(String value) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                default -> q.append(c);
            }
        }
        return q.append('"').toString();
    }
}
