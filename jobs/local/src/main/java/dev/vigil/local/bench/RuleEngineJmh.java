package dev.vigil.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The rule engine alone: the JMH benchmark of {@code jobs/bench} ({@code RuleEvaluationBenchmark}, indexed, fresh
 * events) run in its own JVM with a short schedule, so its figures stand beside the end-to-end ones of the same run.
 * The full schedule is the README's JMH command.
 */
final class RuleEngineJmh {

    /** events/s per core and JMH's 99.9 % error, by rule count. */
    record Score(double eventsPerSecond, double error) {}

    private RuleEngineJmh() {}

    /** The scores, or an empty map (with the reason printed) when the benchmark jar or the real-data set is missing. */
    static Map<Integer, Score> run(Path home, Path outDir, PrintStream out) throws IOException, InterruptedException {
        Path jar = home.resolve("jobs/bench/target/benchmarks.jar");
        if (!Files.isRegularFile(jar)) {
            out.println("Rule engine (JMH): skipped, " + jar + " is not built (mvn -pl jobs/bench -am package)");
            return Map.of();
        }
        if (!Files.isDirectory(home.resolve("../shared/realdata/public/sigma"))) {
            out.println("Rule engine (JMH): skipped, the real-data set ../shared/realdata is not beside the repository");
            return Map.of();
        }
        Path json = outDir.resolve("jmh-rules.json");
        Path log = outDir.resolve("jmh-rules.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "RuleEvaluation", "-p", "evaluation=indexed", "-p", "events=fresh",
                "-f", "1", "-wi", "3", "-w", "2", "-i", "5", "-r", "1", "-rf", "json", "-rff", json.toString()));
        out.println("Rule engine alone (JMH, indexed, fresh events, 1 fork, 3 x 2 s warm-up, 5 x 1 s) ...");
        Process p = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            out.println("Rule engine (JMH): timed out, see " + log);
            return Map.of();
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(json)) {
            out.println("Rule engine (JMH): failed (exit " + p.exitValue() + "), see " + log);
            return Map.of();
        }
        Map<Integer, Score> scores = new TreeMap<>();
        for (JsonNode r : new ObjectMapper().readTree(json.toFile())) {
            JsonNode metric = r.get("primaryMetric");
            scores.put(r.get("params").get("rules").asInt(),
                    new Score(metric.get("score").asDouble(), metric.get("scoreError").asDouble()));
        }
        scores.forEach((n, s) -> out.printf("  rules %-5d %,12.0f events/s per core (± %,.0f)%n", n, s.eventsPerSecond(), s.error()));
        return scores;
    }
}
