package dev.vigil.local.chaos;

import dev.vigil.local.LocalFlink;
import dev.vigil.local.Ports;
import dev.vigil.local.VigilHome;
import dev.vigil.local.WorkDir;
import dev.vigil.testing.flink.MiniClusters;
import dev.vigil.testing.kafka.EmbeddedKafkaBroker;
import dev.vigil.testing.s3.EmbeddedS3;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil chaos}: {@link ChaosRun} on an embedded broker, S3 endpoint and a two-TaskManager MiniCluster. */
@Command(name = "chaos", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Inject faults into the detection job while telemetry flows, then check every output by id.",
                "",
                "Kills TaskManagers (replacing each, as a Spot fleet does), stops and restarts the Kafka broker and the"
                        + " S3 endpoint, measures each recovery (fault -> first new committed output) and compares the"
                        + " enriched topic (read_committed), the committed Parquet archive and the alerts with what a"
                        + " fault-free run gives. Runs the shipped flink-conf/config.yaml with a 1 s checkpoint interval."
                        + " Exits 0 only when nothing was lost, duplicated or invented. Ends with one line:",
                "CHAOS kills=<n> broker_restarts=<n> s3_outages=<n> events=<n> lost=<n> duplicated=<n> max_recovery_ms=<n>",
                ""})
public final class ChaosCommand implements Callable<Integer> {

    static final String BUCKET = "vigil-chaos";

    @Option(names = "--kills", description = "TaskManagers to kill (default: ${DEFAULT-VALUE}).")
    int kills = 20;

    @Option(names = "--broker-restarts", description = "Kafka broker outages (default: ${DEFAULT-VALUE}).")
    int brokerRestarts = 2;

    @Option(names = "--s3-outages", description = "S3 endpoint outages (default: ${DEFAULT-VALUE}).")
    int s3Outages = 2;

    @Option(names = "--gap", paramLabel = "<ms>",
            description = "Undisturbed running between one recovery and the next fault (default: ${DEFAULT-VALUE}).")
    long gapMillis = 3_000;

    @Option(names = "--outage", paramLabel = "<ms>", description = "How long the broker or S3 stays away (default: ${DEFAULT-VALUE}).")
    long outageMillis = 8_000;

    @Option(names = "--rate", paramLabel = "<events/s>", description = "Input rate (default: ${DEFAULT-VALUE}).")
    int rate = 300;

    @Option(names = "--checkpoint-interval", paramLabel = "<ms>",
            description = "Checkpoint interval; output is committed per checkpoint (default: ${DEFAULT-VALUE}).")
    long checkpointMillis = 1_000;

    @Option(names = "--web-port", description = "Flink web UI port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int webPort = 0;

    @Option(names = "--work-dir", description = "Data directory, wiped at start (default: ${DEFAULT-VALUE}).")
    Path workDir = VigilHome.path("target/chaos");

    @Option(names = "--flink-conf", paramLabel = "<dir>", description = "Directory of the config.yaml to run (default: ${DEFAULT-VALUE}).")
    Path flinkConf = VigilHome.path("flink-conf");

    @Override
    public Integer call() throws Exception {
        ChaosRun.Settings settings;
        try {
            ChaosPlan plan = new ChaosPlan(kills, brokerRestarts, s3Outages, Duration.ofMillis(gapMillis), Duration.ofMillis(outageMillis));
            if (rate < 30 || checkpointMillis < 100) {
                throw new IllegalArgumentException("--rate must be at least 30 and --checkpoint-interval at least 100 ms");
            }
            ChaosRun.Settings defaults = ChaosRun.Settings.of(plan);
            settings = new ChaosRun.Settings(plan, defaults.tenants(), rate, Duration.ofMillis(checkpointMillis),
                    defaults.recoveryTimeout(), defaults.settleTimeout());
        } catch (IllegalArgumentException e) {
            System.err.println("vigil chaos: " + e.getMessage());
            return 2;
        }
        Path dir = workDir.toAbsolutePath();
        WorkDir.prepare(dir, "chaos");
        Configuration shipped = LocalFlink.load(flinkConf);
        int port = webPort == 0 ? Ports.free() : webPort;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePorts(dir.resolve("kafka"));
             EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"), 0);
             MiniCluster cluster = startCluster(port)) {
            System.out.printf("Kafka %s, S3 %s, Flink web UI http://localhost:%d (%d TaskManagers x %d slots)%n",
                    broker.bootstrapServers(), s3.endpoint(), port, MiniClusters.TASK_MANAGERS, MiniClusters.SLOTS_PER_TASK_MANAGER);
            TestStreamEnvironment.setAsContext(cluster, MiniClusters.TASK_MANAGERS);
            ChaosReport report;
            try {
                report = new ChaosRun(cluster, broker, s3, BUCKET, shipped, settings, System.out).run();
            } finally {
                TestStreamEnvironment.unsetAsContext();
            }
            print(report);
            return report.clean() ? 0 : 1;
        }
    }

    private static MiniCluster startCluster(int webPort) throws Exception {
        Configuration conf = MiniClusters.configuration(new Configuration());
        conf.set(RestOptions.PORT, webPort);
        conf.set(RestOptions.ADDRESS, "localhost");
        conf.set(RestOptions.BIND_ADDRESS, "localhost");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(MiniClusters.TASK_MANAGERS)
                .setNumSlotsPerTaskManager(MiniClusters.SLOTS_PER_TASK_MANAGER)
                .build());
        cluster.start();
        return cluster;
    }

    private static void print(ChaosReport report) {
        List<ChaosReport.Recovery> r = report.recoveries();
        for (Fault fault : Fault.values()) {
            long n = report.count(fault);
            if (n > 0) {
                System.out.printf("%-16s %d, recovery max %d ms, mean %d ms%n", fault.label(), n,
                        report.maxRecoveryMillis(fault), Math.round(r.stream().filter(x -> x.fault() == fault)
                                .mapToLong(ChaosReport.Recovery::recoveryMillis).average().orElse(0)));
            }
        }
        if (report.problem() != null) {
            System.out.println("The run could not be judged: " + report.problem());
        }
        System.out.println(report.alertLine());
        System.out.println(report.line());
        System.out.flush();
    }
}
