package dev.vigil.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stacks are leaf first, as JFR records them; each names the part its sample belongs to. */
class PipelineProfileTest {

    @Test
    void nestedCallsGoToTheInnermostPartOfThePipelineNotToTheOperatorThatCalledThem() {
        // The Parquet sink runs inside the enrichment operator's call.
        assertThat(PipelineProfile.partOf(stack("org.apache.parquet.column.impl.ColumnWriterBase.write",
                "org.apache.flink.formats.parquet.ParquetBulkWriter.addElement",
                "dev.vigil.jobs.detection.enrich.ReputationEnricher.processElement")))
                .isEqualTo("Parquet archive");
        // Serializing for the network hop happens inside the source's poll.
        assertThat(PipelineProfile.partOf(stack("org.apache.avro.generic.GenericDatumWriter.write",
                "org.apache.flink.formats.avro.typeutils.AvroSerializer.serialize",
                "dev.vigil.jobs.detection.decode.DeadLetterRouter.processElement",
                "org.apache.flink.connector.base.source.reader.SourceReaderBase.pollNext")))
                .isEqualTo("Avro serialization between tasks");
        // The aggregations' state is Avro too, but it is their cost.
        assertThat(PipelineProfile.partOf(stack("org.apache.flink.formats.avro.typeutils.AvroSerializer.deserialize",
                "org.apache.flink.state.rocksdb.RocksDBValueState.value",
                "dev.vigil.jobs.detection.detect.FindingCounter.processElement")))
                .isEqualTo("aggregations on RocksDB");
        assertThat(PipelineProfile.partOf(stack("dev.vigil.schema.wire.WireCodec.encode",
                "org.apache.flink.connector.kafka.sink.KafkaWriter.write",
                "dev.vigil.jobs.detection.enrich.ReputationEnricher.processElement")))
                .isEqualTo("Kafka sinks (encoding included)");
        assertThat(PipelineProfile.partOf(stack("dev.vigil.detections.sigma.LiteralAutomaton.scan",
                "dev.vigil.jobs.detection.detect.DetectionEvaluator.processElement",
                "dev.vigil.jobs.detection.enrich.ReputationEnricher.processElement")))
                .isEqualTo("detections (Java and Sigma)");
        assertThat(PipelineProfile.partOf(stack("java.util.HashMap.get",
                "dev.vigil.jobs.detection.enrich.ReputationEnricher.processElement")))
                .isEqualTo("reputation enrichment");
        assertThat(PipelineProfile.partOf(stack("dev.vigil.schema.wire.WireCodec.decode",
                "dev.vigil.jobs.detection.decode.TelemetryDecoder.decode")))
                .isEqualTo("Kafka source, decoding, validation");
        assertThat(PipelineProfile.partOf(stack("org.apache.flink.runtime.io.network.buffer.LocalBufferPool.requestMemorySegment")))
                .isEqualTo(PipelineProfile.OTHER);
    }

    /** The frames' classes ({@code class.method} written for readability). */
    private static List<String> stack(String... frames) {
        List<String> classes = new ArrayList<>();
        for (String f : frames) {
            classes.add(f.substring(0, f.lastIndexOf('.')));
        }
        return classes;
    }
}
