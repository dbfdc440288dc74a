package dev.vigil.detections.engine;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Which detections run for which tenant. Every loaded detection runs for every tenant unless this
 * says otherwise; ids are detection ids (a Sigma rule's {@code id}):
 *
 * <pre>
 * disabled: [id, ...]          # for every tenant
 * tenants:
 *   acme:
 *     disabled: [id, ...]      # also off for acme
 *   globex:
 *     only: [id, ...]          # globex runs these and nothing else
 * placeholders:                # values of Sigma expand placeholders (%admins%), read by DetectionCatalog
 *   admins: [alice, bob]
 * </pre>
 */
public final class DetectionSelection implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final DetectionSelection ALL = new DetectionSelection(Set.of(), Map.of(), Map.of());

    private final Set<String> disabled;
    private final Map<String, Set<String>> disabledByTenant;
    private final Map<String, Set<String>> onlyByTenant;

    public DetectionSelection(Set<String> disabled, Map<String, Set<String>> disabledByTenant,
            Map<String, Set<String>> onlyByTenant) {
        this.disabled = Set.copyOf(disabled);
        this.disabledByTenant = Map.copyOf(disabledByTenant);
        this.onlyByTenant = Map.copyOf(onlyByTenant);
    }

    public boolean runs(String tenant, String detectionId) {
        if (disabled.contains(detectionId)) {
            return false;
        }
        Set<String> only = onlyByTenant.get(tenant);
        if (only != null && !only.contains(detectionId)) {
            return false;
        }
        Set<String> off = disabledByTenant.get(tenant);
        return off == null || !off.contains(detectionId);
    }

    /** Every id the selection names, so a typo can be reported against the loaded detections. */
    public Set<String> namedIds() {
        Set<String> ids = new HashSet<>(disabled);
        disabledByTenant.values().forEach(ids::addAll);
        onlyByTenant.values().forEach(ids::addAll);
        return ids;
    }

    public static DetectionSelection load(Path file) {
        return parse(read(file), file.toString());
    }

    /** The file's {@code placeholders}: name → values. */
    public static Map<String, List<String>> placeholders(Path file) {
        Object doc = read(file);
        Map<String, List<String>> out = new HashMap<>();
        if (doc instanceof Map<?, ?> root && root.get("placeholders") instanceof Map<?, ?> byName) {
            byName.forEach((name, values) -> out.put(String.valueOf(name),
                    values instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(values))));
        }
        return out;
    }

    private static Object read(Path file) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return doc == null ? Map.of() : doc;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read detection configuration " + file, e);
        }
    }

    static DetectionSelection parse(Object doc, String source) {
        if (!(doc instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException(source + ": expected a mapping with 'disabled' and 'tenants'");
        }
        for (Object key : root.keySet()) {
            if (!"disabled".equals(key) && !"tenants".equals(key) && !"placeholders".equals(key)) {
                throw new IllegalArgumentException(source + ": unknown key '" + key
                        + "' (expected disabled, tenants, placeholders)");
            }
        }
        Map<String, Set<String>> disabledByTenant = new HashMap<>();
        Map<String, Set<String>> onlyByTenant = new HashMap<>();
        Object tenants = root.get("tenants");
        if (tenants != null) {
            if (!(tenants instanceof Map<?, ?> byTenant)) {
                throw new IllegalArgumentException(source + ": 'tenants' must map tenant ids to settings");
            }
            for (Map.Entry<?, ?> e : byTenant.entrySet()) {
                String tenant = String.valueOf(e.getKey());
                if (!(e.getValue() instanceof Map<?, ?> settings)) {
                    throw new IllegalArgumentException(source + ": tenant " + tenant + " needs 'disabled' or 'only'");
                }
                for (Object key : settings.keySet()) {
                    if (!"disabled".equals(key) && !"only".equals(key)) {
                        throw new IllegalArgumentException(source + ": tenant " + tenant + ": unknown key '" + key
                                + "' (expected disabled, only)");
                    }
                }
                if (settings.containsKey("disabled")) {
                    disabledByTenant.put(tenant, ids(settings.get("disabled"), source));
                }
                if (settings.containsKey("only")) {
                    onlyByTenant.put(tenant, ids(settings.get("only"), source));
                }
            }
        }
        return new DetectionSelection(ids(root.get("disabled"), source), disabledByTenant, onlyByTenant);
    }

    private static Set<String> ids(Object list, String source) {
        if (list == null) {
            return Set.of();
        }
        if (!(list instanceof List<?> l)) {
            throw new IllegalArgumentException(source + ": expected a list of detection ids, got " + list);
        }
        Set<String> ids = new HashSet<>();
        for (Object o : l) {
            ids.add(String.valueOf(o));
        }
        return ids;
    }
}
