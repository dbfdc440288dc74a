package dev.vigil.local.chaos;

import dev.vigil.jobs.detection.DetectionJob;
import dev.vigil.jobs.detection.DetectionJobOptions;
import dev.vigil.local.chaos.ChaosReport.Recovery;
import dev.vigil.schema.Alert;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.wire.WireCodec;
import dev.vigil.testing.flink.FlinkS3;
import dev.vigil.testing.kafka.EmbeddedKafkaBroker;
import dev.vigil.testing.kafka.TopicReader;
import dev.vigil.testing.s3.ArchivedParquet;
import dev.vigil.testing.s3.EmbeddedS3;
import dev.vigil.testing.s3.S3Bucket;
import dev.vigil.testing.telemetry.FeedBarrier;
import dev.vigil.testing.telemetry.VigilTopics;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointStatsCounts;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fault injection against the detection job as shipped: steady input ({@link SteadyInput}) while TaskManagers
 * are killed and replaced, the broker is stopped and restarted on the same port and log dir, and the S3
 * endpoint (checkpoints and the Parquet archive) goes away and comes back. Afterwards every output is compared
 * by id with the input: each valid event exactly once in the enriched topic (read_committed) and in committed
 * Parquet files, each alert of a fault-free run exactly once and no other.
 *
 * <p>Used by {@code ./vigil chaos} and by the fault-injection integration tests, on a MiniCluster with at least
 * two TaskManagers, still with its original ones, that {@link StreamExecutionEnvironment#getExecutionEnvironment}
 * submits to (a MiniClusterExtension, or {@code TestStreamEnvironment.setAsContext}).
 */
public final class ChaosRun {

    /**
     * How a run is shaped.
     *
     * @param checkpointInterval the only checkpoint setting that differs from the shipped configuration: output
     *                           becomes visible per checkpoint, so it bounds every recovery time from below
     * @param recoveryTimeout    how long to wait for output after a fault before calling it unrecovered
     */
    public record Settings(ChaosPlan plan, List<String> tenants, int eventsPerSecond, Duration checkpointInterval,
                           Duration recoveryTimeout, Duration settleTimeout) {

        public static Settings of(ChaosPlan plan) {
            return new Settings(plan, List.of("acme", "globex", "initech"), 300, Duration.ofSeconds(1),
                    Duration.ofMinutes(2), Duration.ofMinutes(2));
        }
    }

    static final int TELEMETRY_PARTITIONS = 2;

    private final MiniCluster cluster;
    private final EmbeddedKafkaBroker broker;
    private final EmbeddedS3 s3;
    private final String bucket;
    private final Configuration shipped;
    private final Settings settings;
    private final PrintStream out;
    private int nextTaskManager;

    /** {@code shipped} is the cluster configuration (flink-conf/config.yaml) the job runs with. */
    public ChaosRun(MiniCluster cluster, EmbeddedKafkaBroker broker, EmbeddedS3 s3, String bucket, Configuration shipped,
                    Settings settings, PrintStream out) {
        this.cluster = cluster;
        this.broker = broker;
        this.s3 = s3;
        this.bucket = bucket;
        this.shipped = shipped;
        this.settings = settings;
        this.out = out;
    }

    /**
     * The shipped configuration with only what must differ on one machine: endpoints, paths, parallelism 2, the
     * checkpoint interval, and a restart backoff that resets after 3 s of stability instead of a minute (faults
     * come every few seconds here; on a cluster the minute keeps a wave of reclaims from thrashing).
     */
    public static Configuration jobConfiguration(Configuration shipped, String bootstrapServers, EmbeddedS3 s3,
                                                 String bucket, String run, Duration checkpointInterval) {
        Configuration conf = new Configuration(shipped);
        conf.addAll(FlinkS3.s3Settings(s3.endpoint(), s3.accessKey(), s3.secretKey()));
        conf.set(DetectionJobOptions.BOOTSTRAP_SERVERS, bootstrapServers);
        conf.set(DetectionJobOptions.TELEMETRY_TOPIC_PATTERN, "telemetry\\..+");
        conf.set(DetectionJobOptions.REPUTATION_TOPIC, VigilTopics.REPUTATION);
        conf.set(DetectionJobOptions.ALERTS_TOPIC, VigilTopics.ALERTS);
        conf.set(DetectionJobOptions.ENRICHED_TOPIC, VigilTopics.ENRICHED);
        conf.set(DetectionJobOptions.DEAD_LETTER_TOPIC, VigilTopics.DEAD_LETTERS);
        conf.set(DetectionJobOptions.ARCHIVE_PATH, "s3://" + bucket + "/" + archivePrefix(run));
        conf.set(DetectionJobOptions.TRANSACTIONAL_ID_PREFIX, "chaos-" + run);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://" + bucket + "/checkpoints/" + run);
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, "s3://" + bucket + "/savepoints/" + run);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
        conf.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, checkpointInterval.dividedBy(2));
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
        conf.setString("restart-strategy.exponential-delay.reset-backoff-threshold", "3s");
        return conf;
    }

    static String archivePrefix(String run) {
        return "archive/" + run + "/";
    }

    public ChaosReport run() throws Exception {
        String bootstrap = broker.bootstrapServers();
        for (String tenant : settings.tenants()) {
            broker.createTopics(TELEMETRY_PARTITIONS, VigilTopics.telemetryTopic(tenant));
        }
        broker.createTopics(1, VigilTopics.REPUTATION);
        broker.createTopics(2, VigilTopics.ALERTS, VigilTopics.ENRICHED, VigilTopics.DEAD_LETTERS);
        s3.createBucket(bucket);
        String run = UUID.randomUUID().toString().substring(0, 8);
        Configuration conf = jobConfiguration(shipped, bootstrap, s3, bucket, run, settings.checkpointInterval());
        FlinkS3.initializeFileSystems(conf);

        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            for (ReputationUpdate u : SteadyInput.feed()) {
                producer.send(new ProducerRecord<>(VigilTopics.REPUTATION, VigilTopics.reputationKey(u), VigilTopics.encode(u))).get();
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            DetectionJob.defineProductionWorkflow(env, conf);
            JobClient job = env.executeAsync(DetectionJob.JOB_NAME);
            try {
                out.printf("Job %s running; waiting for the reputation feed to reach every subtask ...%n", job.getJobID());
                List<String> probes = FeedBarrier.await(bootstrap, producer, settings.tenants(), TELEMETRY_PARTITIONS,
                        SteadyInput.PROBE_IP, SteadyInput.probeTime(), settings.settleTimeout());
                SteadyInput input = new SteadyInput(producer, settings.tenants(), settings.eventsPerSecond());
                Thread inputThread = new Thread(input, "vigil-chaos-input");
                List<Recovery> recoveries;
                try (RecoveryWatch watch = new RecoveryWatch(bootstrap, VigilTopics.ENRICHED)) {
                    inputThread.start();
                    out.printf("Producing %d events/s for %s; %d faults to inject, %s apart%n", settings.eventsPerSecond(),
                            settings.tenants(), settings.plan().faults(), human(settings.plan().gap()));
                    recoveries = injectAll(watch);
                } finally {
                    input.stop();
                    inputThread.join(TimeUnit.MINUTES.toMillis(3));
                }
                if (input.sendFailures() > 0) {
                    return problem("the input producer failed " + input.sendFailures() + " sends: " + input.firstSendFailure(), recoveries);
                }
                Set<String> expectedEvents = new HashSet<>(input.expectedEvents());
                expectedEvents.addAll(probes);
                return judge(job.getJobID(), expectedEvents, input.expectedAlerts(), recoveries, run);
            } finally {
                job.cancel().get(1, TimeUnit.MINUTES);
            }
        }
    }

    private List<Recovery> injectAll(RecoveryWatch watch) throws Exception {
        List<Fault> schedule = settings.plan().schedule();
        List<Recovery> recoveries = new ArrayList<>();
        for (int i = 0; i < schedule.size(); i++) {
            Thread.sleep(settings.plan().gap().toMillis());
            Fault fault = schedule.get(i);
            long outageStart = System.currentTimeMillis();
            long faultAt = inject(fault);
            OptionalLong recovery = watch.awaitRecovery(faultAt, settings.recoveryTimeout());
            long outage = fault == Fault.TASK_MANAGER_KILL ? 0 : faultAt - outageStart;
            Recovery r = new Recovery(fault, recovery.orElse(-1), outage);
            recoveries.add(r);
            out.printf(Locale.ROOT, "fault %2d/%d  %-16s %s%n", i + 1, schedule.size(), fault.label()
                            + (outage > 0 ? " " + outage + " ms" : ""),
                    recovery.isPresent() ? "first new committed output after " + recovery.getAsLong() + " ms"
                            : "NO committed output within " + human(settings.recoveryTimeout()));
        }
        return recoveries;
    }

    /** Injects {@code fault}; returns when (wall clock) the job could start recovering: the kill, or the service back. */
    private long inject(Fault fault) throws Exception {
        switch (fault) {
            case TASK_MANAGER_KILL -> {
                long at = System.currentTimeMillis();
                // indexes are never reused: 0 and 1 are the original TaskManagers, each replacement takes the next
                cluster.terminateTaskManager(nextTaskManager++).get(30, TimeUnit.SECONDS);
                cluster.startTaskManager();
                return at;
            }
            case BROKER_RESTART -> {
                broker.stop();
                Thread.sleep(settings.plan().outage().toMillis());
                long at = System.currentTimeMillis();
                broker.restart();
                return at;
            }
            case S3_OUTAGE -> {
                s3.stop();
                Thread.sleep(settings.plan().outage().toMillis());
                long at = System.currentTimeMillis();
                s3.restart();
                return at;
            }
            default -> throw new IllegalArgumentException(fault.toString());
        }
    }

    /** Waits for the outputs to catch up with the input, lets a few more checkpoints pass, then compares by id. */
    private ChaosReport judge(JobID job, Set<String> expectedEvents, Set<String> expectedAlerts, List<Recovery> recoveries,
                              String run) throws Exception {
        String bootstrap = broker.bootstrapServers();
        String prefix = archivePrefix(run);
        out.printf("Input stopped: %d events, %d alerts expected. Waiting for committed output ...%n",
                expectedEvents.size(), expectedAlerts.size());
        long deadline = System.nanoTime() + settings.settleTimeout().toNanos();
        try (S3Bucket archive = s3.client(bucket)) {
            while (System.nanoTime() < deadline
                    && (TopicReader.readCommitted(bootstrap, VigilTopics.ENRICHED).size() < expectedEvents.size()
                    || TopicReader.readCommitted(bootstrap, VigilTopics.ALERTS).size() < expectedAlerts.size()
                    || ArchivedParquet.eventIds(archive, prefix).size() < expectedEvents.size())) {
                Thread.sleep(1_000);
            }
            // A few more checkpoints: a duplicate committed late would surface now.
            Thread.sleep(Math.max(4_000, settings.checkpointInterval().multipliedBy(4).toMillis()));

            List<String> enriched = ids(TopicReader.readCommitted(bootstrap, VigilTopics.ENRICHED), EnrichedEvent.class,
                    e -> e.getEvent().getEventId());
            List<String> archived = ArchivedParquet.eventIds(archive, prefix);
            List<String> alerts = ids(TopicReader.readCommitted(bootstrap, VigilTopics.ALERTS), Alert.class, Alert::getAlertId);

            Tally kafka = Tally.of(enriched, expectedEvents);
            Tally parquet = Tally.of(archived, expectedEvents);
            Set<String> lost = new HashSet<>(kafka.missing());
            lost.addAll(parquet.missing());
            Tally alertTally = Tally.of(alerts, expectedAlerts);
            out.printf("enriched topic: %d records, %d missing, %d duplicated | Parquet: %d rows, %d missing, %d duplicated%n",
                    enriched.size(), kafka.missing().size(), kafka.duplicated(), archived.size(), parquet.missing().size(),
                    parquet.duplicated());
            CheckpointStatsSnapshot stats = cluster.getExecutionGraph(job).get(30, TimeUnit.SECONDS).getCheckpointStatsSnapshot();
            CheckpointStatsCounts counts = stats.getCounts();
            long longest = stats.getSummaryStats().getEndToEndDurationStats().getMaximum();
            out.printf("checkpoints: %d completed (longest %d ms), %d failed, %d restores%n",
                    counts.getNumberOfCompletedCheckpoints(), longest, counts.getNumberOfFailedCheckpoints(),
                    counts.getNumberOfRestoredCheckpoints());
            return new ChaosReport(expectedEvents.size(), lost.size(), kafka.duplicated() + parquet.duplicated(),
                    kafka.unexpected() + parquet.unexpected(), expectedAlerts.size(), alertTally.missing().size(),
                    alertTally.duplicated(), alertTally.unexpected(), recoveries, counts.getNumberOfRestoredCheckpoints(),
                    counts.getNumberOfFailedCheckpoints(), longest, null);
        }
    }

    private static ChaosReport problem(String why, List<Recovery> recoveries) {
        return new ChaosReport(0, 0, 0, 0, 0, 0, 0, 0, recoveries, 0, 0, 0, why);
    }

    /** How a list of output ids compares with the expected set. */
    record Tally(Set<String> missing, long duplicated, long unexpected) {
        static Tally of(List<String> actual, Set<String> expected) {
            Map<String, Integer> copies = new HashMap<>();
            for (String id : actual) {
                copies.merge(id, 1, Integer::sum);
            }
            Set<String> missing = new HashSet<>(expected);
            missing.removeAll(copies.keySet());
            long duplicated = 0;
            long unexpected = 0;
            for (Map.Entry<String, Integer> e : copies.entrySet()) {
                if (expected.contains(e.getKey())) {
                    duplicated += e.getValue() - 1;
                } else {
                    unexpected += e.getValue();
                }
            }
            return new Tally(missing, duplicated, unexpected);
        }
    }

    private static <T extends SpecificRecordBase> List<String> ids(List<ConsumerRecord<byte[], byte[]>> records, Class<T> type,
                                                                   Function<T, String> id) {
        WireCodec<T> codec = WireCodec.of(type);
        List<String> ids = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                ids.add(id.apply(codec.decode(r.value())));
            } catch (IOException e) {
                throw new IllegalStateException("Undecodable record on " + r.topic() + " at offset " + r.offset(), e);
            }
        }
        return ids;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // a sensor's producer rides out a broker outage by buffering and retrying, not by dropping events
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TimeUnit.MINUTES.toMillis(5));
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }
}
