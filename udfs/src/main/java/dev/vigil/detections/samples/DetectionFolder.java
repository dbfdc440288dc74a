package dev.vigil.detections.samples;

import dev.vigil.detections.api.Detection;
import dev.vigil.detections.api.Detections;
import dev.vigil.detections.engine.DetectionEngine;
import dev.vigil.detections.engine.DetectionSelection;
import dev.vigil.detections.sigma.LogsourceMapping;
import dev.vigil.detections.sigma.SigmaRuleCompiler;
import dev.vigil.detections.sigma.SigmaRuleLoader;
import dev.vigil.detections.sigma.SigmaRuleSet;
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
 * One detection's folder under {@code udfs/detections/}: either a Sigma rule ({@value #RULE}) or a
 * pointer to a Java detection ({@value #JAVA}: {@code java: <class>}; its metadata stays in the
 * code), plus its samples ({@value #SAMPLES}). Loading a folder yields an engine that runs that one
 * detection and nothing else, so a folder's samples test exactly its own logic.
 */
public final class DetectionFolder {

    /** A Sigma rule: one rule per folder. Shipped in the jar (bundled rules). */
    public static final String RULE = "rule.yml";
    /** A Java detection's folder file: {@code java: <fully qualified class>}, nothing else. */
    public static final String JAVA = "detection.yml";
    /** Positive and negative sample events ({@link DetectionSamples}). */
    public static final String SAMPLES = "samples.yml";
    /** The folder analysts copy; not a detection. */
    public static final String TEMPLATE = "_template";

    /** Sigma or Java. */
    public enum Kind { SIGMA, JAVA }

    private final Path folder;
    private final Kind kind;
    private final List<Detection> java;
    private final SigmaRuleSet sigma;

    private DetectionFolder(Path folder, Kind kind, List<Detection> java, SigmaRuleSet sigma) {
        this.folder = folder;
        this.kind = kind;
        this.java = java;
        this.sigma = sigma;
    }

    /**
     * Reads a folder: exactly one of {@value #RULE} or {@value #JAVA}, and {@value #SAMPLES}. A
     * Sigma rule the compiler rejects, or a Java class not registered for ServiceLoader, fails
     * here with the file and the reason.
     */
    public static DetectionFolder load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new SamplesException(folder + ": no such detection folder");
        }
        Path rule = folder.resolve(RULE);
        Path java = folder.resolve(JAVA);
        boolean isRule = Files.isRegularFile(rule);
        boolean isJava = Files.isRegularFile(java);
        if (isRule == isJava) {
            throw new SamplesException(folder + ": a detection folder holds either " + RULE + " (Sigma) or " + JAVA
                    + " (Java), " + (isRule ? "not both" : "found neither"));
        }
        List<String> stray = strayYaml(folder);
        if (!stray.isEmpty()) {
            throw new SamplesException(folder + ": unexpected YAML files " + stray + " (a folder holds " + RULE + " or "
                    + JAVA + ", and " + SAMPLES + "; one folder per detection)");
        }
        if (!Files.isRegularFile(folder.resolve(SAMPLES))) {
            throw new SamplesException(folder + ": " + SAMPLES + " is missing (every detection ships positive and negative samples)");
        }
        return isRule ? sigma(folder, rule) : java(folder, java);
    }

    private static DetectionFolder sigma(Path folder, Path rule) {
        SigmaRuleLoader.Result result = new SigmaRuleLoader(new SigmaRuleCompiler(LogsourceMapping.windows(), Map.of()))
                .load(List.of(rule));
        if (!result.rejected().isEmpty()) {
            throw new SamplesException(rule + ": Sigma rule rejected: " + result.rejected().get(0).reason());
        }
        if (result.rules().size() != 1) {
            throw new SamplesException(rule + ": expected exactly one Sigma rule, found " + result.rules().size()
                    + " (one folder per detection; a rule needs a 'detection' section)");
        }
        return new DetectionFolder(folder, Kind.SIGMA, List.of(), new SigmaRuleSet(result.rules()));
    }

    private static DetectionFolder java(Path folder, Path file) {
        String className = javaClass(file);
        for (Detection d : Detections.discover()) {
            if (d.getClass().getName().equals(className)) {
                return new DetectionFolder(folder, Kind.JAVA, List.of(d), new SigmaRuleSet(List.of()));
            }
        }
        throw new SamplesException(file + ": no detection " + className + " is registered; list the class in"
                + " udfs/src/main/resources/META-INF/services/dev.vigil.detections.api.Detection (and check the name)");
    }

    /** The class a {@value #JAVA} names. */
    public static String javaClass(Path file) {
        Object doc;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException e) {
            throw new SamplesException(file + ": cannot read: " + e.getMessage(), e);
        } catch (YAMLException e) {
            throw new SamplesException(file + ": not valid YAML: " + e.getMessage(), e);
        }
        if (!(doc instanceof Map<?, ?> map) || !(map.get("java") instanceof String className) || className.isBlank()) {
            throw new SamplesException(file + ": expected 'java: <fully qualified class of the Detection>'");
        }
        for (Object key : map.keySet()) {
            if (!"java".equals(key)) {
                throw new SamplesException(file + ": unknown key '" + key + "' (only 'java': the metadata lives in the"
                        + " class, so it is never written twice)");
            }
        }
        return className.trim();
    }

    /** The detection folders under {@code root} ({@code udfs/detections}), by name, without {@value #TEMPLATE}. */
    public static List<Path> list(Path root) {
        if (!Files.isDirectory(root)) {
            throw new SamplesException(root + ": no detections folder here");
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().equals(TEMPLATE))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + root, e);
        }
    }

    private static List<String> strayYaml(Path folder) {
        List<String> stray = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                String rel = folder.relativize(p).toString();
                boolean yaml = rel.endsWith(".yml") || rel.endsWith(".yaml");
                if (yaml && !rel.equals(RULE) && !rel.equals(JAVA) && !rel.equals(SAMPLES)) {
                    stray.add(rel);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + folder, e);
        }
        stray.sort(null);
        return stray;
    }

    public Path folder() {
        return folder;
    }

    public String name() {
        return folder.getFileName().toString();
    }

    public Kind kind() {
        return kind;
    }

    public Path samplesFile() {
        return folder.resolve(SAMPLES);
    }

    /** The file holding the detection: the rule, or the Java pointer. */
    public Path definitionFile() {
        return folder.resolve(kind == Kind.SIGMA ? RULE : JAVA);
    }

    /** The Java class, for a Java detection; null for a Sigma rule. */
    public String javaClass() {
        return kind == Kind.JAVA ? java.get(0).getClass().getName() : null;
    }

    /** The detection's stable id (the Sigma rule's {@code id}, or the Java metadata's). */
    public String detectionId() {
        return engine().metadata(0).id();
    }

    /** A new engine running this folder's detection only (index 0), for every tenant. */
    public DetectionEngine engine() {
        return new DetectionEngine(java, sigma, DetectionSelection.ALL);
    }
}
