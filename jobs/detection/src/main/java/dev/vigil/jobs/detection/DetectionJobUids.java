package dev.vigil.jobs.detection;

/**
 * Operator uids of the detection job. They key the state in every savepoint: never change or
 * reuse one; {@code pipeline.auto-generate-uids: false} makes a missing uid fail the build of the
 * job graph.
 */
public final class DetectionJobUids {

    private DetectionJobUids() {}

    public static final String TELEMETRY_SOURCE = "telemetry-kafka-source";
    public static final String WINDOWS_SOURCE = "windows-kafka-source";
    public static final String REPUTATION_SOURCE = "reputation-kafka-source";
    public static final String TELEMETRY_DEAD_LETTER_ROUTER = "telemetry-dead-letter-router";
    public static final String WINDOWS_DEAD_LETTER_ROUTER = "windows-dead-letter-router";
    public static final String REPUTATION_DEAD_LETTER_ROUTER = "reputation-dead-letter-router";
    public static final String REPUTATION_ENRICHMENT = "reputation-enrichment";
    public static final String DETECTION_EVALUATOR = "detection-evaluator";
    public static final String DETECTION_AGGREGATIONS = "detection-thresholds"; // named before distinct counts; the uid never changes
    public static final String ALERTS_SINK = "alerts-kafka-sink";
    public static final String ENRICHED_SINK = "enriched-kafka-sink";
    public static final String DEAD_LETTER_SINK = "dead-letter-kafka-sink";
    public static final String ARCHIVE_SINK = "enriched-parquet-sink";
}
