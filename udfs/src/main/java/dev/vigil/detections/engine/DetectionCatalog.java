package dev.vigil.detections.engine;

import dev.vigil.detections.api.Detection;
import dev.vigil.detections.api.Detections;
import dev.vigil.detections.sigma.LogsourceMapping;
import dev.vigil.detections.sigma.SigmaRule;
import dev.vigil.detections.sigma.SigmaRuleCompiler;
import dev.vigil.detections.sigma.SigmaRuleLoader;
import dev.vigil.detections.sigma.SigmaRuleSet;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The detections one engine runs, loaded from where they live: the built-in Java detections
 * (ServiceLoader), the Sigma rules bundled with Vigil ({@value #BUNDLED_RULES} on the classpath,
 * from {@code udfs/detections/}), and the analysts' own rule folders or files.
 */
public final class DetectionCatalog {

    /** Classpath folder of the Sigma rules that ship with Vigil. */
    public static final String BUNDLED_RULES = "vigil-detections";

    /** The construct named when a rule is left out because another rule has its id. */
    public static final String DUPLICATE_ID = "duplicate id";

    /**
     * What to load.
     *
     * @param builtin the built-in Java detections and the bundled Sigma rules
     * @param ruleRoots more Sigma rule folders (searched recursively) or files
     * @param configFile which detections run for which tenant and the values of Sigma {@code expand}
     *     placeholders ({@link DetectionSelection}); null: everything runs everywhere
     */
    public record Settings(boolean builtin, List<String> ruleRoots, String configFile) implements Serializable {
        public Settings {
            ruleRoots = List.copyOf(ruleRoots);
        }

        public static Settings builtinOnly() {
            return new Settings(true, List.of(), null);
        }
    }

    private final List<Detection> java;
    private final SigmaRuleLoader.Result sigma;
    private final DetectionSelection selection;

    private DetectionCatalog(List<Detection> java, SigmaRuleLoader.Result sigma, DetectionSelection selection) {
        this.java = java;
        this.sigma = sigma;
        this.selection = selection;
    }

    public static DetectionCatalog load(Settings settings) {
        List<Path> roots = new ArrayList<>();
        if (settings.builtin()) {
            roots.add(bundledRules());
        }
        settings.ruleRoots().forEach(r -> roots.add(Paths.get(r)));
        Path config = settings.configFile() == null ? null : Paths.get(settings.configFile());
        Map<String, List<String>> placeholders = config == null ? Map.of() : DetectionSelection.placeholders(config);
        SigmaRuleLoader loader = new SigmaRuleLoader(new SigmaRuleCompiler(LogsourceMapping.windows(), placeholders));
        List<Detection> java = settings.builtin() ? Detections.discover() : List.of();
        return new DetectionCatalog(java, withoutDuplicateIds(loader.load(roots), java),
                config == null ? DetectionSelection.ALL : DetectionSelection.load(config));
    }

    /**
     * One rule per id: ids are what alerts, suppressions and selections refer to. The same rule often
     * arrives twice (the bundled rules are SigmaHQ copies; an analyst tries an edited copy of a rule
     * that already loads), so the rule loaded last wins (an analyst's folder overrides the bundled
     * rules, a later folder an earlier one) and each rule it replaces is reported as rejected. A
     * Sigma rule may not take a Java detection's id.
     */
    static SigmaRuleLoader.Result withoutDuplicateIds(SigmaRuleLoader.Result loaded, List<Detection> java) {
        Map<String, String> javaIds = new HashMap<>();
        java.forEach(d -> javaIds.put(d.metadata().id(), d.getClass().getName()));
        Map<String, SigmaRule> last = new HashMap<>();
        loaded.rules().forEach(r -> last.put(r.id(), r));
        List<SigmaRule> rules = new ArrayList<>();
        List<SigmaRuleLoader.Rejection> rejected = new ArrayList<>(loaded.rejected());
        for (SigmaRule rule : loaded.rules()) {
            SigmaRule winner = last.get(rule.id());
            if (javaIds.containsKey(rule.id())) {
                rejected.add(new SigmaRuleLoader.Rejection(rule.file(), DUPLICATE_ID,
                        "id " + rule.id() + " belongs to the built-in detection " + javaIds.get(rule.id())));
            } else if (winner != rule) {
                rejected.add(new SigmaRuleLoader.Rejection(rule.file(), DUPLICATE_ID,
                        "id " + rule.id() + " loaded again from " + winner.file() + ", which replaces this rule"));
            } else {
                rules.add(rule);
            }
        }
        return new SigmaRuleLoader.Result(List.copyOf(rules), List.copyOf(rejected), loaded.skippedDocuments());
    }

    public List<Detection> javaDetections() {
        return java;
    }

    /** The Sigma rules that compiled, those rejected (file, construct, reason) and the non-rule YAML skipped. */
    public SigmaRuleLoader.Result sigma() {
        return sigma;
    }

    public DetectionEngine engine() {
        return new DetectionEngine(java, new SigmaRuleSet(sigma.rules()), selection);
    }

    /** The bundled rules' folder, inside the jar or on disk (tests, IDE). */
    static Path bundledRules() {
        URL url = DetectionCatalog.class.getClassLoader().getResource(BUNDLED_RULES);
        if (url == null) {
            throw new IllegalStateException("Bundled detections (" + BUNDLED_RULES + ") are missing from the classpath");
        }
        try {
            URI uri = url.toURI();
            if (!"jar".equals(uri.getScheme())) {
                return Paths.get(uri);
            }
            FileSystem jar;
            try {
                jar = FileSystems.newFileSystem(uri, Map.of());
            } catch (FileSystemAlreadyExistsException e) {
                jar = FileSystems.getFileSystem(uri);
            }
            return jar.provider().getPath(uri);
        } catch (URISyntaxException | IOException e) {
            throw new UncheckedIOException("Cannot open the bundled detections at " + url,
                    e instanceof IOException io ? io : new IOException(e));
        }
    }
}
