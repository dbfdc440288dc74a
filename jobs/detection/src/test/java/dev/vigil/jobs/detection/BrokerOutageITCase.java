package dev.vigil.jobs.detection;

import dev.vigil.testing.kafka.EmbeddedKafkaBroker;
import org.apache.flink.runtime.minicluster.MiniCluster;

/**
 * The Kafka broker goes away mid-stream (longer than a checkpoint interval) and comes back on the
 * same port with the same log directory: open transactions are aborted or committed by the restored
 * job, nothing is lost or duplicated.
 */
class BrokerOutageITCase extends FaultInjectionContract {

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
