package dev.vigil.testing.flink;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The Flink MiniCluster every Vigil test uses: {@value #TASK_MANAGERS} TaskManagers with
 * {@value #SLOTS_PER_TASK_MANAGER} slots each, slots spread evenly ({@code taskmanager.load-balance.mode:
 * SLOTS}, so a parallelism-2 job has one subtask per TaskManager and killing one TaskManager really hurts),
 * and small managed memory.
 *
 * <pre>{@code
 * @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.extension();
 * // kill tests: @InjectMiniCluster MiniCluster cluster; cluster.terminateTaskManager(0).get();
 * }</pre>
 */
public final class MiniClusters {

    public static final int TASK_MANAGERS = 2;
    public static final int SLOTS_PER_TASK_MANAGER = 2;
    public static final int TOTAL_SLOTS = TASK_MANAGERS * SLOTS_PER_TASK_MANAGER;
    public static final MemorySize MANAGED_MEMORY = MemorySize.parse("64m");

    private MiniClusters() {}

    /** The default cluster. */
    public static MiniClusterExtension extension() {
        return extension(new Configuration());
    }

    /** The default cluster with {@code extra} settings added on top (they win over the defaults). */
    public static MiniClusterExtension extension(Configuration extra) {
        requireJUnit4();
        return new MiniClusterExtension(resourceConfiguration(extra));
    }

    /** MiniClusterExtension wraps Flink's JUnit 4 MiniClusterResource: fail with a hint instead of a bare NoClassDefFoundError. */
    private static void requireJUnit4() {
        try {
            Class.forName("org.junit.rules.ExternalResource", false, MiniClusters.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Flink's MiniClusterExtension needs JUnit 4 (junit:junit) at runtime:"
                    + " do not exclude junit:junit or junit-vintage-engine from flink-test-utils / vigil-testing", e);
        }
    }

    /** The cluster shape and settings, for callers building the extension or a MiniCluster themselves. */
    public static MiniClusterResourceConfiguration resourceConfiguration(Configuration extra) {
        return new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(TASK_MANAGERS)
                .setNumberSlotsPerTaskManager(SLOTS_PER_TASK_MANAGER)
                .setConfiguration(configuration(extra))
                .build();
    }

    /** The default settings merged with {@code extra}. */
    public static Configuration configuration(Configuration extra) {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.TASK_MANAGER_LOAD_BALANCE_MODE, TaskManagerOptions.TaskManagerLoadBalanceMode.SLOTS);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MANAGED_MEMORY);
        if (extra != null) {
            conf.addAll(extra);
        }
        return conf;
    }
}
