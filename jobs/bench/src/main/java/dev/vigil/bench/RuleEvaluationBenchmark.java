package dev.vigil.bench;

import dev.vigil.detections.api.Finding;
import dev.vigil.detections.engine.DetectionEngine;
import dev.vigil.detections.engine.DetectionSelection;
import dev.vigil.detections.sigma.SigmaRule;
import dev.vigil.detections.sigma.SigmaRuleSet;
import dev.vigil.schema.EnrichedEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sigma rule evaluation speed, events per second on one core: the real-data set's 7,073 Windows events as
 * TelemetryEvents through {@link DetectionEngine}, as the detection job evaluates them, against 10, 100 and
 * 1,000 real rules ({@link RuleCorpus}), with the rule index ({@code indexed}) and without it ({@code linear}:
 * every rule on every event).
 *
 * <p>One operation is one event; each invocation evaluates the next {@value #BATCH} events of the corpus
 * (shuffled, cycling). {@code events}:
 * <ul>
 *   <li>{@code fresh}: before each invocation (untimed) the batch is copied into new objects, as decoding from
 *       Kafka hands them to the detection operator: in cache, keys not interned. This is what the job sees.</li>
 *   <li>{@code corpus}: the pre-built corpus as is (~40 MB of maps and strings), so most field reads miss the
 *       caches: a bound for events that are not in cache.</li>
 * </ul>
 * Findings are counted and the count returned to JMH, so nothing is optimised away.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
public class RuleEvaluationBenchmark {

    static final int BATCH = 32;

    @Param({"10", "100", "1000"})
    public int rules;

    @Param({"indexed", "linear"})
    public String evaluation;

    @Param({"fresh", "corpus"})
    public String events;

    private DetectionEngine engine;
    private EnrichedEvent[] corpus;
    private final EnrichedEvent[] batch = new EnrichedEvent[BATCH];
    private int cursor;
    private long findings;
    private final DetectionEngine.Hits countFindings = this::count;

    @Setup(Level.Trial)
    public void load() {
        Path realData = RealData.require();
        List<SigmaRule> ruleList = new RuleCorpus(realData).rules(rules);
        engine = engine(ruleList, evaluation);
        corpus = TelemetryCorpus.events(realData).toArray(EnrichedEvent[]::new);
        if (!events.equals("fresh") && !events.equals("corpus")) {
            throw new IllegalArgumentException("events: fresh or corpus, not " + events);
        }
        long before = findings;
        for (EnrichedEvent e : corpus) {
            engine.evaluate(e, countFindings);
        }
        System.out.printf("%n%d rules (%s), %d events, %d findings per pass%n", rules, evaluation, corpus.length,
                findings - before);
    }

    static DetectionEngine engine(List<SigmaRule> rules, String evaluation) {
        SigmaRuleSet set = switch (evaluation) {
            case "indexed" -> new SigmaRuleSet(rules);
            case "linear" -> SigmaRuleSet.unindexed(rules);
            default -> throw new IllegalArgumentException("evaluation: indexed or linear, not " + evaluation);
        };
        return new DetectionEngine(List.of(), set, DetectionSelection.ALL);
    }

    /** The next events of the corpus, copied when {@code fresh} (JMH does not time this). */
    @Setup(Level.Invocation)
    public void nextBatch() {
        boolean fresh = events.equals("fresh");
        int c = cursor;
        for (int i = 0; i < BATCH; i++) {
            batch[i] = fresh ? TelemetryCorpus.decodedCopy(corpus[c]) : corpus[c];
            if (++c == corpus.length) {
                c = 0;
            }
        }
        cursor = c;
    }

    private void count(int detection, Finding finding) {
        findings++;
    }

    /** Returns the running count of findings, which JMH consumes, so nothing is optimised away. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long evaluate() {
        for (EnrichedEvent e : batch) {
            engine.evaluate(e, countFindings);
        }
        return findings;
    }
}
