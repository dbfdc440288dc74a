package dev.vigil.bench;

import dev.vigil.detections.engine.DetectionEngine;
import dev.vigil.schema.EnrichedEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * How rule evaluation scales with the rule count, as ratios taken in one run: the same work as
 * {@link RuleEvaluationBenchmark} (indexed, fresh 32-event batches, only the evaluation timed), with the rule
 * sets taking turns in short slices inside one JVM. On a shared machine whose speed drifts by tens of percent
 * within minutes, JMH's forks of each rule count run minutes apart and their ratio drifts with it; here every
 * round measures all rule counts within a second, and the ratio is the median of the rounds' ratios.
 *
 * <p>The rule sets share compiled code here, where JMH gives each its own JVM, so absolute rates differ from
 * JMH's; the ratios are what this is for.
 *
 * <pre>java -cp jobs/bench/target/benchmarks.jar dev.vigil.bench.RuleScalingRatio [rules...]</pre>
 * (default 10 100 1000; {@code -Dslice.ms=150 -Drounds=40}; {@code -Devents=without-hits} times only the events
 * that no rule of the largest set matches: the corpus is attack recordings, where one event in 45 is a hit and a
 * hit evaluates every filter of its rule, and production telemetry is closer to these).
 */
public final class RuleScalingRatio {

    /**
     * Events per second per rule count (median over the rounds), each count's ratio to the first's, and the rules
     * the index had evaluated in full per event ({@code SigmaRuleSet#rulesEvaluated}): what the rate pays for
     * beyond reading and scanning the event.
     */
    public record Result(int[] rules, double[] eventsPerSecond, double[] ratio, double[] ratioLow, double[] ratioHigh,
                         double[] rulesEvaluatedPerEvent) {}

    private RuleScalingRatio() {}

    public static void main(String[] args) {
        int[] rules = args.length == 0 ? new int[] {10, 100, 1000}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        String events = System.getProperty("events", "all");
        if (!events.equals("all") && !events.equals("without-hits")) {
            throw new IllegalArgumentException("-Devents: all or without-hits, not " + events);
        }
        Result r = measure(rules, Long.getLong("slice.ms", 150), Integer.getInteger("rounds", 40),
                events.equals("without-hits"));
        for (int i = 0; i < rules.length; i++) {
            System.out.printf("%,6d rules: %,12.0f events/s (median of rounds); vs %d rules: %.3f (quartiles %.3f-%.3f);"
                    + " %.4f rules evaluated per event%n", rules[i], r.eventsPerSecond()[i], rules[0], r.ratio()[i],
                    r.ratioLow()[i], r.ratioHigh()[i], r.rulesEvaluatedPerEvent()[i]);
        }
        for (int i = 0; i < rules.length; i++) { // for ./vigil bench
            System.out.printf(java.util.Locale.ROOT, "SCALING rules=%d eps=%.0f ratio=%.4f low=%.4f high=%.4f%n",
                    rules[i], r.eventsPerSecond()[i], r.ratio()[i], r.ratioLow()[i], r.ratioHigh()[i]);
        }
        System.out.printf("RATIO rules_%d_vs_%d=%.3f%n", rules[rules.length - 1], rules[0], r.ratio()[rules.length - 1]);
    }

    /** Warm-up rounds (a quarter of {@code rounds}, at least one), then {@code rounds} measured rounds. */
    public static Result measure(int[] ruleCounts, long sliceMillis, int rounds) {
        return measure(ruleCounts, sliceMillis, rounds, false);
    }

    /** {@link #measure(int[], long, int)}, on only the events no rule of the largest set matches when {@code withoutHits}. */
    public static Result measure(int[] ruleCounts, long sliceMillis, int rounds, boolean withoutHits) {
        List<EnrichedEvent> events = TelemetryCorpus.events(RealData.require());
        RuleCorpus ruleCorpus = new RuleCorpus(RealData.require());
        DetectionEngine[] engines = new DetectionEngine[ruleCounts.length];
        for (int i = 0; i < engines.length; i++) {
            engines[i] = RuleEvaluationBenchmark.engine(ruleCorpus.rules(ruleCounts[i]), "indexed");
        }
        if (withoutHits) {
            DetectionEngine largest = engines[0];
            for (int i = 1; i < engines.length; i++) {
                largest = engines[i].size() > largest.size() ? engines[i] : largest;
            }
            List<EnrichedEvent> kept = new ArrayList<>();
            for (EnrichedEvent e : events) {
                boolean[] hit = {false};
                largest.evaluate(e, (detection, finding) -> hit[0] = true);
                if (!hit[0]) {
                    kept.add(e);
                }
            }
            System.out.printf("events without a hit: %,d of %,d%n", kept.size(), events.size());
            events = kept;
        }
        EnrichedEvent[] corpus = events.toArray(EnrichedEvent[]::new);
        Collections.shuffle(Arrays.asList(corpus), new Random(1));
        long[] evaluatedBefore = new long[engines.length]; // choosing the events evaluated some rules already
        for (int i = 0; i < engines.length; i++) {
            evaluatedBefore[i] = engines[i].sigmaRulesEvaluated();
        }
        long[] findings = new long[1];
        DetectionEngine.Hits count = (detection, finding) -> findings[0]++;
        EnrichedEvent[] batch = new EnrichedEvent[RuleEvaluationBenchmark.BATCH];
        int[] cursor = new int[engines.length];
        long[] evaluatedEvents = new long[engines.length];
        double[][] rates = new double[engines.length][rounds];
        int warmUp = Math.max(1, rounds / 4);
        for (int round = -warmUp; round < rounds; round++) {
            for (int i = 0; i < engines.length; i++) {
                long timed = 0;
                long evaluated = 0;
                long end = System.nanoTime() + sliceMillis * 1_000_000L;
                do {
                    for (int k = 0; k < batch.length; k++) { // untimed, as JMH's per-invocation setup
                        batch[k] = TelemetryCorpus.decodedCopy(corpus[cursor[i]]);
                        cursor[i] = (cursor[i] + 1) % corpus.length;
                    }
                    long start = System.nanoTime();
                    for (EnrichedEvent e : batch) {
                        engines[i].evaluate(e, count);
                    }
                    timed += System.nanoTime() - start;
                    evaluated += batch.length;
                    evaluatedEvents[i] += batch.length;
                } while (System.nanoTime() < end);
                if (round >= 0) {
                    rates[i][round] = evaluated * 1e9 / timed;
                }
            }
        }
        double[] median = new double[engines.length];
        double[] ratio = new double[engines.length];
        double[] low = new double[engines.length];
        double[] high = new double[engines.length];
        double[] perEvent = new double[engines.length];
        for (int i = 0; i < engines.length; i++) {
            perEvent[i] = (double) (engines[i].sigmaRulesEvaluated() - evaluatedBefore[i]) / evaluatedEvents[i];
            double[] perRound = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                perRound[round] = rates[i][round] / rates[0][round];
            }
            Arrays.sort(perRound);
            ratio[i] = perRound[rounds / 2];
            low[i] = perRound[rounds / 4];
            high[i] = perRound[(3 * rounds) / 4];
            double[] sorted = rates[i].clone();
            Arrays.sort(sorted);
            median[i] = sorted[rounds / 2];
        }
        if (findings[0] == 0 && !withoutHits) {
            throw new IllegalStateException("no rule matched any event: not the real-data set");
        }
        return new Result(ruleCounts.clone(), median, ratio, low, high, perEvent);
    }
}
