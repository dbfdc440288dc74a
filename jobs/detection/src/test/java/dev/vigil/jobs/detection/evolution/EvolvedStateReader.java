package dev.vigil.jobs.detection.evolution;

import dev.vigil.detections.api.Aggregation;
import dev.vigil.detections.api.DistinctCount;
import dev.vigil.detections.builtin.FailedLogonBurst;
import dev.vigil.detections.builtin.PortScan;
import dev.vigil.detections.engine.FindingWindows;
import dev.vigil.jobs.detection.DetectionJobUids;
import dev.vigil.jobs.detection.detect.FindingCounter;
import dev.vigil.schema.internal.FindingWindow;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * Runs inside {@link StateSchemaEvolutionITCase}'s class loader, where {@code FindingWindow} and
 * {@code CountedFinding} are the evolved classes: restores the detection job's keyed state from a
 * savepoint on RocksDB with the job's own state descriptor ({@link FindingCounter#WINDOW_STATE}) and the
 * State Processor API, and reports every window as Avro JSON after adding one more finding to it.
 * Only JDK types cross the class loader boundary.
 */
public final class EvolvedStateReader implements Function<List<String>, List<String>> {

    /** {@code args}: the savepoint URI, then the URL of the evolved classes. */
    @Override
    public List<String> apply(List<String> args) {
        String savepoint = args.get(0);
        List<String> lines = new ArrayList<>();
        lines.add("schema " + FindingWindow.getClassSchema());
        // A cluster of this class loader's own, closed before returning: the caller closes the class loader after.
        Configuration conf = new Configuration();
        conf.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build());
        try {
            cluster.start();
            // A job without class path entries runs in the JobManager's system class loader, which does not see the
            // evolved classes: name them, and resolve parent-first so that every class comes from this class loader.
            StreamExecutionEnvironment env = new TestStreamEnvironment(cluster, conf, 1, List.of(), List.of(new URL(args.get(1))));
            SavepointReader reader = SavepointReader.read(env, savepoint, new EmbeddedRocksDBStateBackend());
            try (CloseableIterator<String> windows = reader.readKeyedState(
                    OperatorIdentifier.forUid(DetectionJobUids.DETECTION_AGGREGATIONS), new Windows(), Types.STRING, Types.STRING)
                    .executeAndCollect("read detection-thresholds with the evolved schema")) {
                windows.forEachRemaining(lines::add);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            try {
                cluster.close();
            } catch (Exception e) {
                lines.add("cluster close failed: " + e);
            }
        }
        return lines;
    }

    /** Emits {@code window <key> <json>} and, after adding the next finding, {@code continued <key> <count> <reached>}. */
    static final class Windows extends KeyedStateReaderFunction<String, String> {

        private transient ValueState<FindingWindow> state;

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(FindingCounter.WINDOW_STATE);
        }

        @Override
        public void readKey(String key, Context context, Collector<String> out) throws Exception {
            FindingWindow window = state.value();
            out.collect("window " + key + " " + window);
            Aggregation aggregation = key.contains("|" + new FailedLogonBurst().metadata().id() + "|")
                    ? new FailedLogonBurst().aggregation()
                    : key.contains("|" + new PortScan().metadata().id() + "|") ? new PortScan().aggregation() : null;
            if (aggregation != null) {
                long last = FindingWindows.lastSeen(window);
                String value = aggregation instanceof DistinctCount ? "next-value" : null;
                FindingWindows.add(window, aggregation, "after-restore", last + 1_000, "host", value);
                state.update(window);
                out.collect("continued " + key + " " + FindingWindows.count(state.value(), aggregation) + " "
                        + FindingWindows.reached(state.value(), aggregation));
            }
        }
    }
}
