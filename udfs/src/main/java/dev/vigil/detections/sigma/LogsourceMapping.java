package dev.vigil.detections.sigma;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Maps a rule's {@code logsource} (category / product / service) to tests on the event, in the layout of
 * Sigma's own {@code tests/thor.yml}: a category becomes its Sysmon (or Security, ...) EventIDs plus the
 * channel of the service it is rewritten to, a service becomes its channels. A category with several
 * entries (process_creation as Sysmon 1 or Security 4688) gives several branches, each with its own field
 * names (4688 says NewProcessName where Sysmon says Image).
 */
public final class LogsourceMapping {

    /** One way a logsource shows up in events: a test on the event and the field names that go with it. */
    public record Branch(String name, EventPredicate condition, UnaryOperator<String> fieldMapping) {}

    private record Entry(String name, String category, String product, String service, Map<String, Object> conditions,
                         List<String> channels, String rewriteService, Map<String, String> fieldMappings) {}

    private static final String WINEVENTLOG = "WinEventLog:";

    private final List<Entry> entries;

    private LogsourceMapping(List<Entry> entries) {
        this.entries = entries;
    }

    /** The mapping Vigil ships: Sigma's own Windows mapping ({@code tests/thor.yml} of SigmaHQ). */
    public static LogsourceMapping windows() {
        try (InputStream in = LogsourceMapping.class.getResourceAsStream("windows-logsources.yml")) {
            if (in == null) {
                throw new IllegalStateException("windows-logsources.yml missing from the classpath");
            }
            return parse(new Yaml(new SafeConstructor(new LoaderOptions())).load(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static LogsourceMapping load(Path thorStyleYaml) {
        try (InputStream in = Files.newInputStream(thorStyleYaml)) {
            return parse(new Yaml(new SafeConstructor(new LoaderOptions())).load(in));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + thorStyleYaml, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static LogsourceMapping parse(Object yaml) {
        Map<String, Object> root = (Map<String, Object>) yaml;
        Map<String, Object> logsources = (Map<String, Object>) root.get("logsources");
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> e : logsources.entrySet()) {
            Map<String, Object> m = (Map<String, Object>) e.getValue();
            Map<String, Object> rewrite = (Map<String, Object>) m.get("rewrite");
            List<String> channels = new ArrayList<>();
            if (m.get("sources") instanceof List<?> sources) {
                for (Object s : sources) {
                    String source = String.valueOf(s);
                    if (source.startsWith(WINEVENTLOG)) {
                        channels.add(source.substring(WINEVENTLOG.length()));
                    }
                }
            }
            Map<String, String> fieldMappings = new LinkedHashMap<>();
            if (m.get("fieldmappings") instanceof Map<?, ?> fm) {
                fm.forEach((k, v) -> fieldMappings.put(String.valueOf(k), String.valueOf(v)));
            }
            entries.add(new Entry(e.getKey(), lower(m.get("category")), lower(m.get("product")), lower(m.get("service")),
                    m.get("conditions") instanceof Map<?, ?> c ? (Map<String, Object>) c : Map.of(), channels,
                    rewrite == null ? null : lower(rewrite.get("service")), fieldMappings));
        }
        return new LogsourceMapping(entries);
    }

    private static String lower(Object o) {
        return o == null ? null : String.valueOf(o).toLowerCase(Locale.ROOT);
    }

    /** The branches for a rule's logsource; one unconditional branch when it names only a product. */
    public List<Branch> branches(Map<?, ?> logsource, Map<String, List<String>> placeholders) throws RuleRejectedException {
        String category = lower(logsource.get("category"));
        String product = lower(logsource.get("product"));
        String service = lower(logsource.get("service"));
        if (category == null && service == null) {
            return List.of(new Branch("any " + (product == null ? "event" : product), EventPredicate.ALWAYS, UnaryOperator.identity()));
        }
        List<Branch> branches = new ArrayList<>();
        for (Entry e : entries) {
            if ((e.category() == null && e.service() == null)
                    || !same(e.category(), category) || !same(e.service(), service)
                    || (e.product() != null && product != null && !e.product().equals(product))) {
                continue;
            }
            List<EventPredicate> tests = new ArrayList<>();
            SearchCompiler plain = new SearchCompiler(UnaryOperator.identity(), placeholders);
            for (Map.Entry<String, Object> c : e.conditions().entrySet()) {
                tests.add(plain.compileItem(c.getKey(), c.getValue()));
            }
            List<String> channels = e.channels().isEmpty() && e.rewriteService() != null ? channelsOf(e.rewriteService()) : e.channels();
            if (!channels.isEmpty()) {
                tests.add(plain.compileItem("Channel", new ArrayList<>(channels)));
            }
            Map<String, String> fm = e.fieldMappings();
            branches.add(new Branch(e.name(), new PredicateNodes.LogsourceCondition(EventPredicate.and(tests)), fm.isEmpty() ? UnaryOperator.identity() : f -> fm.getOrDefault(f, f)));
        }
        if (branches.isEmpty()) {
            throw new RuleRejectedException("logsource", "not mapped: " + describe(category, product, service));
        }
        return branches;
    }

    /** An entry constrains a field only when it names it; the rule must name the same value. */
    private static boolean same(String entryValue, String ruleValue) {
        return entryValue == null ? ruleValue == null : entryValue.equals(ruleValue);
    }

    private List<String> channelsOf(String service) {
        for (Entry e : entries) {
            if (e.category() == null && service.equals(e.service()) && !e.channels().isEmpty()) {
                return e.channels();
            }
        }
        return List.of();
    }

    private static String describe(String category, String product, String service) {
        StringBuilder b = new StringBuilder();
        if (category != null) b.append("category=").append(category).append(' ');
        if (product != null) b.append("product=").append(product).append(' ');
        if (service != null) b.append("service=").append(service);
        return b.toString().trim();
    }
}
