package dev.vigil.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One source of truth: config.yaml's settings reach every deployment through the generated patch, unchanged. */
class FlinkConfInManifestsTest {

    @Test
    void theGeneratedPatchIsConfigYamlAsItIsNow() throws IOException {
        String expected = ShippedConf.generate();
        if (Boolean.getBoolean(ShippedConf.REGENERATE_PROPERTY)) {
            Files.writeString(ShippedConf.generatedPatch(), expected);
        }
        String actual = Files.exists(ShippedConf.generatedPatch()) ? Files.readString(ShippedConf.generatedPatch()) : "";
        if (!actual.equals(expected)) {
            fail(Repo.relative(ShippedConf.generatedPatch()) + " is not flink-conf/config.yaml as it is now (it is generated,"
                    + " never edited). Regenerate it: mvn -o -q -pl k8s-operator -am verify -D"
                    + ShippedConf.REGENERATE_PROPERTY + "=true\n--- expected\n" + expected);
        }
    }

    @Test
    void everyEnvironmentRunsConfigYamlUnchangedExceptItsEndpoints() {
        Map<String, String> shipped = ShippedConf.load();
        assertThat(shipped).containsKeys(ShippedConf.PER_ENVIRONMENT_KEYS.toArray(String[]::new));
        List<String> drift = new ArrayList<>();
        for (String environment : Manifests.ENVIRONMENTS) {
            for (Kustomize.Resource d : Manifests.deployments(Manifests.render(environment))) {
                Map<String, String> conf = Yamls.flatten(Yamls.map(d.doc(), "spec.flinkConfiguration"));
                shipped.forEach((key, value) -> {
                    if (!conf.containsKey(key)) {
                        drift.add("overlays/" + environment + " " + d.name() + " lacks " + key + " from config.yaml");
                    } else if (!ShippedConf.PER_ENVIRONMENT_KEYS.contains(key) && !conf.get(key).equals(value)) {
                        drift.add("overlays/" + environment + " " + d.name() + " sets " + key + ": " + conf.get(key)
                                + " but config.yaml says " + value + ": change config.yaml (the one source), not a manifest");
                    }
                });
            }
        }
        assertThat(drift).isEmpty();
    }

    @Test
    void checkpointsAndSavepointsGoWhereConfigYamlSaysOnS3() {
        Map<String, String> shipped = ShippedConf.load();
        assertThat(shipped.get(DeploymentRules.CHECKPOINT_DIR)).startsWith("s3://");
        assertThat(shipped.get(DeploymentRules.SAVEPOINT_DIR)).startsWith("s3://");
        for (String environment : Manifests.ENVIRONMENTS) {
            Map<String, String> conf = Yamls.flatten(Yamls.map(
                    Manifests.deployments(Manifests.render(environment)).get(0).doc(), "spec.flinkConfiguration"));
            assertThat(conf).containsEntry(DeploymentRules.CHECKPOINT_DIR, shipped.get(DeploymentRules.CHECKPOINT_DIR))
                    .containsEntry(DeploymentRules.SAVEPOINT_DIR, shipped.get(DeploymentRules.SAVEPOINT_DIR));
        }
    }
}
