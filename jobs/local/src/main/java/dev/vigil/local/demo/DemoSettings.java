package dev.vigil.local.demo;

import dev.vigil.local.VigilHome;
import dev.vigil.schema.DeadLetterReason;
import dev.vigil.testing.telemetry.TelemetryGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;

/**
 * Everything {@link Demo} needs. {@link #defaults()} are the {@code ./vigil demo} defaults: fixed ports
 * (Kafka 9092 + controller 9093, S3 9000, web UI 8081), data under {@code target/demo/}.
 *
 * @param duration             how long to produce; {@link Duration#ZERO} = until Ctrl-C
 * @param tenants              tenants to generate telemetry for (topics {@code telemetry.<tenant>})
 * @param eventsPerSecond      valid telemetry events per second
 * @param storiesPerThousand   attack stories started per 1000 events
 * @param malformedPerThousand malformed records per 1000 events (rotating through every dead-letter reason)
 * @param seed                 generator seed
 * @param kafkaPort            broker port
 * @param kafkaControllerPort  KRaft controller port
 * @param s3Port               S3 endpoint port
 * @param webPort              Flink web UI / REST port
 * @param workDir              wiped at start; broker and S3 data live here
 * @param flinkConfDir         its config.yaml (if any) is loaded first, then overridden
 * @param parallelism          job parallelism (= slots of the MiniCluster)
 * @param checkpointInterval   checkpoint interval
 * @param statusInterval       how often to print the status line
 * @param settleTimeout        how long to wait, after producing stops, for the outputs to be committed
 * @param printAlerts          print one line per committed alert
 * @param archivePath          the job's Parquet archive path (normally {@link #ARCHIVE}); null = no archive
 * @param malformedReasons     the dead-letter reasons the malformed records rotate through (normally all six)
 */
public record DemoSettings(Duration duration, List<String> tenants, int eventsPerSecond, double storiesPerThousand,
                           double malformedPerThousand, long seed, int kafkaPort, int kafkaControllerPort, int s3Port,
                           int webPort, Path workDir, Path flinkConfDir, int parallelism, Duration checkpointInterval,
                           Duration statusInterval, Duration settleTimeout, boolean printAlerts,
                           String archivePath, Set<DeadLetterReason> malformedReasons) {

    public static final String BUCKET = "vigil";
    public static final String CHECKPOINTS = "s3://" + BUCKET + "/checkpoints";
    public static final String SAVEPOINTS = "s3://" + BUCKET + "/savepoints";
    public static final String ARCHIVE = "s3://" + BUCKET + "/archive";
    public static final Set<DeadLetterReason> ALL_MALFORMED_REASONS = EnumSet.of(DeadLetterReason.UNDECODABLE,
            DeadLetterReason.UNKNOWN_SCHEMA, DeadLetterReason.OVERSIZE, DeadLetterReason.MISSING_FIELD,
            DeadLetterReason.IMPOSSIBLE_TIMESTAMP, DeadLetterReason.TENANT_MISMATCH);

    public DemoSettings {
        Objects.requireNonNull(duration);
        tenants = List.copyOf(tenants);
        malformedReasons = Set.copyOf(malformedReasons);
        if (tenants.isEmpty()) throw new IllegalArgumentException("at least one tenant");
        for (String t : tenants) {
            if (!t.matches("[a-z0-9][a-z0-9_-]*")) {
                throw new IllegalArgumentException("tenant '" + t + "': use lower-case letters, digits, '-' and '_'");
            }
        }
        if (eventsPerSecond <= 0) throw new IllegalArgumentException("rate must be positive");
        if (parallelism <= 0) throw new IllegalArgumentException("parallelism must be positive");
    }

    public static DemoSettings defaults() {
        return new DemoSettings(Duration.ZERO, TelemetryGenerator.DEFAULT_TENANTS, 200, 1.5, 2.5, 42,
                9092, 9093, 9000, 8081, VigilHome.path("target/demo"), VigilHome.path("flink-conf"), 2,
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(60), true, ARCHIVE,
                ALL_MALFORMED_REASONS);
    }

    public DemoSettings withDuration(Duration d) {
        return new DemoSettings(d, tenants, eventsPerSecond, storiesPerThousand, malformedPerThousand, seed, kafkaPort,
                kafkaControllerPort, s3Port, webPort, workDir, flinkConfDir, parallelism, checkpointInterval,
                statusInterval, settleTimeout, printAlerts, archivePath, malformedReasons);
    }

    public DemoSettings withPorts(int kafka, int kafkaController, int s3, int web) {
        return new DemoSettings(duration, tenants, eventsPerSecond, storiesPerThousand, malformedPerThousand, seed, kafka,
                kafkaController, s3, web, workDir, flinkConfDir, parallelism, checkpointInterval, statusInterval,
                settleTimeout, printAlerts, archivePath, malformedReasons);
    }

    public DemoSettings withWorkDir(Path dir) {
        return new DemoSettings(duration, tenants, eventsPerSecond, storiesPerThousand, malformedPerThousand, seed,
                kafkaPort, kafkaControllerPort, s3Port, webPort, dir, flinkConfDir, parallelism, checkpointInterval,
                statusInterval, settleTimeout, printAlerts, archivePath, malformedReasons);
    }
}
