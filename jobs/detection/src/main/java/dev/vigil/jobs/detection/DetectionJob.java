package dev.vigil.jobs.detection;

import dev.vigil.jobs.detection.decode.DeadLetterRouter;
import dev.vigil.jobs.detection.decode.KafkaDecoding;
import dev.vigil.jobs.detection.decode.TelemetryDecoder;
import dev.vigil.jobs.detection.decode.WindowsEventDecoder;
import dev.vigil.jobs.detection.detect.DetectionEvaluator;
import dev.vigil.jobs.detection.detect.FindingCounter;
import dev.vigil.jobs.detection.enrich.ReputationEnricher;
import dev.vigil.jobs.detection.sink.KafkaSinks;
import dev.vigil.jobs.detection.sink.ParquetArchive;
import dev.vigil.schema.Alert;
import dev.vigil.schema.DeadLetter;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.internal.DecodedRecord;
import dev.vigil.schema.internal.DecodedReputation;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The detection job.
 *
 * <pre>
 * telemetry.&lt;tenant&gt; ──▶ decode+validate ──┐
 * raw-windows.&lt;tenant&gt; ─▶ Windows JSON → event ┴┬─▶ enrich (broadcast reputation) ─┬─▶ detections (Java + Sigma) ─▶ aggregations ─▶ alerts
 *                                              │                                  ├─▶ enriched (Kafka, exactly once)
 * reputation ─▶ decode+validate ─ broadcast ────┘                                  └─▶ Parquet on S3
 *                                     └─▶ dead-letters (every input)
 * </pre>
 *
 * {@link #main} only builds the real Kafka and S3 connectors; {@link #defineWorkflow} wires the
 * graph, and tests call it with their own sources and sinks.
 */
public final class DetectionJob {

    public static final String JOB_NAME = "vigil-detection";

    private DetectionJob() {}

    /**
     * The job's inputs, each already decoded into a value or a dead letter. {@code windows} (third-party
     * Windows event JSON) may be {@code null}: no such input.
     */
    public record Sources(Source<DecodedRecord, ?, ?> telemetry, Source<DecodedReputation, ?, ?> reputation,
                          Source<DecodedRecord, ?, ?> windows) {
        public Sources(Source<DecodedRecord, ?, ?> telemetry, Source<DecodedReputation, ?, ?> reputation) {
            this(telemetry, reputation, null);
        }
    }

    /** The job's outputs; {@code archive} may be {@code null} (no Parquet archive). */
    public record Sinks(Sink<Alert> alerts, Sink<EnrichedEvent> enriched, Sink<DeadLetter> deadLetters, Sink<EnrichedEvent> archive) {}

    /**
     * Runs the job with the cluster's configuration plus {@code --key value} overrides, e.g.
     * {@code --vigil.kafka.bootstrap-servers kafka:9092}.
     */
    public static void main(String[] args) throws Exception {
        Configuration overrides = Configuration.fromMap(ParameterTool.fromArgs(args).toMap());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(overrides);
        defineProductionWorkflow(env, env.getConfiguration());
        env.execute(JOB_NAME);
    }

    /** The graph with the production connectors: Kafka in, Kafka (exactly once) and Parquet on S3 out. */
    public static void defineProductionWorkflow(StreamExecutionEnvironment env, ReadableConfig conf) {
        defineWorkflow(env, conf, kafkaSources(conf), productionSinks(conf));
    }

    public static Sources kafkaSources(ReadableConfig conf) {
        String bootstrap = conf.get(DetectionJobOptions.BOOTSTRAP_SERVERS);
        String group = conf.get(DetectionJobOptions.CONSUMER_GROUP);
        TelemetryDecoder decoder = new TelemetryDecoder(conf.get(DetectionJobOptions.MAX_RECORD_BYTES),
                conf.get(DetectionJobOptions.MAX_FUTURE_SKEW));
        KafkaSource<DecodedRecord> telemetry = KafkaSource.<DecodedRecord>builder()
                .setBootstrapServers(bootstrap)
                .setTopicPattern(Pattern.compile(conf.get(DetectionJobOptions.TELEMETRY_TOPIC_PATTERN)))
                .setGroupId(group)
                // Offsets are restored from checkpoints; committed offsets only matter for a fresh start.
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(KafkaDecoding.telemetry(decoder))
                .setProperty("isolation.level", "read_committed")
                // New tenants' topics are picked up without a restart.
                .setProperty("partition.discovery.interval.ms", "30000")
                .build();
        KafkaSource<DecodedReputation> reputation = KafkaSource.<DecodedReputation>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(conf.get(DetectionJobOptions.REPUTATION_TOPIC))
                .setGroupId(group + "-reputation")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(KafkaDecoding.reputation())
                .setProperty("isolation.level", "read_committed")
                .build();
        KafkaSource<DecodedRecord> windows = KafkaSource.<DecodedRecord>builder()
                .setBootstrapServers(bootstrap)
                .setTopicPattern(Pattern.compile(conf.get(DetectionJobOptions.WINDOWS_TOPIC_PATTERN)))
                .setGroupId(group + "-windows")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(KafkaDecoding.windows(new WindowsEventDecoder(conf.get(DetectionJobOptions.MAX_RECORD_BYTES),
                        conf.get(DetectionJobOptions.MAX_FUTURE_SKEW))))
                .setProperty("isolation.level", "read_committed")
                .setProperty("partition.discovery.interval.ms", "30000")
                .build();
        return new Sources(telemetry, reputation, windows);
    }

    public static Sinks productionSinks(ReadableConfig conf) {
        String archive = conf.getOptional(DetectionJobOptions.ARCHIVE_PATH).orElse(null);
        return new Sinks(KafkaSinks.alerts(conf), KafkaSinks.enriched(conf), KafkaSinks.deadLetters(conf),
                archive == null ? null : ParquetArchive.sink(archive));
    }

    /** Wires the detection graph. Every operator has a constant uid ({@link DetectionJobUids}). */
    public static void defineWorkflow(StreamExecutionEnvironment env, ReadableConfig conf, Sources sources, Sinks sinks) {
        // Savepoint compatibility and serializer choices are part of the job, whatever the cluster says.
        Configuration pipeline = new Configuration();
        pipeline.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        pipeline.set(PipelineOptions.GENERIC_TYPES, false);
        // No operator of this job modifies or keeps a record it was given (decoders change only the records they have
        // just created, state keeps records it deserialized), so chained operators may share records instead of each
        // receiving a deep copy, which cost ~10 % of the enrichment chain's CPU.
        pipeline.set(PipelineOptions.OBJECT_REUSE, true);
        env.configure(pipeline);

        // Each source validates its own records in an operator chained to it: a router after a union of the sources
        // could not chain, and every event would cross a network hop (serialized twice) before enrichment.
        SingleOutputStreamOperator<TelemetryEvent> telemetry = validate(env
                .fromSource(sources.telemetry(), telemetryWatermarks(conf), "Telemetry (Kafka)")
                .uid(DetectionJobUids.TELEMETRY_SOURCE))
                .uid(DetectionJobUids.TELEMETRY_DEAD_LETTER_ROUTER)
                .name("Validate telemetry");
        DataStream<TelemetryEvent> events = telemetry;
        DataStream<DeadLetter> deadLetters = telemetry.getSideOutput(DeadLetterRouter.DEAD_LETTERS);
        if (sources.windows() != null) {
            SingleOutputStreamOperator<TelemetryEvent> windows = validate(env
                    .fromSource(sources.windows(), telemetryWatermarks(conf), "Windows events (Kafka)")
                    .uid(DetectionJobUids.WINDOWS_SOURCE))
                    .uid(DetectionJobUids.WINDOWS_DEAD_LETTER_ROUTER)
                    .name("Validate Windows events");
            events = events.union(windows);
            deadLetters = deadLetters.union(windows.getSideOutput(DeadLetterRouter.DEAD_LETTERS));
        }

        SingleOutputStreamOperator<ReputationUpdate> updates = env
                .fromSource(sources.reputation(), ReputationWatermarks.neverHoldBack(), "Reputation feed (Kafka)")
                .uid(DetectionJobUids.REPUTATION_SOURCE)
                .process(new DeadLetterRouter<DecodedReputation, ReputationUpdate>(DecodedReputation::getUpdate,
                                DecodedReputation::getDeadLetter),
                        new AvroTypeInfo<>(ReputationUpdate.class))
                .uid(DetectionJobUids.REPUTATION_DEAD_LETTER_ROUTER)
                .name("Validate reputation updates");

        BroadcastStream<ReputationUpdate> reputation = updates.broadcast(ReputationEnricher.REPUTATION_STATE);
        SingleOutputStreamOperator<EnrichedEvent> enriched = events
                .connect(reputation)
                .process(new ReputationEnricher(), new AvroTypeInfo<>(EnrichedEvent.class))
                .uid(DetectionJobUids.REPUTATION_ENRICHMENT)
                .name("Enrich with reputation");

        SingleOutputStreamOperator<Alert> alerts = enriched
                .process(new DetectionEvaluator(DetectionJobOptions.detectionSettings(conf)), new AvroTypeInfo<>(Alert.class))
                .uid(DetectionJobUids.DETECTION_EVALUATOR)
                .name("Detections");
        DataStream<Alert> thresholdAlerts = alerts
                .getSideOutput(DetectionEvaluator.SIGNALS)
                .keyBy(FindingCounter::key, Types.STRING)
                .process(new FindingCounter(DetectionJobOptions.detectionSettings(conf)), new AvroTypeInfo<>(Alert.class))
                .uid(DetectionJobUids.DETECTION_AGGREGATIONS)
                .name("Detection aggregations");

        alerts.union(thresholdAlerts)
                .sinkTo(sinks.alerts()).uid(DetectionJobUids.ALERTS_SINK).name("Alerts (Kafka)");
        enriched.sinkTo(sinks.enriched()).uid(DetectionJobUids.ENRICHED_SINK).name("Enriched events (Kafka)");
        if (sinks.archive() != null) {
            enriched.sinkTo(sinks.archive()).uid(DetectionJobUids.ARCHIVE_SINK).name("Enriched events (Parquet)");
        }
        deadLetters
                .union(updates.getSideOutput(DeadLetterRouter.DEAD_LETTERS))
                .sinkTo(sinks.deadLetters()).uid(DetectionJobUids.DEAD_LETTER_SINK).name("Dead letters (Kafka)");
    }

    private static SingleOutputStreamOperator<TelemetryEvent> validate(DataStream<DecodedRecord> decoded) {
        return decoded.process(new DeadLetterRouter<DecodedRecord, TelemetryEvent>(DecodedRecord::getEvent, DecodedRecord::getDeadLetter),
                new AvroTypeInfo<>(TelemetryEvent.class));
    }

    /**
     * Event time per Kafka partition; a dead letter has no event time (it must not move the
     * watermark); an idle partition stops holding back the others.
     */
    static WatermarkStrategy<DecodedRecord> telemetryWatermarks(ReadableConfig conf) {
        return WatermarkStrategy.<DecodedRecord>forBoundedOutOfOrderness(conf.get(DetectionJobOptions.MAX_OUT_OF_ORDERNESS))
                .withTimestampAssigner((r, kafkaTimestamp) -> r.getEvent() != null ? r.getEvent().getEventTime().toEpochMilli() : Long.MIN_VALUE)
                .withIdleness(conf.get(DetectionJobOptions.IDLE_TIMEOUT));
    }
}
