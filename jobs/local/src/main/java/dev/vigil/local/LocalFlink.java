package dev.vigil.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

/** Flink configuration and REST helpers shared by the local runner's commands. */
public final class LocalFlink {

    private static final Pattern COMPLETED = Pattern.compile("\"counts\"\\s*:\\s*\\{[^}]*\"completed\"\\s*:\\s*(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LocalFlink() {}

    /**
     * {@code flinkConfDir/config.yaml} loaded with {@link GlobalConfiguration#loadConfiguration(String)} when it
     * exists, else an empty configuration.
     */
    public static Configuration load(Path flinkConfDir) {
        if (flinkConfDir != null && Files.isRegularFile(flinkConfDir.resolve("config.yaml"))) {
            return GlobalConfiguration.loadConfiguration(flinkConfDir.toAbsolutePath().toString());
        }
        return new Configuration();
    }

    /**
     * The settings every local run overrides, whatever config.yaml says for a cluster: a MiniCluster with
     * {@code parallelism} slots, the web UI on {@code webPort}, RocksDB with incremental checkpoints every
     * {@code checkpointInterval} to {@code checkpointDir}, a bounded restart strategy and no high availability.
     */
    public static void applyLocalOverrides(Configuration conf, int parallelism, int webPort, Duration checkpointInterval,
                                           String checkpointDir, String savepointDir) {
        conf.setString("high-availability.type", "NONE");
        conf.setString("rest.address", "localhost");
        conf.setString("rest.bind-address", "localhost");
        conf.setString("rest.port", Integer.toString(webPort));
        conf.setString("parallelism.default", Integer.toString(parallelism));
        conf.setString("taskmanager.numberOfTaskSlots", Integer.toString(parallelism));
        conf.setString("state.backend.type", "rocksdb");
        conf.setString("execution.checkpointing.incremental", "true");
        conf.setString("execution.checkpointing.interval", checkpointInterval.toMillis() + " ms");
        conf.setString("execution.checkpointing.min-pause", Math.min(500, checkpointInterval.toMillis() / 2) + " ms");
        conf.setString("execution.checkpointing.timeout", "60 s");
        conf.setString("execution.checkpointing.tolerable-failed-checkpoints", "3");
        conf.setString("execution.checkpointing.dir", checkpointDir);
        conf.setString("execution.checkpointing.savepoint-dir", savepointDir);
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "10");
        conf.setString("restart-strategy.fixed-delay.delay", "2 s");
    }

    /** Completed checkpoints of {@code job} per the REST API on {@code restPort}; empty when unavailable. */
    public static OptionalLong completedCheckpoints(int restPort, JobID job) {
        try {
            HttpRequest req = HttpRequest.newBuilder(
                            URI.create("http://localhost:" + restPort + "/jobs/" + job + "/checkpoints"))
                    .timeout(Duration.ofSeconds(3)).GET().build();
            HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) return OptionalLong.empty();
            Matcher m = COMPLETED.matcher(resp.body());
            return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }
}
