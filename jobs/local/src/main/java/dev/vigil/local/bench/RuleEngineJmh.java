package dev.vigil.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule engine alone: the JMH benchmark of {@code jobs/bench} ({@code RuleEvaluationBenchmark}, indexed, fresh
 * events) run in its own JVM with a short schedule, so its figures stand beside the end-to-end ones of the same run,
 * then {@code RuleScalingRatio}: the same work with the rule counts in turn in one JVM, whose ratios do not drift
 * with the machine's speed as those of JMH's separate forks do. The full schedule is the README's JMH command.
 */
final class RuleEngineJmh {

    /**
     * events/s per core and JMH's 99.9 % error, by rule count; and the ratio to the fewest rules measured in turn
     * (median of rounds, quartiles), NaN when that run failed.
     */
    record Score(double eventsPerSecond, double error, double ratioInTurn, double ratioLow, double ratioHigh) {}

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
        Map<Integer, double[]> inTurn = inTurn(jar, home, outDir, out);
        Map<Integer, Score> scores = new TreeMap<>();
        for (JsonNode r : new ObjectMapper().readTree(json.toFile())) {
            JsonNode metric = r.get("primaryMetric");
            int rules = r.get("params").get("rules").asInt();
            double[] ratio = inTurn.getOrDefault(rules, new double[] {Double.NaN, Double.NaN, Double.NaN});
            scores.put(rules, new Score(metric.get("score").asDouble(), metric.get("scoreError").asDouble(),
                    ratio[0], ratio[1], ratio[2]));
        }
        scores.forEach((n, s) -> out.printf(Locale.ROOT, "  rules %-5d %,12.0f events/s per core (± %,.0f); in turn: %.3f x the fewest%n",
                n, s.eventsPerSecond(), s.error(), s.ratioInTurn()));
        return scores;
    }

    private static final Pattern SCALING = Pattern.compile(
            "SCALING rules=(\\d+) eps=\\S+ ratio=(\\S+) low=(\\S+) high=(\\S+)");

    /** {@code RuleScalingRatio} with 20 rounds: ratio, low and high quartile by rule count; empty when it failed. */
    private static Map<Integer, double[]> inTurn(Path jar, Path home, Path outDir, PrintStream out)
            throws IOException, InterruptedException {
        Path log = outDir.resolve("rules-in-turn.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms2g", "-Xmx2g", "-Drounds=20", "-cp", jar.toString(), "dev.vigil.bench.RuleScalingRatio", "10", "100", "1000");
        out.println("Rule engine alone, rule counts in turn in one JVM (RuleScalingRatio, 20 rounds) ...");
        Process p = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            out.println("Rule engine in turn: failed or timed out, see " + log);
            return Map.of();
        }
        Map<Integer, double[]> ratios = new TreeMap<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = SCALING.matcher(line);
            if (m.matches()) {
                ratios.put(Integer.parseInt(m.group(1)), new double[] {Double.parseDouble(m.group(2)),
                        Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4))});
            }
        }
        return ratios;
    }
}
