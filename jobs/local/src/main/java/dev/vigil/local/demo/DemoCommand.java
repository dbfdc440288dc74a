package dev.vigil.local.demo;

import dev.vigil.local.Ports;
import dev.vigil.local.Shutdown;
import dev.vigil.schema.DeadLetterReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil demo}: see {@link Demo}. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Run the whole pipeline locally on generated telemetry, printing alerts as they are committed.",
                "",
                "Starts an embedded Kafka broker (9092, controller 9093) and S3 endpoint (9000), runs the detection job"
                        + " on a Flink MiniCluster (web UI on http://localhost:8081) and produces telemetry with attack"
                        + " stories and malformed records for every tenant. Stops at --duration or on Ctrl-C, then"
                        + " prints one line: SUMMARY events=<n> alerts=<n> dead_letters=<n> parquet_files=<n>",
                ""})
public final class DemoCommand implements Callable<Integer> {

    private static final DemoSettings D = DemoSettings.defaults();

    @Option(names = "--duration", paramLabel = "<seconds>",
            description = "Stop after this many seconds (default: run until Ctrl-C).")
    long durationSeconds = 0;

    @Option(names = "--tenants", split = ",", paramLabel = "<tenant>",
            description = "Tenants to generate telemetry for (default: ${DEFAULT-VALUE}).")
    List<String> tenants = D.tenants();

    @Option(names = "--rate", paramLabel = "<events/s>", description = "Valid events per second (default: ${DEFAULT-VALUE}).")
    int rate = D.eventsPerSecond();

    @Option(names = "--seed", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed = D.seed();

    @Option(names = "--stories-per-1000", paramLabel = "<n>",
            description = "Attack stories started per 1000 events (default: ${DEFAULT-VALUE}).")
    double storiesPerThousand = D.storiesPerThousand();

    @Option(names = "--malformed-per-1000", paramLabel = "<n>",
            description = "Malformed records per 1000 events (default: ${DEFAULT-VALUE}).")
    double malformedPerThousand = D.malformedPerThousand();

    @Option(names = "--parallelism", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism = D.parallelism();

    @Option(names = "--checkpoint-interval", paramLabel = "<ms>",
            description = "Checkpoint interval in milliseconds (default: ${DEFAULT-VALUE}).")
    long checkpointMillis = D.checkpointInterval().toMillis();

    @Option(names = "--kafka-port", description = "Kafka port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int kafkaPort = D.kafkaPort();

    @Option(names = "--kafka-controller-port", description = "KRaft controller port (default: ${DEFAULT-VALUE}; 0 = any).")
    int kafkaControllerPort = D.kafkaControllerPort();

    @Option(names = "--s3-port", description = "S3 endpoint port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int s3Port = D.s3Port();

    @Option(names = "--web-port", description = "Flink web UI port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int webPort = D.webPort();

    @Option(names = "--work-dir", description = "Data directory, wiped at start (default: ${DEFAULT-VALUE}).")
    Path workDir = D.workDir();

    @Option(names = "--flink-conf", paramLabel = "<dir>",
            description = "Directory whose config.yaml is loaded before the demo's settings (default: ${DEFAULT-VALUE}).")
    Path flinkConf = D.flinkConfDir();

    @Option(names = "--archive-path", hidden = true,
            description = "Parquet archive path of the job (default: ${DEFAULT-VALUE}; 'none' = no archive).")
    String archivePath = DemoSettings.ARCHIVE;

    @Option(names = "--malformed-reasons", split = ",", hidden = true,
            description = "Dead-letter reasons the malformed records rotate through (default: all six).")
    List<DeadLetterReason> malformedReasons = List.copyOf(DemoSettings.ALL_MALFORMED_REASONS);

    @Option(names = "--quiet", description = "Do not print each alert.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        DemoSettings settings;
        try {
            settings = new DemoSettings(Duration.ofSeconds(Math.max(0, durationSeconds)), tenants, rate,
                    storiesPerThousand, malformedPerThousand, seed, orFree(kafkaPort), orFree(kafkaControllerPort),
                    orFree(s3Port), orFree(webPort), workDir.toAbsolutePath(), flinkConf.toAbsolutePath(), parallelism,
                    Duration.ofMillis(checkpointMillis), D.statusInterval(), D.settleTimeout(), !quiet,
                    "none".equalsIgnoreCase(archivePath) ? null : archivePath, java.util.Set.copyOf(malformedReasons));
        } catch (IllegalArgumentException e) {
            System.err.println("vigil demo: " + e.getMessage());
            return 2;
        }
        try (Shutdown stop = Shutdown.install(Duration.ofMinutes(2))) {
            DemoSummary summary = new Demo(settings, System.out).run(stop);
            return summary.succeeded() ? 0 : 1;
        } catch (Ports.PortInUseException e) {
            System.err.println("vigil demo: " + e.getMessage());
            return 2;
        }
    }

    private static int orFree(int port) {
        return port == 0 ? Ports.free() : port;
    }
}
