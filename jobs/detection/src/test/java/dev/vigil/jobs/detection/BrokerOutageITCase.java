package dev.vigil.jobs.detection;

import dev.vigil.testing.flink.MiniClusters;
import dev.vigil.testing.kafka.EmbeddedKafkaBroker;
import dev.vigil.testing.kafka.KafkaEndpoint;
import dev.vigil.testing.kafka.KafkaExtension;
import dev.vigil.testing.s3.S3Endpoint;
import dev.vigil.testing.s3.S3Extension;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kafka broker goes away mid-stream (longer than a checkpoint interval) and comes back on the
 * same port with the same log directory: open transactions are aborted or committed by the restored
 * job, nothing is lost or duplicated.
 */
class BrokerOutageITCase extends FaultInjectionContract {

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
        EmbeddedKafkaBroker broker = KAFKA.embeddedBroker().orElseThrow();
        Thread.sleep(6_000);
        broker.stop();
        Thread.sleep(8_000); // several checkpoint intervals (1 s in tests) without a broker
        broker.restart();
        return 1;
    }
}
