package dev.vigil.jobs.detection;

import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.minicluster.MiniCluster;

/** A Spot fleet losing TaskManagers: five are killed mid-stream, one after another, and replaced. */
class TaskManagerLossITCase extends FaultInjectionContract {

    static final int KILLS = 5;

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
