package dev.vigil.testing.kafka;

import dev.vigil.testing.internal.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka broker inside this JVM: {@link KafkaRaftServer} in combined broker+controller KRaft mode
 * ({@code node.id=1}), listening on 127.0.0.1.
 *
 * <p>Layout under {@code logDir}: {@code server.properties} (written on every start) and {@code data/} (the
 * formatted Kafka log directory). {@link #stop()} keeps both, {@link #restart()} starts again on the same
 * ports and data, {@link #close()} stops without deleting anything (callers own {@code logDir}).
 *
 * <p>Topics are never auto-created: call {@link #createTopics(int, String...)}. The broker accepts
 * transactions up to 15 minutes ({@code transaction.max.timeout.ms=900000}): give Flink's exactly-once
 * KafkaSink a {@code transaction.timeout.ms} at or below that.
 */
public final class EmbeddedKafkaBroker implements KafkaEndpoint, AutoCloseable {

    /** Broker-side upper bound for producers' {@code transaction.timeout.ms}. */
    public static final long TRANSACTION_MAX_TIMEOUT_MS = 900_000L;
    public static final int DEFAULT_PARTITIONS = 2;

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path logDir;
    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> extraConfig;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(Path logDir, int port, int controllerPort, Map<String, String> extraConfig) {
        this.logDir = logDir.toAbsolutePath();
        this.dataDir = this.logDir.resolve("data");
        this.port = port;
        this.controllerPort = controllerPort;
        this.extraConfig = new TreeMap<>(extraConfig);
    }

    /**
     * Starts a broker whose files live under {@code logDir} (created if needed; reused, not reformatted, if it
     * already holds a formatted broker). {@code port} / {@code controllerPort} 0 pick free ports.
     */
    public static EmbeddedKafkaBroker start(Path logDir, int port, int controllerPort) {
        return start(logDir, port, controllerPort, Map.of());
    }

    /** As {@link #start(Path, int, int)}, with extra or overriding broker settings. */
    public static EmbeddedKafkaBroker start(
            Path logDir, int port, int controllerPort, Map<String, String> extraConfig) {
        int brokerPort = FreePorts.orFree(port);
        int ctrlPort = FreePorts.orFree(controllerPort);
        while (ctrlPort == brokerPort) {
            ctrlPort = FreePorts.pick();
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(logDir, brokerPort, ctrlPort, extraConfig);
        broker.startServer();
        return broker;
    }

    /** Starts a broker on two free ports. */
    public static EmbeddedKafkaBroker startOnFreePorts(Path logDir) {
        return start(logDir, 0, 0);
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path logDir() {
        return logDir;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    @Override
    public void createTopics(int partitions, String... topics) {
        KafkaTopics.create(bootstrapServers(), partitions, topics);
    }

    /** Shuts the broker down and waits for it; the log directory is kept. No-op when already stopped. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer running = server;
        server = null;
        running.shutdown();
        running.awaitShutdown();
    }

    /** Starts the broker again on the same ports and the same log directory (stopping it first if running). */
    public synchronized void restart() {
        stop();
        startServer();
    }

    @Override
    public void close() {
        stop();
    }

    /** The broker settings this instance runs with. */
    public Properties brokerProperties() {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dataDir.toString());
        props.put("num.partitions", String.valueOf(DEFAULT_PARTITIONS));
        props.put("auto.create.topics.enable", "false");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("transaction.max.timeout.ms", String.valueOf(TRANSACTION_MAX_TIMEOUT_MS));
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("min.insync.replicas", "1");
        props.put("default.replication.factor", "1");
        props.putAll(extraConfig);
        return props;
    }

    private synchronized void startServer() {
        Properties props = brokerProperties();
        formatIfNeeded(props);
        KafkaRaftServer raftServer = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        try {
            raftServer.startup();
        } catch (RuntimeException e) {
            shutdownQuietly(raftServer);
            throw new IllegalStateException(
                    "Kafka broker failed to start on ports " + port + "/" + controllerPort + " in " + logDir, e);
        }
        server = raftServer;
        try {
            awaitReady();
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    private void formatIfNeeded(Properties props) {
        try {
            Files.createDirectories(dataDir);
            Path configFile = logDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                props.store(out, "vigil EmbeddedKafkaBroker");
            }
            if (Files.exists(dataDir.resolve("meta.properties"))) {
                return;
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int rc;
            try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                rc = StorageTool.execute(
                        new String[] {
                            "format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString(), "--ignore-formatted"
                        },
                        printStream);
            }
            if (rc != 0) {
                throw new IllegalStateException("kafka-storage format failed (" + rc + "): "
                        + output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare Kafka log dir " + logDir, e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = KafkaTopics.admin(bootstrapServers())) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        }
        throw new IllegalStateException(
                "Kafka broker at " + bootstrapServers() + " not ready after " + READY_TIMEOUT, last);
    }

    private static void shutdownQuietly(KafkaRaftServer raftServer) {
        try {
            raftServer.shutdown();
            raftServer.awaitShutdown();
        } catch (RuntimeException ignored) {
            // best effort after a failed start
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", controller 127.0.0.1:" + controllerPort + ", "
                + logDir + (isRunning() ? "" : ", stopped") + "]";
    }
}
