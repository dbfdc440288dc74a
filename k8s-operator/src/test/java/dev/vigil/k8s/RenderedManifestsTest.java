package dev.vigil.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every environment as kubectl apply -k would apply it: strictly valid for the operator and true to Vigil's decisions. */
class RenderedManifestsTest {

    static final List<String> ENVIRONMENTS = Manifests.ENVIRONMENTS;

    @ParameterizedTest(name = "overlays/{0}")
    @FieldSource("ENVIRONMENTS")
    void rendersOneApplicationDeploymentPerJobWithItsIdentity(String environment) {
        List<Kustomize.Resource> rendered = Manifests.render(environment);
        Kustomize.write(Repo.k8s().resolve("target/rendered/" + environment + ".yaml"), rendered);

        assertThat(rendered).extracting(Kustomize.Resource::kind)
                .containsExactly("Namespace", "ServiceAccount", "Role", "RoleBinding", "FlinkDeployment");
        assertThat(Manifests.deployments(rendered)).extracting(Kustomize.Resource::name).containsExactly("vigil-detection");
        assertThat(rendered).allSatisfy(r -> assertThat(r.kind().equals("Namespace") ? r.name() : r.namespace()).isEqualTo("vigil"));
    }

    @Test
    void environmentsSharingTheStateBucketKeepTheirHaMetadataApart() {
        // Both clusters name the deployment vigil-detection (the HA cluster id); checkpoints and savepoints are
        // per job id (the operator generates one per deployment), HA metadata is not.
        assertThat(Manifests.ENVIRONMENTS.stream().map(e -> Yamls.map(Manifests.deployments(Manifests.render(e)).get(0).doc(),
                "spec.flinkConfiguration").get(DeploymentRules.HA_DIR))).doesNotHaveDuplicates().doesNotContainNull();
    }

    @ParameterizedTest(name = "overlays/{0}")
    @FieldSource("ENVIRONMENTS")
    void everyCustomResourceMatchesTheOperatorsCrdStrictly(String environment) {
        assumeTrue(Manifests.crdsPresent(), Manifests.crdsAbsentMessage());
        assertThat(Manifests.schemaProblems(Manifests.render(environment))).isEmpty();
    }

    @ParameterizedTest(name = "overlays/{0}")
    @FieldSource("ENVIRONMENTS")
    void everyCoreResourceHasOnlyKnownFields(String environment) {
        assertThat(Manifests.coreKindProblems(Manifests.render(environment))).isEmpty();
    }

    @ParameterizedTest(name = "overlays/{0}")
    @FieldSource("ENVIRONMENTS")
    void everyDeploymentPassesTheOperatorsValidatorVigilsDecisionsAndHasOnlyRealConfigKeys(String environment) {
        assertThat(Manifests.ruleProblems(Manifests.render(environment))).isEmpty();
    }
}
