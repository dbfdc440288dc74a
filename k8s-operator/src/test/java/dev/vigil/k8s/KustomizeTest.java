package dev.vigil.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kustomize subset behaves like kustomize where Vigil relies on it, and refuses what it does not implement. */
class KustomizeTest {

    @TempDir
    Path dir;

    static final String KUSTOMIZATION = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
    static final String DEPLOYMENTS = """
            apiVersion: flink.apache.org/v1beta1
            kind: FlinkDeployment
            metadata: {name: a, namespace: ns}
            spec: {image: "x:1", flinkConfiguration: {k1: "base", k2: "base"}, job: {args: [one, two]}}
            ---
            apiVersion: flink.apache.org/v1beta1
            kind: FlinkDeployment
            metadata: {name: b, namespace: ns}
            spec: {image: "y:1"}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: a, namespace: ns}
            """;

    Path write(String path, String text) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    List<Kustomize.Resource> overlay(String patches, String patchFile) throws IOException {
        write("base/kustomization.yaml", KUSTOMIZATION + "resources: [all.yaml]\n");
        write("base/all.yaml", DEPLOYMENTS);
        write("overlay/kustomization.yaml", KUSTOMIZATION + "resources: [../base]\n" + patches);
        write("overlay/patch.yaml", patchFile);
        return Kustomize.build(dir.resolve("overlay"));
    }

    @Test
    void aPatchMergesMapsIntoTheResourceWithItsKindAndName() throws IOException {
        List<Kustomize.Resource> out = overlay("patches: [{path: patch.yaml}]\n", """
                apiVersion: flink.apache.org/v1beta1
                kind: FlinkDeployment
                metadata: {name: a, labels: {env: dev}}
                spec: {image: "x:2", flinkConfiguration: {k2: "overlay", k3: "overlay"}}
                """);
        assertThat(out).hasSize(3);
        assertThat(Yamls.at(out.get(0).doc(), "spec.image")).isEqualTo("x:2");
        assertThat(Yamls.map(out.get(0).doc(), "spec.flinkConfiguration"))
                .containsExactly(java.util.Map.entry("k1", "base"), java.util.Map.entry("k2", "overlay"), java.util.Map.entry("k3", "overlay"));
        assertThat(Yamls.at(out.get(0).doc(), "metadata.labels.env")).isEqualTo("dev");
        assertThat(Yamls.at(out.get(0).doc(), "spec.job.args")).isEqualTo(List.of("one", "two"));
        assertThat(Yamls.at(out.get(1).doc(), "spec.image")).as("other deployment untouched").isEqualTo("y:1");
        assertThat(Yamls.at(out.get(2).doc(), "spec")).as("same name, other kind").isNull();
    }

    @Test
    void aPatchWithATargetAppliesToEveryMatchAndIgnoresItsOwnName() throws IOException {
        List<Kustomize.Resource> out = overlay("patches: [{path: patch.yaml, target: {group: flink.apache.org, kind: FlinkDeployment}}]\n", """
                apiVersion: flink.apache.org/v1beta1
                kind: FlinkDeployment
                metadata: {name: ignored}
                spec: {flinkConfiguration: {shared: "yes"}}
                """);
        assertThat(out.subList(0, 2)).allSatisfy(r -> assertThat(Yamls.at(r.doc(), "spec.flinkConfiguration.shared")).isEqualTo("yes"));
        assertThat(out).extracting(Kustomize.Resource::name).containsExactly("a", "b", "a");
    }

    @Test
    void refusesWhatItDoesNotImplement() throws IOException {
        String patch = "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: {name: a}\nspec: {job: {args: [three]}}\n";
        assertThatThrownBy(() -> overlay("patches: [{path: patch.yaml}]\n", patch))
                .hasMessageContaining("spec.job.args is a list");
        assertThatThrownBy(() -> overlay("images: [{name: x, newTag: '2'}]\n", ""))
                .hasMessageContaining("'images' is outside Vigil's kustomize subset");
        assertThatThrownBy(() -> overlay("patches: [{path: patch.yaml}]\n",
                "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: {name: a}\nspec: {image: null}\n"))
                .hasMessageContaining("spec.image is null");
        assertThatThrownBy(() -> overlay("patches: [{path: patch.yaml}]\n",
                "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: {name: c}\nspec: {image: 'z:1'}\n"))
                .hasMessageContaining("matches 0 resources");
    }

    @Test
    void theRealOverlaysUseOnlyTheSubset() {
        for (String environment : Manifests.ENVIRONMENTS) {
            assertThat(Manifests.render(environment)).isNotEmpty();
        }
    }
}
