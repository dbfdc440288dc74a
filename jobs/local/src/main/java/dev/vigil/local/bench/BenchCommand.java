package dev.vigil.local.bench;

import dev.vigil.bench.RealData;
import dev.vigil.local.VigilHome;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./vigil bench}: the end-to-end benchmark (see {@link Bench}); ends with the BENCH line. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures the detection pipeline against the raw Kafka consume rate of the same backlog, in one run:"
                + " raw consume, decode only, the full pipeline, a rule-count sweep, the cost of enrichment, exactly-once and"
                + " Parquet, alert latency, memory. Writes results.md, results.json and throughput-vs-rules.png and prints"
                + " the BENCH line."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--events", description = "Events in the backlog (default ${DEFAULT-VALUE}).")
    long events = 1_000_000;

    @Option(names = "--rules", description = "Sigma rules of the main pipeline run (default ${DEFAULT-VALUE}).")
    int rules = 100;

    @Option(names = "--sweep", split = ",", description = "Rule counts of the sweep (default ${DEFAULT-VALUE}).")
    List<Integer> sweep = List.of(1, 10, 100, 1000);

    @Option(names = "--repeats", description = "Runs of raw, decode and pipeline (default ${DEFAULT-VALUE}).")
    int repeats = 3;

    @Option(names = "--indicators", description = "Reputation indicators (default ${DEFAULT-VALUE}).")
    int indicators = 100_000;

    @Option(names = "--parallelism", description = "Flink parallelism (default ${DEFAULT-VALUE}).")
    int parallelism = 2;

    @Option(names = "--sysmon-raw", description = "Events keep the Sysmon-style raw fields that repeat the typed ones"
            + " (about 866 bytes per event instead of about 500).")
    boolean sysmonRaw;

    @Option(names = "--checkpoint-interval", description = "Checkpoint interval (default ${DEFAULT-VALUE}, as config.yaml).")
    Duration checkpointInterval = Duration.ofSeconds(10);

    @Option(names = "--no-costs", description = "Skip the cost runs (enrichment off, at-least-once, no Parquet).")
    boolean noCosts;

    @Option(names = "--no-jmh", description = "Skip the rule engine's benchmarks, JMH and the rule counts in turn (about 1.5 minutes;"
            + " needs ../shared/realdata).")
    boolean noJmh;

    @Option(names = "--profile", description = "Record one more pipeline pass with JDK Flight Recorder (not counted): writes"
            + " pipeline.jfr and reports which parts of the pipeline its CPU samples fall in.")
    boolean profile;

    @Option(names = "--latency-seconds", description = "Seconds of the alert-latency run; 0 skips it (default ${DEFAULT-VALUE}).")
    int latencySeconds = 30;

    @Option(names = "--rule-source", description = "Folder of Sigma rules to draw from (default: the real-data set's SigmaHQ rules"
            + " when present, else udfs/detections).")
    Path ruleSource;

    @Option(names = "--out", description = "Output folder (default target/bench).")
    Path out;

    @Option(names = "--quick", description = "A smoke run of a few seconds: 5,000 events, 10 rules, one run of each, no sweep,"
            + " costs or latency.")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        PrintStream console = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Path home = VigilHome.root();
        Path source = ruleSource != null ? ruleSource
                : RealData.present() ? RealData.location().resolve("sigma") : home.resolve("udfs/detections");
        BenchSettings settings = quick
                ? new BenchSettings(5_000, List.of("acme", "globex"), 2, 10, List.of(10), 1, parallelism, 1_000, sysmonRaw,
                        Duration.ofSeconds(2), false, false, false, profile, 0, outDir(home), workDir(home), home.resolve("flink-conf"), source)
                : new BenchSettings(events, List.of("acme", "globex", "initech"), 2, rules, sweep, repeats, parallelism,
                        indicators, sysmonRaw, checkpointInterval, true, !noCosts, !noJmh, profile, latencySeconds, outDir(home), workDir(home),
                        home.resolve("flink-conf"), source);
        BenchResults results = new Bench(settings, console).run();
        results.write(settings.outDir());
        console.println();
        console.print(results.markdown());
        console.println("Wrote " + settings.outDir().resolve("results.md") + ", results.json, throughput-vs-rules.png");
        console.println(results.benchLine());
        return 0;
    }

    private Path outDir(Path home) {
        return out != null ? out : home.resolve("target/bench");
    }

    private static Path workDir(Path home) throws java.io.IOException {
        Path dir = home.resolve("target/bench-work");
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }
}
