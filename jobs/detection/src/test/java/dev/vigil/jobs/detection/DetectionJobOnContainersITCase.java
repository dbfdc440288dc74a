package dev.vigil.jobs.detection;

import dev.vigil.testing.flink.MiniClusters;
import dev.vigil.testing.kafka.KafkaEndpoint;
import dev.vigil.testing.kafka.KafkaExtension;
import dev.vigil.testing.s3.S3Endpoint;
import dev.vigil.testing.s3.S3Extension;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The same contract on Redpanda and MinIO containers; skipped where Docker is absent. */
class DetectionJobOnContainersITCase extends DetectionJobContract {

    @RegisterExtension
    static final KafkaExtension KAFKA = KafkaExtension.containers();

    @RegisterExtension
    static final S3Extension S3 = S3Extension.containers();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.extension();

    @Override
    KafkaEndpoint kafka() {
        return KAFKA.kafka();
    }

    @Override
    S3Endpoint s3() {
        return S3.s3();
    }
}
