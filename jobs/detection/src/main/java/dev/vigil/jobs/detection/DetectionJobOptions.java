package dev.vigil.jobs.detection;

import static org.apache.flink.configuration.ConfigOptions.key;

import dev.vigil.detections.engine.DetectionCatalog;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Vigil's own settings for the detection job, read from {@code flink-conf/config.yaml} and the
 * command line ({@code --vigil.kafka.bootstrap-servers host:9092}). Flink's own settings
 * (checkpoint interval, parallelism, state backend) use Flink's option keys.
 */
public final class DetectionJobOptions {

    private DetectionJobOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = key("vigil.kafka.bootstrap-servers")
            .stringType().defaultValue("localhost:9092")
            .withDescription("Kafka or Redpanda bootstrap servers for every topic the job reads and writes.");

    public static final ConfigOption<String> TELEMETRY_TOPIC_PATTERN = key("vigil.kafka.telemetry-topic-pattern")
            .stringType().defaultValue("telemetry(\\..+)?")
            .withDescription("Regex of the telemetry topics. The tenant is the topic's last '.'-segment"
                    + " (telemetry.<tenant>); on a topic without one, the record key up to '/' names it.");

    public static final ConfigOption<String> WINDOWS_TOPIC_PATTERN = key("vigil.kafka.windows-topic-pattern")
            .stringType().defaultValue("raw-windows\\..+")
            .withDescription("Regex of the topics of third-party Windows event JSON (evtx_dump, Winlogbeat, NXLog),"
                    + " one event per record, tenant from the topic (raw-windows.<tenant>). They join the telemetry"
                    + " after conversion; a record that is not Windows event JSON is dead-lettered.");

    public static final ConfigOption<String> REPUTATION_TOPIC = key("vigil.kafka.reputation-topic")
            .stringType().defaultValue("reputation")
            .withDescription("Topic of ReputationUpdate records, broadcast to every task.");

    public static final ConfigOption<String> ALERTS_TOPIC = key("vigil.kafka.alerts-topic")
            .stringType().defaultValue("alerts").withDescription("Topic alerts are written to (exactly once).");

    public static final ConfigOption<String> ENRICHED_TOPIC = key("vigil.kafka.enriched-topic")
            .stringType().defaultValue("enriched")
            .withDescription("Topic enriched events are written to (exactly once).");

    public static final ConfigOption<String> DEAD_LETTER_TOPIC = key("vigil.kafka.dead-letter-topic")
            .stringType().defaultValue("dead-letters")
            .withDescription("Topic of records the job could not process, with their original bytes and a reason.");

    public static final ConfigOption<String> CONSUMER_GROUP = key("vigil.kafka.group-id")
            .stringType().defaultValue("vigil-detection")
            .withDescription("Consumer group; offsets live in checkpoints, the group only reports lag.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = key("vigil.kafka.transactional-id-prefix")
            .stringType().defaultValue("vigil-detection")
            .withDescription("Prefix of the exactly-once sinks' transactional ids; unique per job deployment.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = key("vigil.kafka.transaction-timeout")
            .durationType().defaultValue(Duration.ofMinutes(14))
            .withDescription("Kafka transaction timeout of the exactly-once sinks. Must not exceed the broker's"
                    + " transaction.max.timeout.ms (15 min by default) and must stay far above the checkpoint"
                    + " interval plus the worst restart time, or a restored job finds its transactions aborted.");

    public static final ConfigOption<DeliveryGuarantee> KAFKA_DELIVERY = key("vigil.kafka.delivery-guarantee")
            .enumType(DeliveryGuarantee.class).defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
            .withDescription("Delivery guarantee of the Kafka sinks (alerts, enriched events, dead letters)."
                    + " EXACTLY_ONCE: records become readable (read_committed) when the checkpoint that covers them"
                    + " completes. AT_LEAST_ONCE: readable at once, duplicated after a restart.");

    public static final ConfigOption<String> ARCHIVE_PATH = key("vigil.archive.path")
            .stringType().noDefaultValue()
            .withDescription("Base path of the Parquet archive of enriched events (s3://bucket/prefix);"
                    + " files land under tenant=<t>/date=<yyyy-mm-dd>/hour=<hh>/. Unset: no archive.");

    public static final ConfigOption<Integer> MAX_RECORD_BYTES = key("vigil.decode.max-record-bytes")
            .intType().defaultValue(512 * 1024)
            .withDescription("Telemetry records larger than this are dead-lettered as OVERSIZE.");

    public static final ConfigOption<Integer> DEAD_LETTER_MAX_REQUEST_BYTES = key("vigil.kafka.dead-letter-max-request-bytes")
            .intType().defaultValue(8 * 1024 * 1024)
            .withDescription("max.request.size of the dead-letter producer. A dead letter holds the original record"
                    + " plus an envelope, so it must exceed the largest input the broker accepts; give the"
                    + " dead-letter topic a max.message.bytes at least this large.");

    public static final ConfigOption<Duration> MAX_FUTURE_SKEW = key("vigil.decode.max-future-skew")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("An event time further than this ahead of its Kafka record timestamp is"
                    + " IMPOSSIBLE_TIMESTAMP (it would drag the watermark into the future).");

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS = key("vigil.watermark.max-out-of-orderness")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("How far behind the newest event of a partition an event may arrive.");

    public static final ConfigOption<Duration> IDLE_TIMEOUT = key("vigil.watermark.idle-timeout")
            .durationType().defaultValue(Duration.ofMinutes(1))
            .withDescription("A partition silent this long stops holding back event time, so a quiet"
                    + " tenant cannot stall the others.");

    public static final ConfigOption<Boolean> BUILTIN_DETECTIONS = key("vigil.detections.builtin")
            .booleanType().defaultValue(true)
            .withDescription("Run the built-in Java detections and the Sigma rules bundled with Vigil (udfs/detections).");

    public static final ConfigOption<List<String>> SIGMA_RULES = key("vigil.detections.sigma-rules")
            .stringType().asList().noDefaultValue()
            .withDescription("More Sigma rule folders (searched recursively for .yml/.yaml) or files, ';'-separated,"
                    + " on every TaskManager's local disk (an image layer or a mounted ConfigMap). A rule that does"
                    + " not compile is logged with its file and construct and skipped; the others run.");

    public static final ConfigOption<String> DETECTIONS_CONFIG = key("vigil.detections.config-file")
            .stringType().noDefaultValue()
            .withDescription("YAML naming which detections run for which tenant (disabled, tenants.<id>.disabled,"
                    + " tenants.<id>.only) and the values of Sigma expand placeholders. Unset: everything runs everywhere.");

    /** What the detection operators load, from the job's configuration. */
    public static DetectionCatalog.Settings detectionSettings(ReadableConfig conf) {
        return new DetectionCatalog.Settings(conf.get(BUILTIN_DETECTIONS), conf.getOptional(SIGMA_RULES).orElse(List.of()),
                conf.getOptional(DETECTIONS_CONFIG).orElse(null));
    }
}
