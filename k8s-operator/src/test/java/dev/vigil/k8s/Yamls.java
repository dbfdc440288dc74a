package dev.vigil.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** YAML documents as plain maps and lists (insertion-ordered), the shape both kustomize and the checks work on. */
final class Yamls {

    private Yamls() {}

    static List<Map<String, Object>> loadAll(Path file) {
        try {
            return loadAll(Files.readString(file), Repo.relative(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> loadAll(String text, String source) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
            if (doc == null) {
                continue;
            }
            if (!(doc instanceof Map)) {
                throw new IllegalArgumentException(source + ": a document is not a mapping: " + doc);
            }
            docs.add((Map<String, Object>) doc);
        }
        return docs;
    }

    static Map<String, Object> loadOne(Path file) {
        List<Map<String, Object>> docs = loadAll(file);
        if (docs.size() != 1) {
            throw new IllegalArgumentException(Repo.relative(file) + ": expected one YAML document, found " + docs.size());
        }
        return docs.get(0);
    }

    /** A deep copy, so a test can break one document without touching the others. */
    @SuppressWarnings("unchecked")
    static <T> T copy(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) k, copy(v)));
            return (T) out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(copy(v)));
            return (T) out;
        }
        return value;
    }

    /** The value at a dotted path of map keys ({@code spec.job.upgradeMode}), or null. */
    static Object at(Map<String, Object> doc, String path) {
        Object node = doc;
        for (String part : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(part);
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> doc, String path) {
        Object value = at(doc, path);
        return value instanceof Map ? (Map<String, Object>) value : Map.of();
    }

    /** Sets a value at a dotted path of map keys, creating maps on the way. */
    @SuppressWarnings("unchecked")
    static void put(Map<String, Object> doc, String path, Object value) {
        String[] parts = path.split("\\.");
        Map<String, Object> node = doc;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<>());
        }
        node.put(parts[parts.length - 1], value);
    }

    /**
     * A Flink configuration block flattened as the operator does ({@code ConfigObjectNode.asFlatMap}): nested
     * maps join their keys with dots, lists become {@code ;}-separated strings, scalars their text.
     */
    static Map<String, String> flatten(Map<String, Object> conf) {
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", conf, flat);
        return flat;
    }

    private static void flatten(String prefix, Object node, Map<String, String> flat) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, flat));
        } else if (node instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            list.forEach(v -> items.add(String.valueOf(v)));
            flat.put(prefix, String.join(";", items));
        } else {
            flat.put(prefix, String.valueOf(node));
        }
    }
}
