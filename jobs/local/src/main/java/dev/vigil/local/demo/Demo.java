package dev.vigil.local.demo;

import dev.vigil.jobs.detection.DetectionJob;
import dev.vigil.jobs.detection.DetectionJobOptions;
import dev.vigil.local.CommittedOutputs;
import dev.vigil.local.LocalFlink;
import dev.vigil.local.Ports;
import dev.vigil.local.Shutdown;
import dev.vigil.local.VigilHome;
import dev.vigil.local.WorkDir;
import dev.vigil.schema.DeadLetterReason;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.testing.flink.FlinkS3;
import dev.vigil.testing.kafka.EmbeddedKafkaBroker;
import dev.vigil.testing.s3.ArchivedParquet;
import dev.vigil.testing.s3.EmbeddedS3;
import dev.vigil.testing.s3.S3Bucket;
import dev.vigil.testing.telemetry.TelemetryGenerator;
import dev.vigil.testing.telemetry.TelemetryProducer;
import dev.vigil.testing.telemetry.VigilTopics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./vigil demo}: the embedded broker and S3 endpoint, the detection job on a local MiniCluster with the
 * web UI, the telemetry generator producing at a steady rate, and a read_committed reader printing alerts.
 *
 * <p>Stop order: stop producing; wait until every produced event and malformed record has come back as a
 * committed enriched event / dead letter (or {@code settleTimeout} passes), plus one more checkpoint; cancel
 * the job; count the archive's Parquet files; stop the servers.
 */
public final class Demo {

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

    /** The bundled detections, whose positive samples are the recorded attacks the demo replays. */
    static final String DETECTIONS = "udfs/detections";

    /** How often the demo replays one recorded attack (each once) beside the generated telemetry. */
    static final Duration RECORDED_ATTACK_EVERY = Duration.ofSeconds(3);

    private final DemoSettings settings;
    private final PrintStream out;

    public Demo(DemoSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /** Runs until {@code settings.duration()} passes or {@code stop} is requested; prints and returns the summary. */
    public DemoSummary run(Shutdown stop) throws Exception {
        DemoSettings s = settings;
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("Kafka", s.kafkaPort());
        ports.put("Kafka controller", s.kafkaControllerPort());
        ports.put("S3", s.s3Port());
        ports.put("Flink web UI", s.webPort());
        Ports.requireFree(ports);
        WorkDir.prepare(s.workDir(), "demo");

        List<String> telemetryTopics = s.tenants().stream().map(VigilTopics::telemetryTopic).toList();
        EmbeddedKafkaBroker broker = null;
        EmbeddedS3 s3 = null;
        CommittedOutputs outputs = null;
        TelemetryProducer producer = null;
        JobClient job = null;
        CompletableFuture<JobExecutionResult> jobResult = null;
        String jobFailure = null;
        long parquetFiles = 0;
        TelemetryGenerator generator = null;
        RecordedAttacks recorded = null;
        try {
            out.printf("Starting Kafka on 127.0.0.1:%d (controller %d) ...%n", s.kafkaPort(), s.kafkaControllerPort());
            // Room for records over Kafka's 1 MiB default (e.g. a larger OVERSIZE record and its dead letter).
            broker = EmbeddedKafkaBroker.start(s.workDir().resolve("kafka"), s.kafkaPort(), s.kafkaControllerPort(),
                    Map.of("message.max.bytes", Integer.toString(TelemetryProducer.MAX_REQUEST_BYTES),
                            "replica.fetch.max.bytes", Integer.toString(TelemetryProducer.MAX_REQUEST_BYTES)));
            broker.createTopics(2, telemetryTopics.toArray(String[]::new));
            broker.createTopics(1, s.tenants().stream().map(t -> RecordedAttacks.TOPIC_PREFIX + t).toArray(String[]::new));
            broker.createTopics(1, VigilTopics.REPUTATION);
            broker.createTopics(2, VigilTopics.ALERTS, VigilTopics.ENRICHED, VigilTopics.DEAD_LETTERS);

            out.printf("Starting S3 on http://127.0.0.1:%d ...%n", s.s3Port());
            s3 = EmbeddedS3.start(s.workDir().resolve("s3"), s.s3Port());
            s3.createBucket(DemoSettings.BUCKET);

            Configuration conf = flinkConfiguration(broker, s3);
            FlinkS3.initializeFileSystems(conf);

            out.printf("Starting the detection job (parallelism %d, checkpoints every %s to %s) ...%n",
                    s.parallelism(), human(s.checkpointInterval()), DemoSettings.CHECKPOINTS);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            DetectionJob.defineProductionWorkflow(env, conf);
            job = env.executeAsync(DetectionJob.JOB_NAME);
            jobResult = job.getJobExecutionResult();

            outputs = new CommittedOutputs(broker.bootstrapServers(), VigilTopics.ALERTS, VigilTopics.ENRICHED,
                    VigilTopics.DEAD_LETTERS, alert -> {
                        if (settings.printAlerts()) out.println(AlertFormat.line(alert));
                    }).start();
            producer = new TelemetryProducer(broker.bootstrapServers());
            generator = TelemetryGenerator.builder()
                    .seed(s.seed())
                    .tenants(s.tenants())
                    .storiesPerThousand(s.storiesPerThousand())
                    .malformedReasons(s.malformedReasons())
                    .start(Instant.now())
                    .build();
            producer.sendFeed(generator.reputationFeed());
            recorded = RecordedAttacks.start(RecordedAttacks.load(VigilHome.path(DETECTIONS), s.tenants()),
                    broker.bootstrapServers());

            printBanner(broker, s3, job);
            jobFailure = produce(stop, generator, producer, recorded, outputs, job, jobResult);

            producer.flush();
            recorded.flush();
            if (jobFailure == null) {
                jobFailure = settle(producer, recorded, outputs, job, jobResult);
            }
            if (jobFailure == null) {
                out.println("Cancelling the job ...");
                cancel(job, jobResult);
            }
            parquetFiles = countParquetFiles(s3);
        } finally {
            if (job != null && jobResult != null && !jobResult.isDone()) {
                cancel(job, jobResult);
            }
            if (outputs != null) outputs.close();
            if (producer != null) producer.close();
            if (recorded != null) recorded.close();
            out.println("Stopping Kafka and S3 ...");
            closeQuietly(broker);
            closeQuietly(s3);
        }

        Map<DeadLetterReason, Long> reasons = outputs.deadLettersByReason();
        out.println("Dead letters by reason: " + (reasons.isEmpty() ? "none" : reasons.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "))));
        StoryCheck.Result stories = StoryCheck.check(generator.completedStories(), generator.stories(), outputs.alerts());
        out.printf("Attack stories: %d complete of %d started; expected alerts %d, raised %d; alerts on story"
                        + " events %d, on other events %d%n", generator.completedStories().size(),
                generator.stories().size(), stories.expected(), stories.matched(), stories.fromStories(), stories.other());
        if (jobFailure != null) out.println("The job FAILED: " + jobFailure + " (details in the log)");
        out.printf("Recorded attacks replayed: %d of %d (%d events to raw-windows.<tenant>)%n", recorded.sentCount(),
                recorded.size(), recorded.acknowledged());
        DemoSummary summary = new DemoSummary(producer.acknowledgedEvents() + recorded.acknowledged(), producer.acknowledgedMalformed(),
                outputs.enriched(), outputs.alertCount(), outputs.deadLetters(), reasons, parquetFiles,
                stories.expected(), stories.matched(), jobFailure);
        out.println(summary.line());
        out.flush();
        return summary;
    }

    private Configuration flinkConfiguration(EmbeddedKafkaBroker broker, EmbeddedS3 s3) {
        DemoSettings s = settings;
        Configuration conf = LocalFlink.load(s.flinkConfDir());
        conf.addAll(FlinkS3.s3Settings(s3.endpoint(), s3.accessKey(), s3.secretKey()));
        LocalFlink.applyLocalOverrides(conf, s.parallelism(), s.webPort(), s.checkpointInterval(),
                DemoSettings.CHECKPOINTS, DemoSettings.SAVEPOINTS);
        conf.set(DetectionJobOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        conf.set(DetectionJobOptions.TELEMETRY_TOPIC_PATTERN, "telemetry\\..+");
        conf.set(DetectionJobOptions.REPUTATION_TOPIC, VigilTopics.REPUTATION);
        conf.set(DetectionJobOptions.ALERTS_TOPIC, VigilTopics.ALERTS);
        conf.set(DetectionJobOptions.ENRICHED_TOPIC, VigilTopics.ENRICHED);
        conf.set(DetectionJobOptions.DEAD_LETTER_TOPIC, VigilTopics.DEAD_LETTERS);
        if (s.archivePath() != null) {
            conf.set(DetectionJobOptions.ARCHIVE_PATH, s.archivePath());
        } else {
            conf.removeConfig(DetectionJobOptions.ARCHIVE_PATH);
        }
        return conf;
    }

    private void printBanner(EmbeddedKafkaBroker broker, EmbeddedS3 s3, JobClient job) {
        DemoSettings s = settings;
        out.println();
        out.println("Vigil demo is running");
        out.printf("  Flink web UI  http://localhost:%d  (job %s)%n", s.webPort(), job.getJobID());
        out.printf("  Kafka         %s  topics telemetry.{%s}, raw-windows.*, reputation, alerts, enriched, dead-letters%n",
                broker.bootstrapServers(), String.join(",", s.tenants()));
        out.printf("  S3            %s  bucket %s (access key %s, secret %s)%n", s3.endpoint(), DemoSettings.BUCKET,
                s3.accessKey(), s3.secretKey());
        out.printf("  Data          %s   logs %s%n", s.workDir(), System.getProperty("vigil.log.dir", "target/logs"));
        out.printf("Producing %d events/s for %d tenants %s; Ctrl-C stops cleanly.%n%n", s.eventsPerSecond(),
                s.tenants().size(), s.duration().isZero() ? "until stopped" : "for " + human(s.duration()));
    }

    /** Produces until the duration passes, a stop is requested or the job ends; returns the job's failure or null. */
    private String produce(Shutdown stop, TelemetryGenerator generator, TelemetryProducer producer, RecordedAttacks recorded,
                           CommittedOutputs outputs, JobClient job, CompletableFuture<JobExecutionResult> jobResult)
            throws InterruptedException {
        DemoSettings s = settings;
        long startNanos = System.nanoTime();
        long endNanos = s.duration().isZero() ? Long.MAX_VALUE : startNanos + s.duration().toNanos();
        long nextStatus = startNanos + s.statusInterval().toNanos();
        long lastStatusEvents = 0;
        long lastStatusNanos = startNanos;
        long generated = 0;
        long malformed = 0;
        long nextRecorded = startNanos + RECORDED_ATTACK_EVERY.toNanos() / 2;
        while (true) {
            if (stop.await(Duration.ofMillis(100))) {
                out.printf("Stop requested (%s).%n", stop.reason());
                return null;
            }
            long now = System.nanoTime();
            if (now >= endNanos) return null;
            if (jobResult.isDone()) return failureOf(jobResult);
            double elapsed = (now - startNanos) / 1e9;
            long dueEvents = (long) (elapsed * s.eventsPerSecond());
            int n = (int) Math.min(dueEvents - generated, 2L * s.eventsPerSecond());
            if (n > 0) {
                List<TelemetryEvent> batch = generator.next(n, Instant.now());
                producer.sendAll(batch);
                generated += n;
            }
            if (now >= nextRecorded && !recorded.exhausted()) {
                RecordedAttacks.Attack a = recorded.sendNext();
                out.printf("Replaying a recorded attack for %s: %s (%d events, %s)%n", a.tenant(), a.name(), a.events().size(),
                        a.detection());
                nextRecorded = now + RECORDED_ATTACK_EVERY.toNanos();
            }
            long dueMalformed = s.malformedReasons().isEmpty() ? 0 : (long) (generated * s.malformedPerThousand() / 1000.0);
            while (malformed < dueMalformed) {
                producer.send(generator.nextMalformed());
                malformed++;
            }
            if (now >= nextStatus) {
                long events = producer.acknowledgedEvents();
                double rate = (events - lastStatusEvents) / ((now - lastStatusNanos) / 1e9);
                lastStatusEvents = events;
                lastStatusNanos = now;
                nextStatus = now + s.statusInterval().toNanos();
                out.println(status(now - startNanos, events, rate, producer, outputs, job));
            }
        }
    }

    private String status(long elapsedNanos, long events, double rate, TelemetryProducer producer,
                          CommittedOutputs outputs, JobClient job) {
        OptionalLong checkpoints = LocalFlink.completedCheckpoints(settings.webPort(), job.getJobID());
        return String.format(Locale.ROOT,
                "[%4ds] produced %d events (%.0f/s) + %d malformed | enriched %d | alerts %d | dead letters %d | checkpoints %s",
                TimeUnit.NANOSECONDS.toSeconds(elapsedNanos), events, rate, producer.acknowledgedMalformed(),
                outputs.enriched(), outputs.alertCount(), outputs.deadLetters(),
                checkpoints.isPresent() ? Long.toString(checkpoints.getAsLong()) : "-");
    }

    /**
     * Waits until every produced event and malformed record is back as a committed output (or the settle
     * timeout passes), then for one more completed checkpoint and for the counts to stay still for a moment.
     */
    private String settle(TelemetryProducer producer, RecordedAttacks recorded, CommittedOutputs outputs, JobClient job,
                          CompletableFuture<JobExecutionResult> jobResult) throws InterruptedException {
        long events = producer.acknowledgedEvents() + recorded.acknowledged();
        long malformed = producer.acknowledgedMalformed();
        out.printf("Producing stopped (%d events, %d malformed). Waiting for the last checkpoints to commit ...%n",
                events, malformed);
        long deadline = System.nanoTime() + settings.settleTimeout().toNanos();
        while (outputs.enriched() < events || outputs.deadLetters() < malformed) {
            if (jobResult.isDone()) return failureOf(jobResult);
            if (System.nanoTime() > deadline) {
                out.printf("Not everything came back within %s: enriched %d of %d events, dead letters %d of %d"
                                + " malformed records.%n", human(settings.settleTimeout()), outputs.enriched(), events,
                        outputs.deadLetters(), malformed);
                break;
            }
            Thread.sleep(200);
        }
        // One more checkpoint, so alerts raised by the last events are committed too.
        OptionalLong base = LocalFlink.completedCheckpoints(settings.webPort(), job.getJobID());
        long cpDeadline = System.nanoTime() + settings.checkpointInterval().multipliedBy(5).toNanos();
        while (base.isPresent() && System.nanoTime() < cpDeadline && !jobResult.isDone()) {
            OptionalLong now = LocalFlink.completedCheckpoints(settings.webPort(), job.getJobID());
            if (now.isPresent() && now.getAsLong() > base.getAsLong()) break;
            Thread.sleep(200);
        }
        long stable = System.nanoTime();
        long last = outputs.alertCount() + outputs.enriched() + outputs.deadLetters();
        long stableDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() - stable < Duration.ofMillis(1500).toNanos() && System.nanoTime() < stableDeadline) {
            Thread.sleep(100);
            long current = outputs.alertCount() + outputs.enriched() + outputs.deadLetters();
            if (current != last) {
                last = current;
                stable = System.nanoTime();
            }
        }
        return jobResult.isDone() ? failureOf(jobResult) : null;
    }

    private static String failureOf(CompletableFuture<JobExecutionResult> jobResult) {
        try {
            jobResult.get();
            return "the job finished unexpectedly";
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            LOG.error("The detection job failed", e);
            return root.toString();
        }
    }

    private void cancel(JobClient job, CompletableFuture<JobExecutionResult> jobResult) {
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Cancelling the job failed (it may have ended already)", e);
        }
        try {
            jobResult.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("Job ended: {}", e.toString());
        }
    }

    /** Committed (visible, not hidden or in-progress) .parquet objects under the archive prefix. */
    static long countParquetFiles(EmbeddedS3 s3) {
        try (S3Bucket bucket = s3.client(DemoSettings.BUCKET)) {
            return bucket.listKeys("archive/").stream().filter(ArchivedParquet::isCommitted).count();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed", c, e);
        }
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }
}
