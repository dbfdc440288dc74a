package dev.vigil.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.jobs.detection.detect.FindingCounter;
import dev.vigil.jobs.detection.enrich.ReputationEnricher;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;

/** The production graph, built but not run: serializers, uids and state descriptors. */
class JobGraphTest {

    @TempDir
    static Path archiveDir;

    private static StreamGraph productionGraph() {
        Configuration conf = new Configuration();
        // file:// instead of s3:// only so this test needs no S3 plugin; the sink is the same class.
        conf.set(DetectionJobOptions.ARCHIVE_PATH, archiveDir.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        DetectionJob.defineProductionWorkflow(env, conf);
        return env.getStreamGraph();
    }

    @Test
    void noRecordOnTheWireBetweenOperatorsFallsBackToKryo() {
        StreamGraph graph = productionGraph();
        List<String> checked = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            for (TypeSerializer<?> in : node.getTypeSerializersIn()) {
                assertNotKryo(node, in);
                checked.add(node.getOperatorName() + " in: " + in.getClass().getSimpleName());
            }
            if (node.getTypeSerializerOut() != null) {
                assertNotKryo(node, node.getTypeSerializerOut());
                checked.add(node.getOperatorName() + " out: " + node.getTypeSerializerOut().getClass().getSimpleName());
            }
        }
        assertThat(checked).isNotEmpty().anyMatch(s -> s.contains("AvroSerializer"));
    }

    @Test
    void everyStateDescriptorUsesAvro() {
        ExecutionConfig config = new ExecutionConfig();
        ((org.apache.flink.api.common.serialization.SerializerConfigImpl) config.getSerializerConfig()).setGenericTypes(false);
        ReputationEnricher.REPUTATION_STATE.initializeSerializerUnlessSet(config);
        FindingCounter.WINDOW_STATE.initializeSerializerUnlessSet(config);
        assertThat(ReputationEnricher.REPUTATION_STATE.getValueSerializer()).isInstanceOf(AvroSerializer.class);
        assertThat(FindingCounter.WINDOW_STATE.getSerializer()).isInstanceOf(AvroSerializer.class);
    }

    @Test
    void everyOperatorCarriesItsConstantUid() throws Exception {
        StreamGraph graph = productionGraph();
        Set<String> uids = new HashSet<>();
        for (StreamNode node : graph.getStreamNodes()) {
            if (node.getTransformationUID() != null) {
                uids.add(node.getTransformationUID());
            }
        }
        assertThat(uids).containsAll(declaredUids());
        // With auto-generated uids disabled, building the JobGraph fails if any operator lacks one.
        JobGraph jobGraph = graph.getJobGraph();
        assertThat(jobGraph.getNumberOfVertices()).isPositive();
    }

    @Test
    void eventsCrossTheNetworkOnlyWhereTheGraphNeedsIt() {
        JobGraph jobGraph = productionGraph().getJobGraph();
        java.util.List<String> vertices = new java.util.ArrayList<>();
        jobGraph.getVertices().forEach(v -> vertices.add(v.getName()));
        // each source is chained to its validation; enrichment (two inputs: events and the broadcast feed) starts a chain
        // with the detections and the sinks of enriched events; only aggregations (keyed) and the broadcast feed move
        assertThat(vertices).anySatisfy(n -> assertThat(n).startsWith("Source: Telemetry (Kafka)").contains("Validate telemetry"));
        assertThat(vertices).anySatisfy(n -> assertThat(n).startsWith("Source: Windows events (Kafka)").contains("Validate Windows events"));
        assertThat(vertices).anySatisfy(n -> assertThat(n).startsWith("Enrich with reputation").contains("Detections")
                .contains("Enriched events (Kafka)"));
        assertThat(jobGraph.getJobConfiguration().get(org.apache.flink.configuration.PipelineOptions.OBJECT_REUSE)
                || productionGraph().getExecutionConfig().isObjectReuseEnabled()).as("object reuse").isTrue();
    }

    private static Set<String> declaredUids() throws IllegalAccessException {
        Set<String> uids = new HashSet<>();
        for (Field f : DetectionJobUids.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                uids.add((String) f.get(null));
            }
        }
        assertThat(uids).hasSize(13);
        return uids;
    }

    private static void assertNotKryo(StreamNode node, TypeSerializer<?> serializer) {
        assertThat(serializer).as("serializer of %s", node.getOperatorName()).isNotInstanceOf(KryoSerializer.class);
    }
}
