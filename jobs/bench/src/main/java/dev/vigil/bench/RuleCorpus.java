package dev.vigil.bench;

import dev.vigil.detections.sigma.LogsourceMapping;
import dev.vigil.detections.sigma.RuleRejectedException;
import dev.vigil.detections.sigma.SigmaRule;
import dev.vigil.detections.sigma.SigmaRuleCompiler;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Rule sets of a chosen size made of real SigmaHQ rules: the real rules themselves, then replicas in which
 * every string value a rule compares (not regexes, numbers, CIDRs, field references) carries a replica tag
 * ({@code \cmd.exe} → {@code \cmd.exe~r3}, wildcards kept where they were). Replicas keep the originals'
 * shapes, fields, logsources and literal lengths, so they cost what real rules cost, but do not all match the
 * same events: a set of 1,000 rules looks like 1,000 different rules to the index. A rule with no value to tag
 * (one that tests only EventIDs, numbers, regexes, ...) is not replicated: its replica would be the same rule
 * again, matching the same events, which no real rule set holds; nor is one whose only values to tag are in
 * searches its condition negates ({@link #replicaNeedsATaggedValue}).
 */
public final class RuleCorpus {

    /** Modifiers whose values are not plain strings to match, or must stay as written. */
    private static final Set<String> KEEP_VALUES = Set.of("re", "cidr", "gt", "gte", "lt", "lte", "exists",
            "fieldref", "expand");

    private final List<Map<?, ?>> documents = new ArrayList<>();
    private final List<String> files = new ArrayList<>();
    /** The documents whose replicas differ from them, in load order. */
    private final List<Integer> replicable = new ArrayList<>();
    private final SigmaRuleCompiler compiler = new SigmaRuleCompiler(LogsourceMapping.windows(), Map.of());

    /** Every rule document under {@code <realdata>/sigma}, in the order {@code SigmaRuleLoader} loads them. */
    public RuleCorpus(Path realData) {
        this(realData.resolve("sigma"), yamlFiles(realData.resolve("sigma")));
    }

    /** Every rule document in the YAML files under {@code directory}. */
    public static RuleCorpus fromDirectory(Path directory) {
        return new RuleCorpus(directory, yamlFiles(directory));
    }

    /** The YAML files under {@code directory}, sorted, without folders starting with {@code _} (udfs/detections/_template). */
    private static List<Path> yamlFiles(Path directory) {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
                    .filter(p -> !directory.relativize(p).toString().startsWith("_"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RuleCorpus(Path directory, List<Path> paths) {
        for (Path p : paths) {
            try (Reader in = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
                    if (doc instanceof Map<?, ?> m && m.containsKey("detection")) {
                        documents.add(m);
                        files.add(p.toString());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (YAMLException e) {
                // not a rule file (e.g. a detection's samples.yml beside its rule): skipped, like the rule loader does
            }
        }
        if (documents.isEmpty()) {
            throw new IllegalArgumentException("no Sigma rule under " + directory);
        }
        for (int i = 0; i < documents.size(); i++) {
            if (replicaNeedsATaggedValue(documents.get(i))) {
                replicable.add(i);
            }
        }
    }

    /** The document (its index) and replica number (0: the real rule) at position {@code i} of a set of {@code n}. */
    private int[] source(int i, int n) {
        int real = documents.size();
        if (n <= real) {
            return new int[] {i * real / n, 0};
        }
        if (i < real) {
            return new int[] {i, 0};
        }
        if (replicable.isEmpty()) {
            throw new IllegalStateException("no rule under the corpus has a value to vary: cannot make " + n);
        }
        int k = i - real;
        return new int[] {replicable.get(k % replicable.size()), 1 + k / replicable.size()};
    }

    /** How many real rules there are. */
    public int realRules() {
        return documents.size();
    }

    /**
     * {@code n} rules: fewer than the real ones → real rules spread evenly over the set (every k-th, so a small
     * set is not all from one folder); more → all real rules, then replica 1 of each replicable one, replica 2, ...
     */
    public List<SigmaRule> rules(int n) {
        List<SigmaRule> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] source = source(i, n);
            out.add(compile(source[0], source[1]));
        }
        return out;
    }

    /**
     * The rule documents {@link #rules(int)} compiles, as YAML-ready maps (replicas with their own ids and tagged
     * literals), for writing {@code n} rule files.
     */
    public List<Map<?, ?>> documents(int n) {
        List<Map<?, ?>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] source = source(i, n);
            out.add(source[1] == 0 ? documents.get(source[0]) : replicate(documents.get(source[0]), source[1]));
        }
        return out;
    }

    private SigmaRule compile(int index, int replica) {
        Map<?, ?> doc = documents.get(index);
        try {
            if (replica == 0) {
                return compiler.compile(files.get(index), doc);
            }
            return compiler.compile(files.get(index) + "#r" + replica, replicate(doc, replica));
        } catch (RuleRejectedException e) {
            throw new IllegalStateException(files.get(index) + " replica " + replica + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether a replica of the rule differs from it in a value the rule needs to match: a tagged value in a search
     * the condition uses without {@code not}. One whose only tagged values are in negated searches (e.g.
     * {@code LogonType: 3 and not IpAddress: '-'}) would match the original's events and be a candidate for the
     * same events: the same rule again, as a rule with no value to tag.
     */
    static boolean replicaNeedsATaggedValue(Map<?, ?> doc) {
        Map<?, ?> detection = (Map<?, ?>) doc.get("detection");
        Set<String> positive;
        try {
            positive = SigmaRuleCompiler.positiveSearches(detection);
        } catch (RuleRejectedException e) {
            return false; // a rule that does not compile is not in any set either
        }
        for (Map.Entry<?, ?> e : detection.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (positive.contains(name) && !search(e.getValue(), 1).equals(e.getValue())) {
                return true;
            }
        }
        return false;
    }

    /** A copy of the rule with its own id and tagged string values. */
    static Map<String, Object> replicate(Map<?, ?> doc, int replica) {
        Map<String, Object> copy = new LinkedHashMap<>();
        doc.forEach((k, v) -> copy.put(String.valueOf(k), v));
        copy.put("id", doc.get("id") + "-r" + replica);
        copy.put("title", doc.get("title") + " (replica " + replica + ")");
        Map<String, Object> detection = new LinkedHashMap<>();
        ((Map<?, ?>) doc.get("detection")).forEach((k, v) -> {
            String name = String.valueOf(k);
            detection.put(name, name.equals("condition") || name.equals("timeframe") ? v : search(v, replica));
        });
        copy.put("detection", detection);
        return copy;
    }

    private static Object search(Object search, int replica) {
        if (search instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                String key = String.valueOf(k);
                out.put(key, keepsValues(key) ? v : values(v, replica));
            });
            return out;
        }
        if (search instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) {
                out.add(o instanceof Map<?, ?> ? search(o, replica) : values(o, replica));
            }
            return out;
        }
        return values(search, replica);
    }

    private static boolean keepsValues(String key) {
        String[] parts = key.split("\\|");
        for (int i = 1; i < parts.length; i++) {
            if (KEEP_VALUES.contains(parts[i].trim().toLowerCase(java.util.Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static Object values(Object v, int replica) {
        if (v instanceof List<?> list) {
            return list.stream().map(o -> values(o, replica)).toList();
        }
        return v instanceof String s ? tag(s, replica) : v; // numbers (EventID, LogonType) and null stay
    }

    /** {@code s} with {@code ~r<replica>} after its last character that is not a trailing {@code *}. */
    static String tag(String s, int replica) {
        int afterLastLiteral = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && "*?\\".indexOf(s.charAt(i + 1)) >= 0) {
                i += 2;
                afterLastLiteral = i;
            } else {
                i++;
                if (c != '*') {
                    afterLastLiteral = i;
                }
            }
        }
        return s.substring(0, afterLastLiteral) + "~r" + replica + s.substring(afterLastLiteral);
    }
}
