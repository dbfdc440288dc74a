package dev.vigil.testing.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class MiniClustersITCase {

    private static final Configuration EXTRA = new Configuration();

    static {
        EXTRA.setString("pipeline.generic-types", "false");
    }

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.extension(EXTRA);

    @Test
    void twoTaskManagersWithTwoSlotsEach(@InjectMiniCluster MiniCluster cluster) throws Exception {
        var overview = cluster.requestClusterOverview().get();
        assertThat(overview.getNumTaskManagersConnected()).isEqualTo(MiniClusters.TASK_MANAGERS);
        assertThat(overview.getNumSlotsTotal()).isEqualTo(MiniClusters.TOTAL_SLOTS);
        assertThat(FLINK.getNumberSlots()).isEqualTo(4);

        Configuration conf = MiniClusters.configuration(EXTRA);
        assertThat(conf.get(TaskManagerOptions.TASK_MANAGER_LOAD_BALANCE_MODE))
                .isEqualTo(TaskManagerOptions.TaskManagerLoadBalanceMode.SLOTS);
        assertThat(conf.get(TaskManagerOptions.MANAGED_MEMORY_SIZE)).isEqualTo(MiniClusters.MANAGED_MEMORY);
        assertThat(conf.toMap()).containsEntry("pipeline.generic-types", "false");
    }

    @Test
    void runsAJobOnAllSlots() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(MiniClusters.TOTAL_SLOTS);
        DataStream<Long> squares = env.fromSequence(1, 1000).map(x -> x * x).returns(Types.LONG);
        List<Long> result = new ArrayList<>();
        try (CloseableIterator<Long> it = squares.executeAndCollect()) {
            it.forEachRemaining(result::add);
        }
        assertThat(result).hasSize(1000);
        assertThat(result.stream().mapToLong(Long::longValue).sum()).isEqualTo(1000L * 1001 * 2001 / 6);
    }
}
