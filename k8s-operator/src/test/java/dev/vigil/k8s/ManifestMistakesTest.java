package dev.vigil.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Mistakes the build must catch, each made on a copy of the rendered prod deployment and checked by the same
 * code that checks the real manifests (so a passing RenderedManifestsTest means none of these is present).
 */
class ManifestMistakesTest {

    static final List<Kustomize.Resource> PROD = Manifests.render("prod");

    static List<String> schemaProblems(Consumer<Map<String, Object>> change) {
        assumeTrue(Manifests.crdsPresent(), Manifests.crdsAbsentMessage());
        return Manifests.schemaProblems(Manifests.withChangedDeployment(PROD, change));
    }

    static List<String> ruleProblems(Consumer<Map<String, Object>> change) {
        return Manifests.ruleProblems(Manifests.withChangedDeployment(PROD, change));
    }

    @SuppressWarnings("unchecked")
    static void renameKey(Map<String, Object> doc, String path, String newName) {
        int dot = path.lastIndexOf('.');
        Map<String, Object> parent = (Map<String, Object>) Yamls.at(doc, path.substring(0, dot));
        parent.put(newName, parent.remove(path.substring(dot + 1)));
    }

    static void setConf(Map<String, Object> doc, String key, Object value) {
        Yamls.map(doc, "spec.flinkConfiguration").put(key, value);
    }

    static void removeConf(Map<String, Object> doc, String key) {
        Yamls.map(doc, "spec.flinkConfiguration").remove(key);
    }

    // --- the three the issue names ---------------------------------------------------------------------------

    @Test
    void aTypoInAFieldNameFailsTheCrdSchema() {
        assertThat(schemaProblems(d -> renameKey(d, "spec.job.upgradeMode", "upgradeModee")))
                .singleElement().asString().contains("upgradeModee").contains("not defined in the schema");
    }

    @Test
    void anUnknownUpgradeModeFailsTheCrdSchema() {
        assertThat(schemaProblems(d -> Yamls.put(d, "spec.job.upgradeMode", "savepoints")))
                .singleElement().asString().contains("upgradeMode").contains("enum");
    }

    @Test
    void anUnknownUpgradeModeFailsVigilsChecksEvenWithoutTheCrds() {
        assertThat(ruleProblems(d -> Yamls.put(d, "spec.job.upgradeMode", "savepoints")))
                .anySatisfy(p -> assertThat(p).contains("unknown spec.job.upgradeMode 'savepoints'"));
    }

    @Test
    void anUnknownFlinkConfigKeyFailsWithTheKeyItMeant() {
        assertThat(ruleProblems(d -> setConf(d, "execution.checkpointing.intervall", "10s")))
                .singleElement().asString()
                .contains("unknown configuration key 'execution.checkpointing.intervall'")
                .contains("did you mean 'execution.checkpointing.interval'");
    }

    // --- more of the CRD ---------------------------------------------------------------------------------------

    @Test
    void typosInsidePodTemplatesAndMetadataFailTheCrdSchemaToo() {
        assertThat(schemaProblems(d -> renameKey(d, "spec.jobManager.podTemplate.spec.nodeSelector", "nodeSelecter")))
                .singleElement().asString().contains("nodeSelecter");
        assertThat(schemaProblems(d -> renameKey(d, "metadata.labels", "lables"))).singleElement().asString().contains("lables");
    }

    @Test
    void aFlinkVersionTheOperatorDoesNotKnowFailsTheCrdSchema() {
        assertThat(schemaProblems(d -> Yamls.put(d, "spec.flinkVersion", "v2_9"))).singleElement().asString().contains("flinkVersion");
    }

    @Test
    void typosInCoreResourcesFailTheirSchemaWithoutTheCrds() {
        List<Kustomize.Resource> broken = PROD.stream().map(r -> {
            if (!r.kind().equals("RoleBinding")) {
                return r;
            }
            Map<String, Object> doc = Yamls.copy(r.doc());
            doc.put("subject", doc.remove("subjects"));
            return new Kustomize.Resource(doc, r.source());
        }).toList();
        assertThat(Manifests.coreKindProblems(broken)).anySatisfy(p -> assertThat(p).contains("subject").contains("RoleBinding"));
    }

    // --- the operator's validator -------------------------------------------------------------------------------

    @Test
    void aNameLongerThanTheOperatorAllowsFails() {
        assertThat(ruleProblems(d -> Yamls.put(d, "metadata.name", "vigil-detection-" + "x".repeat(30))))
                .anySatisfy(p -> assertThat(p).contains("at most 45 characters"));
    }

    @Test
    void keysTheOperatorSetsItselfAreForbidden() {
        assertThat(ruleProblems(d -> setConf(d, "kubernetes.cluster-id", "other")))
                .anySatisfy(p -> assertThat(p).contains("forbidden Flink config key kubernetes.cluster-id"));
    }

    @Test
    void overlappingKeyPrefixesAreRejectedForFlink2() {
        assertThat(ruleProblems(d -> setConf(d, "high-availability", "kubernetes")))
                .anySatisfy(p -> assertThat(p).contains("overlapping key prefixes (high-availability -> high-availability."));
    }

    @Test
    void savepointUpgradesNeedCheckpointAndSavepointDirectories() {
        assertThat(ruleProblems(d -> removeConf(d, "execution.checkpointing.savepoint-dir")))
                .anySatisfy(p -> assertThat(p).contains("could not be upgraded with savepoint while config key"
                        + " [execution.checkpointing.savepoint-dir] is not set"));
        assertThat(ruleProblems(d -> removeConf(d, "execution.checkpointing.dir")))
                .anySatisfy(p -> assertThat(p).contains("checkpoint directory [execution.checkpointing.dir] must be defined"));
    }

    @Test
    void standbyJobManagersNeedHighAvailability() {
        assertThat(ruleProblems(d -> removeConf(d, "high-availability.type")))
                .anySatisfy(p -> assertThat(p).contains("high availability should be enabled when starting standby JobManagers"));
    }

    @Test
    void autoscalerUtilizationOutsideItsRangeFails() {
        assertThat(ruleProblems(d -> setConf(d, "job.autoscaler.utilization.target", "1.5")))
                .anySatisfy(p -> assertThat(p).contains("job.autoscaler.utilization.target is invalid"));
    }

    @Test
    void aServiceAccountIsRequired() {
        assertThat(ruleProblems(d -> Yamls.map(d, "spec").remove("serviceAccount")))
                .anySatisfy(p -> assertThat(p).contains("spec.serviceAccount must be defined"));
    }

    // --- Vigil's decisions --------------------------------------------------------------------------------------

    @Test
    void taskManagersOffSpotOrJobManagersOffOnDemandFail() {
        assertThat(ruleProblems(d -> Yamls.map(d, "spec.taskManager.podTemplate.spec").remove("affinity")))
                .anySatisfy(p -> assertThat(p).contains("TaskManager pods must require Spot nodes"));
        assertThat(ruleProblems(d -> Yamls.map(d, "spec.jobManager.podTemplate.spec").remove("nodeSelector")))
                .anySatisfy(p -> assertThat(p).contains("JobManager pods must select on-demand nodes"));
        assertThat(ruleProblems(d -> Yamls.map(d, "spec.taskManager.podTemplate.spec").remove("topologySpreadConstraints")))
                .anySatisfy(p -> assertThat(p).contains("taskmanager pods must spread across topology.kubernetes.io/zone"));
    }

    @Test
    void staticS3CredentialsFail() {
        assertThat(ruleProblems(d -> setConf(d, "s3.access-key", "AKIA...")))
                .anySatisfy(p -> assertThat(p).contains("static S3 credentials"));
    }

    @Test
    void aMaxParallelismWithFewDivisorsFails() {
        assertThat(ruleProblems(d -> setConf(d, "pipeline.max-parallelism", "128")))
                .anySatisfy(p -> assertThat(p).contains("pipeline.max-parallelism must be a multiple of 60"));
    }

    @Test
    void anUntaggedOrLatestImageFails() {
        assertThat(ruleProblems(d -> Yamls.put(d, "spec.image", "vigil/detection-job:latest")))
                .anySatisfy(p -> assertThat(p).contains("spec.image must name a fixed tag"));
    }

    @Test
    void theLastStateFallbackMustBeAChoiceNotADefault() {
        assertThat(ruleProblems(d -> removeConf(d, DeploymentRules.LAST_STATE_FALLBACK)))
                .anySatisfy(p -> assertThat(p).contains(DeploymentRules.LAST_STATE_FALLBACK + " must be set explicitly"));
    }

    @Test
    void theS3PluginMustBeEnabled() {
        assertThat(ruleProblems(d -> Yamls.put(d, "spec.podTemplate.spec.containers", List.of(Map.of("name", "flink-main-container")))))
                .anySatisfy(p -> assertThat(p).contains("must enable the S3 filesystem plugin"));
    }
}
