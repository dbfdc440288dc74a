package dev.vigil.jobs.detection;

import dev.vigil.testing.flink.MiniClusters;
import dev.vigil.testing.kafka.KafkaEndpoint;
import dev.vigil.testing.kafka.KafkaExtension;
import dev.vigil.testing.s3.S3Endpoint;
import dev.vigil.testing.s3.S3Extension;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Spot fleet losing TaskManagers: five are killed mid-stream, one after another, and replaced. */
class TaskManagerLossITCase extends FaultInjectionContract {

    static final int KILLS = 5;

    @RegisterExtension
    static final KafkaExtension KAFKA = KafkaExtension.embedded();

    @RegisterExtension
    static final S3Extension S3 = S3Extension.embedded();

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

    @Override
    int injectFaults(MiniCluster cluster) throws Exception {
        for (int kill = 0; kill < KILLS; kill++) {
            Thread.sleep(3_500);
            // index `kill` is always a live TaskManager: the first two, then each replacement in turn
            cluster.terminateTaskManager(kill).get(30, TimeUnit.SECONDS);
            cluster.startTaskManager();
        }
        return KILLS;
    }
}
