package dev.vigil.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.flink.ShippedFlinkConf;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.kafka.coordinator.transaction.TransactionStateManagerConfig;
import org.junit.jupiter.api.Test;

/**
 * The relations between the shipped settings (flink-conf/config.yaml) that keep exactly-once output and Spot
 * recovery working; each value alone is chosen in the file, these are what must hold between them.
 */
class ShippedConfigurationTest {

    static final Duration SPOT_NOTICE = Duration.ofMinutes(2);

    final Configuration conf = ShippedFlinkConf.load();

    @Test
    void sinkTransactionsOutliveTheWorstRecoveryAndStayWithinTheBrokersLimit() {
        Duration transactionTimeout = conf.get(DetectionJobOptions.TRANSACTION_TIMEOUT);
        assertThat(transactionTimeout.toMillis()).as("a longer timeout fails InitProducerId on a default broker")
                .isLessThanOrEqualTo(TransactionStateManagerConfig.TRANSACTIONS_MAX_TIMEOUT_MS_DEFAULT);

        // The longest a transaction stays open before the commit that ends it: written for one interval, then
        // pre-committed while its checkpoint and every tolerated failed one run to the timeout, the failure
        // after them noticed by heartbeat, the longest restart backoff, and the restored job commits it.
        Duration worstOpen = conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)
                .plus(conf.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT)
                        .multipliedBy(conf.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER) + 1L))
                .plus(conf.get(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT))
                .plus(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF));
        assertThat(transactionTimeout).as("transaction timeout vs the worst open transaction (%s)", worstOpen)
                .isGreaterThanOrEqualTo(worstOpen.multipliedBy(2));
    }

    @Test
    void checkpointsFitInsideTheSpotNotice() {
        Duration interval = conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL);
        Duration timeout = conf.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT);
        assertThat(interval.plus(timeout)).as("a checkpoint started after the notice still finishes in it").isLessThan(SPOT_NOTICE);
        assertThat(conf.get(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT)).isLessThan(SPOT_NOTICE.dividedBy(4));
    }

    @Test
    void stateIsRocksDbIncrementalOnS3RetainedAndRecoveredLocally() {
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).startsWith("s3://");
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).startsWith("s3://");
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.get(CheckpointingOptions.LOCAL_BACKUP_ENABLED)).isTrue();
        assertThat(conf.get(StateRecoveryOptions.LOCAL_RECOVERY)).isTrue();
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
    }
}
