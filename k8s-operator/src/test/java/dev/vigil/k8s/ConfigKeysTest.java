package dev.vigil.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A key Flink (or the operator, or Vigil) would ignore at runtime fails the build instead. */
class ConfigKeysTest {

    final ConfigKeys keys = ConfigKeys.get();

    List<String> check(String... keyValues) {
        Map<String, String> conf = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            conf.put(keyValues[i], keyValues[i + 1]);
        }
        return keys.check(conf, "test");
    }

    @Test
    void everyKeyInTheShippedConfigYamlIsARealNonDeprecatedOption() {
        assertThat(keys.check(ShippedConf.load(), "flink-conf/config.yaml")).isEmpty();
    }

    @Test
    void readsFlinksOwnOptionClassesIncludingKubernetesRocksDbAndPrometheus() {
        assertThat(keys.scannedJars()).anyMatch(j -> j.startsWith("flink-core-2.2"))
                .anyMatch(j -> j.startsWith("flink-kubernetes-2.2")).anyMatch(j -> j.startsWith("flink-statebackend-rocksdb-2.2"))
                .anyMatch(j -> j.startsWith("flink-metrics-prometheus-2.2"));
        assertThat(keys.flinkOptionCount()).isGreaterThan(600);
        assertThat(check("kubernetes.jobmanager.service-account", "x", "high-availability.kubernetes.leader-election.lease-duration", "15 s",
                "state.backend.rocksdb.memory.managed", "true", "metrics.reporter.prom.factory.class",
                DeploymentRules.PROMETHEUS_FACTORY, "metrics.reporter.prom.port", "9249", "metrics.reporter.prom.interval", "30 s"))
                .isEmpty();
    }

    @Test
    void anUnknownKeyIsReportedWithTheNearestRealOne() {
        assertThat(check("execution.checkpointing.intervall", "10s")).singleElement().asString()
                .contains("unknown configuration key 'execution.checkpointing.intervall': not a Flink 2.2 option")
                .contains("did you mean 'execution.checkpointing.interval'");
        assertThat(check("pipeline.genric-types", "false")).singleElement().asString().contains("pipeline.generic-types");
    }

    @Test
    void deprecatedKeysAreRejectedWithTheirReplacement() {
        assertThat(check("state.checkpoints.dir", "s3://b/c")).singleElement().asString()
                .contains("'state.checkpoints.dir' is a deprecated key: use 'execution.checkpointing.dir'");
        assertThat(check("state.backend.incremental", "true")).singleElement().asString()
                .contains("use 'execution.checkpointing.incremental'");
    }

    @Test
    void valuesMustParseAsTheOptionsType() {
        assertThat(check("execution.checkpointing.interval", "10 sekunden")).singleElement().asString()
                .contains("value '10 sekunden' of 'execution.checkpointing.interval' does not parse");
        assertThat(check("vigil.kafka.transaction-timeout", "soon")).singleElement().asString().contains("not a valid duration");
        assertThat(check("kubernetes.operator.savepoint.history.max.count", "ten")).singleElement().asString().contains("Integer");
    }

    @Test
    void vigilKeysAreTheOnesDetectionJobOptionsDeclares() {
        assertThat(keys.vigilKeys()).contains("vigil.kafka.bootstrap-servers", "vigil.archive.path",
                "vigil.detections.sigma-rules", "vigil.detections.config-file");
        assertThat(check("vigil.archive.pth", "s3://x")).singleElement().asString()
                .contains("not a Vigil option (DetectionJobOptions)").contains("did you mean 'vigil.archive.path'");
    }

    @Test
    void operatorKeysAreThePerDeploymentOptionsOf115() {
        assertThat(check("kubernetes.operator.periodic.savepoint.interval", "6h", "job.autoscaler.utilization.target", "0.7",
                "kubernetes.operator.plugins.listeners.audit.class", "x.Y")).isEmpty();
        assertThat(check("kubernetes.operator.periodic.savepoint.intervall", "6h")).singleElement().asString()
                .contains("not a per-deployment option of Flink Kubernetes Operator 1.15.0");
        assertThat(check("kubernetes.operator.job.autoscaler.enabled", "true")).singleElement().asString()
                .contains("use 'job.autoscaler.enabled'");
        assertThat(check("kubernetes.operator.reconcile.interval", "1 min")).singleElement().asString()
                .as("an operator-wide option does nothing in a deployment").contains("unknown configuration key");
    }

    @Test
    void s3KeysAreTheFewVigilUsesAndNeverStaticCredentials() {
        assertThat(check("s3.aws.credentials.provider", "com.amazonaws.auth.WebIdentityTokenCredentialsProvider")).isEmpty();
        assertThat(check("s3.secret-key", "x")).singleElement().asString().contains("IAM role");
        assertThat(check("s3.endpont", "http://minio:9000")).singleElement().asString().contains("did you mean 's3.endpoint'");
    }

    @Test
    void reporterKeysNeedTheirReporterFactory() {
        assertThat(check("metrics.reporter.prom.port", "9249")).singleElement().asString().contains("unknown configuration key");
        assertThat(check("metrics.reporter.prom.factory.class", DeploymentRules.PROMETHEUS_FACTORY, "metrics.reporter.prom.prot", "9249"))
                .singleElement().asString().contains("metrics.reporter.prom.prot");
    }
}
