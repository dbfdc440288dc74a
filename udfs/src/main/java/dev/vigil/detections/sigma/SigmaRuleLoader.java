package dev.vigil.detections.sigma;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Loads Sigma rules from files and directories (recursively, {@code *.yml} / {@code *.yaml}). YAML documents
 * that are not rules (no {@code detection}, e.g. regression-test {@code info.yml}, mapping files) are
 * skipped; a rule the compiler refuses is reported with its file and the construct, and the others load.
 */
public final class SigmaRuleLoader {

    /** A rule file, or one document of it, that will not run. */
    public record Rejection(String file, String construct, String reason) {
        @Override
        public String toString() {
            return file + ": " + reason;
        }
    }

    public record Result(List<SigmaRule> rules, List<Rejection> rejected, int skippedDocuments) {}

    private final SigmaRuleCompiler compiler;

    public SigmaRuleLoader(SigmaRuleCompiler compiler) {
        this.compiler = compiler;
    }

    public Result load(List<Path> roots) {
        List<Path> files = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(Files::isRegularFile).filter(SigmaRuleLoader::isYaml).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("Could not list " + root, e);
                }
            } else {
                files.add(root);
            }
        }
        List<SigmaRule> rules = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        int skipped = 0;
        for (Path file : files) {
            String name = file.toString();
            List<Object> docs = new ArrayList<>();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in).forEach(docs::add);
            } catch (YAMLException | IOException e) {
                rejected.add(new Rejection(name, "YAML", "YAML: " + firstLine(e.getMessage())));
                continue;
            }
            for (Object doc : docs) {
                if (!(doc instanceof Map<?, ?> map) || !isRule(map)) {
                    skipped++;
                    continue;
                }
                try {
                    rules.add(compiler.compile(name, map));
                } catch (RuleRejectedException e) {
                    rejected.add(new Rejection(name, e.construct(), e.getMessage()));
                } catch (RuntimeException e) {
                    rejected.add(new Rejection(name, "malformed", "malformed rule: " + e));
                }
            }
        }
        return new Result(List.copyOf(rules), List.copyOf(rejected), skipped);
    }

    /** A Sigma rule (or correlation rule) rather than some other YAML. */
    private static boolean isRule(Map<?, ?> doc) {
        return doc.containsKey("detection") || doc.containsKey("correlation");
    }

    static boolean isYaml(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".yml") || n.endsWith(".yaml");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
