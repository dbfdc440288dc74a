package dev.vigil.local.detect;

import dev.vigil.detections.engine.DetectionCatalog;
import dev.vigil.detections.engine.DetectionEngine;
import dev.vigil.detections.sigma.SigmaRuleLoader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil detect}: a backtest. Compiles the rules, runs them over event files with the engine the
 * job runs ({@link Backtest}) and prints one JSON line per hit ({@link HitWriter}), so an analyst can try
 * a rule on recorded telemetry before it ships. No Flink, Kafka or S3 is started.
 */
@Command(name = "detect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Run detections over recorded Windows events and print one JSON line per hit.",
                "",
                "Compiles the Sigma rules found under every --rules (YAML, recursively; YAML that is not a rule is"
                        + " ignored) plus the built-in Java detections and bundled Sigma rules unless --no-builtin,"
                        + " then evaluates them on every event of the given files (evtx_dump JSON or JSON lines;"
                        + " in a directory, the .json and .jsonl files, recursively). Hits go to stdout: rule_id,"
                        + " rule_title, level, kind, rule_file (Sigma), author, file, index (0-based position in the"
                        + " file), event_record_id; a threshold or distinct-count detection hits on the event that"
                        + " reaches its count, with group_key, count and the counted events. Rejected rules,"
                        + " unreadable files and the summary go to stderr. Exit code 0 unless the command line is wrong.",
                ""})
public final class DetectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--rules", paramLabel = "<dir or file>",
            description = "Sigma rule file, or directory searched recursively; repeatable.")
    List<Path> rules = new ArrayList<>();

    @Option(names = "--no-builtin",
            description = "Leave out the built-in Java detections and the Sigma rules bundled with Vigil.")
    boolean noBuiltin;

    @Parameters(arity = "1..*", paramLabel = "<event file or dir>",
            description = "Event file (read whatever its extension) or directory (its .json/.jsonl files).")
    List<Path> eventPaths = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        for (Path p : rules) {
            requireExists(p, "--rules");
        }
        for (Path p : eventPaths) {
            requireExists(p, "event path");
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = new PrintWriter(new BufferedWriter(spec.commandLine().getOut()), false);

        DetectionCatalog catalog = DetectionCatalog.load(
                new DetectionCatalog.Settings(!noBuiltin, rules.stream().map(Path::toString).toList(), null));
        SigmaRuleLoader.Result sigma = catalog.sigma();
        List<SigmaRuleLoader.Rejection> rejected = sigma.rejected();
        for (SigmaRuleLoader.Rejection r : rejected) {
            err.println("vigil detect: rejected " + r.file() + " (" + r.construct() + "): " + r.reason());
        }
        err.printf("vigil detect: %d Sigma rules and %d Java detections loaded, %d rule(s) rejected,"
                        + " %d YAML document(s) that are not rules ignored%n",
                sigma.rules().size(), catalog.javaDetections().size(), rejected.size(), sigma.skippedDocuments());
        err.flush();
        DetectionEngine engine = catalog.engine();

        Backtest backtest = new Backtest(engine, sigma.rules(), new HitWriter(out), err);
        for (Path file : EventFiles.expand(eventPaths)) {
            backtest.read(file);
        }
        Backtest.Summary s = backtest.finish();
        double seconds = (System.nanoTime() - start) / 1e9;
        err.printf("vigil detect: %d events read from %d file(s), %d file(s) unreadable; %d hits (%d Sigma, %d Java)%n",
                s.events(), s.files(), s.unreadableFiles(), s.hits(), s.sigmaHits(), s.javaHits());
        err.println(String.format(Locale.ROOT,
                "DETECT rules=%d rejected=%d files=%d unreadable=%d events=%d hits=%d seconds=%.2f",
                engine.size(), rejected.size(), s.files(), s.unreadableFiles(), s.events(), s.hits(), seconds));
        err.flush();
        return 0;
    }

    private void requireExists(Path p, String what) {
        if (!Files.exists(p)) {
            throw new ParameterException(spec.commandLine(), what + " " + p + ": no such file or directory");
        }
    }
}
