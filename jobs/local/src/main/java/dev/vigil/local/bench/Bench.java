package dev.vigil.local.bench;

import dev.vigil.bench.RuleCorpus;
import dev.vigil.jobs.detection.DetectionJob;
import dev.vigil.jobs.detection.DetectionJobOptions;
import dev.vigil.local.LocalFlink;
import dev.vigil.local.VigilHome;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.internal.DecodedRecord;
import dev.vigil.testing.flink.FlinkS3;
import dev.vigil.testing.kafka.EmbeddedKafkaBroker;
import dev.vigil.testing.s3.EmbeddedS3;
import dev.vigil.testing.telemetry.ReputationFixtures;
import dev.vigil.testing.telemetry.TelemetryFixtures;
import dev.vigil.testing.telemetry.TelemetryGenerator;
import dev.vigil.testing.telemetry.TelemetryProducer;
import dev.vigil.testing.telemetry.VigilTopics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The end-to-end benchmark: one in-JVM broker, one pre-filled backlog of telemetry, and in the same run the
 * raw consume rate of that backlog, Flink decoding it, the full detection pipeline, a rule-count sweep and the
 * cost of its parts. Every rate is a steady-state rate ({@link Progress}); CPU is split into the broker's and
 * everyone else's ({@link ThreadCpu}).
 */
final class Bench {

    private static final int WARM_UP_MAX_PASSES = 4;
    private static final double WARM_UP_SETTLED = 0.10;

    static final String BUCKET = "vigil-bench";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

    private final BenchSettings settings;
    private final PrintStream out;
    private final AtomicInteger runNumber = new AtomicInteger();
    private EmbeddedKafkaBroker broker;
    private EmbeddedS3 s3;
    private ThreadCpu cpu;
    private long backlogBytes;
    private List<String> telemetryTopics;

    Bench(BenchSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    BenchResults run() throws Exception {
        BenchSettings s = settings;
        Files.createDirectories(s.workDir());
        Files.createDirectories(s.outDir());
        long started = System.nanoTime();
        try {
            out.println("Starting Kafka and S3 ...");
            Set<Long> before = ThreadCpu.liveThreadIds();
            broker = EmbeddedKafkaBroker.startOnFreePorts(s.workDir().resolve("kafka"));
            s3 = EmbeddedS3.start(s.workDir().resolve("s3"), 0);
            s3.createBucket(BUCKET);
            Set<Long> infrastructure = ThreadCpu.liveThreadIds();
            infrastructure.removeAll(before); // the threads the broker and S3 started
            cpu = new ThreadCpu(infrastructure);
            telemetryTopics = s.tenants().stream().map(VigilTopics::telemetryTopic).toList();
            broker.createTopics(s.partitions(), telemetryTopics.toArray(String[]::new));
            broker.createTopics(1, VigilTopics.REPUTATION, "reputation-empty");

            prefill();
            Map<Integer, Path> ruleSets = writeRuleSets();

            List<Measurement> measurements = new ArrayList<>();
            Measurement raw = repeat("raw", "kafka-clients consumer, records as bytes", s.repeats(), this::rawConsume);
            measurements.add(raw);
            if (s.warmUp()) warmUp("decode", () -> decodeOnly(s.events()));
            measurements.add(repeat("decode", "Flink: Kafka source + Avro decode + validation, discarded", s.repeats(),
                    () -> decodeOnly(s.events())));
            Variant main = Variant.full(ruleSets.get(s.rules()));
            if (s.warmUp()) warmUp("pipeline", () -> pipeline(main, s.events()));
            Measurement pipeline = repeat("pipeline", main.describe(s.rules(), s.indicators()), s.repeats(), () -> pipeline(main, s.events()));
            measurements.add(pipeline);
            PipelineProfile.Breakdown profile = s.profile() ? profile(main) : null;
            Map<Integer, Measurement> sweep = new LinkedHashMap<>();
            for (int n : s.sweep()) {
                if (n == s.rules()) {
                    sweep.put(n, pipeline);
                    continue;
                }
                Variant v = Variant.full(ruleSets.get(n));
                sweep.put(n, repeat("rules-" + n, v.describe(n, s.indicators()), 1, () -> pipeline(v, s.events())));
            }
            measurements.addAll(sweep.values().stream().filter(m -> m != pipeline).toList());
            if (s.costs()) {
                Variant noEnrichment = main.withReputationTopic("reputation-empty");
                measurements.add(repeat("no-enrichment", noEnrichment.describe(s.rules(), 0), 1, () -> pipeline(noEnrichment, s.events())));
                Variant alo = main.withDelivery(DeliveryGuarantee.AT_LEAST_ONCE);
                measurements.add(repeat("at-least-once", alo.describe(s.rules(), s.indicators()), 1, () -> pipeline(alo, s.events())));
                Variant noParquet = main.withoutArchive();
                measurements.add(repeat("no-parquet", noParquet.describe(s.rules(), s.indicators()), 1, () -> pipeline(noParquet, s.events())));
            }
            AlertLatency.Result latency = s.latencySeconds() > 0 ? alertLatency(main) : null;
            long peakHeap = peakHeapBytes();
            long peakRss = peakRssBytes();
            Map<Integer, RuleEngineJmh.Score> jmh = s.jmh() ? RuleEngineJmh.run(VigilHome.root(), s.outDir(), out) : Map.of();
            return new BenchResults(s, backlogBytes, measurements, raw, pipeline, sweep, latency, jmh, profile, peakHeap, peakRss,
                    (System.nanoTime() - started) / 1e9);
        } finally {
            if (broker != null) broker.close();
            if (s3 != null) s3.close();
        }
    }

    // ------------------------------------------------------------------------------------------ backlog

    private void prefill() throws Exception {
        BenchSettings s = settings;
        out.printf("Producing %,d telemetry events for %d tenants and %,d reputation indicators ...%n", s.events(),
                s.tenants().size(), s.indicators());
        long tick = 1;
        TelemetryGenerator generator = TelemetryGenerator.builder().seed(42).tenants(s.tenants()).tickMillis(tick)
                .start(Instant.now().minusMillis(s.events() * tick)).build();
        try (TelemetryProducer producer = new TelemetryProducer(broker.bootstrapServers())) {
            List<ReputationUpdate> feed = new ArrayList<>(generator.reputationFeed());
            IndicatorType[] types = {IndicatorType.SHA256, IndicatorType.IP, IndicatorType.DOMAIN};
            for (int i = feed.size(); i < s.indicators(); i++) {
                IndicatorType type = types[i % types.length];
                String value = switch (type) {
                    case SHA256 -> TelemetryFixtures.sha256Hex("bench-indicator-" + i);
                    case IP -> "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
                    default -> "bench-" + i + ".example";
                };
                feed.add(i % 2 == 0 ? ReputationFixtures.malicious(type, value) : ReputationFixtures.benign(type, value));
            }
            producer.sendFeed(feed.subList(0, Math.min(feed.size(), Math.max(s.indicators(), generator.reputationFeed().size()))));
            long sent = 0;
            while (sent < s.events()) {
                int n = (int) Math.min(10_000, s.events() - sent);
                for (TelemetryEvent generated : generator.next(n)) {
                    TelemetryEvent e = s.sysmonRaw() ? generated : NativeSensorShape.of(generated);
                    backlogBytes += VigilTopics.encode(e).length;
                    producer.send(e);
                }
                sent += n;
            }
            producer.flush();
        }
        out.printf("Backlog: %,d events, %.1f MB of Avro (%.0f bytes per event)%n", s.events(), backlogBytes / 1e6,
                (double) backlogBytes / s.events());
    }

    /** One folder of rules per rule count, drawn from the rule source (replicated with varied literals past its size). */
    private Map<Integer, Path> writeRuleSets() throws IOException {
        RuleCorpus corpus = RuleCorpus.fromDirectory(settings.ruleSource());
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Yaml yaml = new Yaml(options);
        Map<Integer, Path> sets = new HashMap<>();
        List<Integer> counts = new ArrayList<>(settings.sweep());
        if (!counts.contains(settings.rules())) counts.add(settings.rules());
        for (int n : counts) {
            Path dir = Files.createDirectories(settings.workDir().resolve("rules-" + n));
            int i = 0;
            for (Map<?, ?> doc : corpus.documents(n)) {
                try (Writer w = Files.newBufferedWriter(dir.resolve(String.format("rule-%04d.yml", i++)), StandardCharsets.UTF_8)) {
                    yaml.dump(doc, w);
                }
            }
            sets.put(n, dir);
        }
        out.printf("Rule sets: %s rules from %s (%d real rules, more are replicas with varied literals)%n", counts,
                settings.ruleSource(), corpus.realRules());
        return sets;
    }

    // ------------------------------------------------------------------------------------------ runs

    interface RunBody {
        Measurement.Run run() throws Exception;
    }

    /**
     * Runs a configuration over the backlog, unmeasured, until its rate settles: two passes in a row within
     * {@value #WARM_UP_SETTLED} of each other, at most {@value #WARM_UP_MAX_PASSES} passes. On two busy cores the JIT
     * takes long over the job's code: after one pass over half of a 1,000,000-event backlog, three measured pipeline
     * runs still went 32k, 46k, 67k events/s, and the sweep after them ran at 70-79k.
     */
    private void warmUp(String name, RunBody body) throws Exception {
        double previous = 0;
        for (int pass = 1; pass <= WARM_UP_MAX_PASSES; pass++) {
            Measurement.Run r = body.run();
            out.printf("  %-14s warm-up %d: %,8.0f events/s (not counted)%n", name, pass, r.eventsPerSecond());
            if (previous > 0 && Math.abs(r.eventsPerSecond() - previous) <= WARM_UP_SETTLED * previous) {
                return;
            }
            previous = r.eventsPerSecond();
        }
    }

    /** One more pass of the main pipeline under JFR, not counted (the recording costs a few percent). */
    private PipelineProfile.Breakdown profile(Variant main) throws Exception {
        Files.createDirectories(settings.outDir());
        PipelineProfile.Breakdown b = PipelineProfile.record(() -> pipeline(main, settings.events()),
                settings.outDir().resolve("pipeline.jfr"), cpu);
        out.printf("  %-14s profiled pass: %,d JFR samples in %s%n", "pipeline", b.samples(), b.recording());
        b.byPart().forEach((part, n) -> out.printf("      %5.1f %%  %s%n", 100 * b.share(part), part));
        return b;
    }

    private Measurement repeat(String name, String description, int times, RunBody body) throws Exception {
        List<Measurement.Run> runs = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            Measurement.Run r = body.run();
            runs.add(r);
            out.printf("  %-14s run %d: %,10.0f events/s  %6.1f MB/s  (%.1f s; CPU broker %.1f s, other %.1f s)%n", name, i + 1,
                    r.eventsPerSecond(), r.bytesPerSecond() / 1e6, r.seconds(), r.brokerCpuSeconds(), r.otherCpuSeconds());
        }
        return new Measurement(name, description, runs);
    }

    private Measurement.Run rawConsume() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-raw-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // as the job's source reads
        ThreadCpu.Snapshot before = cpu.snapshot();
        long target = settings.events();
        long low = target / 10;
        long high = target - target / 10;
        long count = 0;
        long bytes = 0;
        long tFirst = -1;
        long tLow = -1;
        long tHigh = -1;
        long cLow = 0;
        long cHigh = 0;
        long bLow = 0;
        long bHigh = 0;
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(Pattern.compile("telemetry\\..+"));
            while (count < target) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    count++;
                    bytes += r.serializedValueSize() + Math.max(0, r.serializedKeySize());
                }
                long now = System.nanoTime();
                if (count > 0 && tFirst < 0) tFirst = now;
                if (count >= low && tLow < 0) { tLow = now; cLow = count; bLow = bytes; }
                if (count >= high && tHigh < 0) { tHigh = now; cHigh = count; bHigh = bytes; }
                if (now > deadline) throw new IllegalStateException("raw consumer read only " + count + " of " + target);
            }
        }
        double[] c = cpu.snapshot().since(before);
        long end = System.nanoTime();
        if (tHigh <= tLow || cHigh <= cLow) { // a backlog too small for two polls inside the window: from the first record
            double seconds = Math.max(1e-3, (end - tFirst) / 1e9);
            return new Measurement.Run(count / seconds, bytes / seconds, seconds, c[0], c[1]);
        }
        double window = (tHigh - tLow) / 1e9;
        return new Measurement.Run((cHigh - cLow) / window, (bHigh - bLow) / window, (end - tFirst) / 1e9, c[0], c[1]);
    }

    private Measurement.Run decodeOnly(long target) throws Exception {
        Configuration conf = flinkConfiguration("decode-" + runNumber.incrementAndGet());
        conf.set(PipelineOptions.OBJECT_REUSE, true); // as the detection job runs
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        CountingSink.COUNT.set(0);
        env.fromSource(DetectionJob.kafkaSources(conf).telemetry(), WatermarkStrategy.noWatermarks(), "Telemetry (Kafka)")
                .uid("telemetry-kafka-source")
                .filter((DecodedRecord r) -> r.getEvent() != null).uid("bench-valid").name("Valid telemetry")
                .sinkTo(new CountingSink<>()).uid("bench-discard").name("Discard");
        return timed(env, "vigil-bench-decode", CountingSink.COUNT::get, target);
    }

    private Measurement.Run pipeline(Variant v, long target) throws Exception {
        String run = "run-" + runNumber.incrementAndGet();
        String enriched = VigilTopics.ENRICHED + "-" + run;
        broker.createTopics(2, VigilTopics.ALERTS + "-" + run, enriched, VigilTopics.DEAD_LETTERS + "-" + run);
        Configuration conf = flinkConfiguration(run);
        conf.set(DetectionJobOptions.ALERTS_TOPIC, VigilTopics.ALERTS + "-" + run);
        conf.set(DetectionJobOptions.ENRICHED_TOPIC, enriched);
        conf.set(DetectionJobOptions.DEAD_LETTER_TOPIC, VigilTopics.DEAD_LETTERS + "-" + run);
        conf.set(DetectionJobOptions.REPUTATION_TOPIC, v.reputationTopic());
        conf.set(DetectionJobOptions.KAFKA_DELIVERY, v.delivery());
        conf.set(DetectionJobOptions.SIGMA_RULES, List.of(v.rules().toString()));
        if (v.archive()) {
            conf.set(DetectionJobOptions.ARCHIVE_PATH, "s3://" + BUCKET + "/archive/" + run);
        } else {
            conf.removeConfig(DetectionJobOptions.ARCHIVE_PATH);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        DetectionJob.defineProductionWorkflow(env, conf);
        try (EndOffsets progress = new EndOffsets(broker.bootstrapServers(), enriched)) {
            return timed(env, DetectionJob.JOB_NAME, progress::sum, target);
        }
    }

    /** Runs the job until {@code count} reaches {@code target}; the rate is over the steady-state window. */
    private Measurement.Run timed(StreamExecutionEnvironment env, String jobName, java.util.function.LongSupplier count,
            long target) throws Exception {
        ThreadCpu.Snapshot before = cpu.snapshot();
        long submitted = System.nanoTime();
        JobClient job = env.executeAsync(jobName);
        try {
            Progress.Rate rate = Progress.await(count, target, RUN_TIMEOUT, Duration.ofMillis(100), submitted);
            double[] c = cpu.snapshot().since(before);
            double bytesPerEvent = (double) backlogBytes / settings.events();
            return new Measurement.Run(rate.eventsPerSecond(), rate.eventsPerSecond() * bytesPerEvent, rate.seconds(), c[0], c[1]);
        } finally {
            job.cancel().get();
            try {
                job.getJobExecutionResult().get();
            } catch (Exception expected) {
                // cancelled
            }
        }
    }

    private AlertLatency.Result alertLatency(Variant v) throws Exception {
        String run = "latency-" + runNumber.incrementAndGet();
        String alerts = VigilTopics.ALERTS + "-" + run;
        broker.createTopics(2, alerts, VigilTopics.ENRICHED + "-" + run, VigilTopics.DEAD_LETTERS + "-" + run);
        String tenant = "latency";
        String topic = VigilTopics.telemetryTopic(tenant);
        broker.createTopics(settings.partitions(), topic);
        Configuration conf = flinkConfiguration(run);
        conf.set(DetectionJobOptions.TELEMETRY_TOPIC_PATTERN, Pattern.quote(topic));
        conf.set(DetectionJobOptions.ALERTS_TOPIC, alerts);
        conf.set(DetectionJobOptions.ENRICHED_TOPIC, VigilTopics.ENRICHED + "-" + run);
        conf.set(DetectionJobOptions.DEAD_LETTER_TOPIC, VigilTopics.DEAD_LETTERS + "-" + run);
        conf.set(DetectionJobOptions.SIGMA_RULES, List.of(v.rules().toString()));
        conf.set(DetectionJobOptions.ARCHIVE_PATH, "s3://" + BUCKET + "/archive/" + run);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        DetectionJob.defineProductionWorkflow(env, conf);
        out.printf("Alert latency: %d s of attack events at 20/s into a running job (exactly-once, checkpoints every %s) ...%n",
                settings.latencySeconds(), settings.checkpointInterval());
        JobClient job = env.executeAsync(DetectionJob.JOB_NAME);
        try {
            return AlertLatency.measure(broker.bootstrapServers(), tenant, alerts, settings.latencySeconds(), 20);
        } finally {
            job.cancel().get();
        }
    }

    private Configuration flinkConfiguration(String run) {
        BenchSettings s = settings;
        Configuration conf = LocalFlink.load(s.flinkConfDir());
        conf.addAll(FlinkS3.s3Settings(s3.endpoint(), s3.accessKey(), s3.secretKey()));
        FlinkS3.initializeFileSystems(conf);
        LocalFlink.applyLocalOverrides(conf, s.parallelism(), 0, s.checkpointInterval(),
                "s3://" + BUCKET + "/checkpoints/" + run, "s3://" + BUCKET + "/savepoints/" + run);
        conf.setString("rest.port", "0");
        conf.set(DetectionJobOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        conf.set(DetectionJobOptions.TELEMETRY_TOPIC_PATTERN, "telemetry\\.(?!latency$).+");
        conf.set(DetectionJobOptions.WINDOWS_TOPIC_PATTERN, "raw-windows\\..+");
        conf.set(DetectionJobOptions.CONSUMER_GROUP, "vigil-bench-" + run);
        conf.set(DetectionJobOptions.TRANSACTIONAL_ID_PREFIX, "vigil-bench-" + run);
        conf.set(DetectionJobOptions.REPUTATION_TOPIC, VigilTopics.REPUTATION);
        return conf;
    }

    // ------------------------------------------------------------------------------------------ memory

    private static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }

    /** Peak resident set size of this process (VmHWM), or -1 where /proc is not available. */
    private static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Which pipeline runs: rule set, reputation feed, sink guarantee, Parquet archive. */
    record Variant(Path rules, String reputationTopic, DeliveryGuarantee delivery, boolean archive) {
        static Variant full(Path rules) {
            return new Variant(rules, VigilTopics.REPUTATION, DeliveryGuarantee.EXACTLY_ONCE, true);
        }

        Variant withReputationTopic(String topic) {
            return new Variant(rules, topic, delivery, archive);
        }

        Variant withDelivery(DeliveryGuarantee d) {
            return new Variant(rules, reputationTopic, d, archive);
        }

        Variant withoutArchive() {
            return new Variant(rules, reputationTopic, delivery, false);
        }

        String describe(int ruleCount, int indicators) {
            return String.format("%d Sigma rules + built-ins, %s indicators, %s Kafka sinks, %s", ruleCount,
                    indicators == 0 ? "no" : String.format("%,d", indicators),
                    delivery == DeliveryGuarantee.EXACTLY_ONCE ? "exactly-once" : "at-least-once",
                    archive ? "Parquet to S3" : "no Parquet");
        }
    }

    /** Sum of a topic's log end offsets (uncommitted transactional records included): records written so far. */
    static final class EndOffsets implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions = new ArrayList<>();

        EndOffsets(String bootstrap, String topic) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }

        long sum() {
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
