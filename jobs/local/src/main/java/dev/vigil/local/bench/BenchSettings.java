package dev.vigil.local.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code ./vigil bench} runs.
 *
 * @param events telemetry events in the pre-filled backlog every run reads
 * @param tenants tenants (one {@code telemetry.<tenant>} topic each)
 * @param partitions partitions per telemetry topic
 * @param rules Sigma rules of the main pipeline run (the BENCH line's {@code rules=})
 * @param sweep rule counts of the rule-count sweep
 * @param repeats runs of the raw, decode-only and pipeline measurements (the sweep and cost runs run once)
 * @param parallelism Flink parallelism
 * @param indicators reputation indicators in the broadcast state
 * @param sysmonRaw whether events keep the Sysmon-style raw fields that repeat typed ones (else {@link NativeSensorShape})
 * @param checkpointInterval checkpoint interval of the Flink runs (exactly-once output is readable at checkpoints)
 * @param warmUp whether decode and pipeline first run over the backlog, unmeasured, until their rate settles (JIT warm-up)
 * @param costs whether to run the cost runs (enrichment off, at-least-once, no Parquet)
 * @param jmh whether to run the rule engine's JMH benchmark (short schedule) beside the end-to-end runs
 * @param profile whether to record one more pipeline pass with JFR (not counted) and report where its samples go
 * @param latencySeconds how long the alert-latency run produces attack events
 * @param outDir where results.md, results.json and the chart go
 * @param workDir broker and S3 data
 * @param flinkConfDir the shipped Flink configuration (local overrides on top)
 * @param ruleSource folder of Sigma rules the rule sets are drawn from (replicated with varied literals when more are needed)
 */
record BenchSettings(long events, List<String> tenants, int partitions, int rules, List<Integer> sweep, int repeats,
        int parallelism, int indicators, boolean sysmonRaw, Duration checkpointInterval, boolean warmUp, boolean costs, boolean jmh, boolean profile, int latencySeconds, Path outDir,
        Path workDir, Path flinkConfDir, Path ruleSource) {}
