package dev.vigil.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The part of kustomize that Vigil's manifests use, so overlays can be rendered and validated without the
 * kustomize binary. Anything outside this subset is an error, never silently ignored: an overlay that needs
 * more must extend this class (and its tests) first.
 *
 * <ul>
 *   <li>{@code kustomization.yaml} fields: {@code apiVersion}, {@code kind}, {@code resources}, {@code patches}.
 *   <li>{@code resources}: local YAML files (several documents allowed) or directories with a kustomization.
 *       Two resources with the same apiVersion, kind, namespace and name are an error, as in kustomize.
 *   <li>{@code patches}: {@code path} or inline {@code patch}, each one strategic-merge document, with an
 *       optional {@code target} ({@code group}, {@code version}, {@code kind}, {@code name} as a regex,
 *       {@code namespace}). Without a target the patch applies to the resource with its apiVersion, kind, name
 *       (and namespace); with one, to every match, the patch's own name being ignored (kustomize's
 *       PatchTransformer does the same). A patch that matches nothing is an error here (stricter than kustomize).
 *   <li>Merge: maps merge key by key, scalars replace. Patches may not contain lists (kustomize merges lists of
 *       custom resources by guessed keys such as {@code name}; not reproduced here), {@code null} (deletion) or
 *       {@code $patch} directives.
 * </ul>
 */
final class Kustomize {

    /** One rendered document and where it came from. */
    record Resource(Map<String, Object> doc, String source) {

        String apiVersion() {
            return String.valueOf(doc.get("apiVersion"));
        }

        String kind() {
            return String.valueOf(doc.get("kind"));
        }

        String name() {
            return String.valueOf(Yamls.at(doc, "metadata.name"));
        }

        String namespace() {
            Object ns = Yamls.at(doc, "metadata.namespace");
            return ns == null ? "" : ns.toString();
        }

        String group() {
            String api = apiVersion();
            return api.contains("/") ? api.substring(0, api.indexOf('/')) : "";
        }

        String version() {
            String api = apiVersion();
            return api.substring(api.indexOf('/') + 1);
        }

        String id() {
            return apiVersion() + " " + kind() + " " + (namespace().isEmpty() ? "" : namespace() + "/") + name();
        }

        @Override
        public String toString() {
            return id() + " (" + source + ")";
        }
    }

    private static final Set<String> KUSTOMIZATION_FIELDS = Set.of("apiVersion", "kind", "resources", "patches");
    private static final Set<String> PATCH_FIELDS = Set.of("path", "patch", "target");
    private static final Set<String> TARGET_FIELDS = Set.of("group", "version", "kind", "name", "namespace");

    private Kustomize() {}

    /** Renders the kustomization in {@code dir}, like {@code kustomize build dir}. */
    static List<Resource> build(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(Repo.relative(dir) + " has no kustomization.yaml");
        }
        String where = Repo.relative(file);
        Map<String, Object> kustomization = Yamls.loadOne(file);
        for (String field : kustomization.keySet()) {
            if (!KUSTOMIZATION_FIELDS.contains(field)) {
                throw new UnsupportedOperationException(where + ": '" + field + "' is outside Vigil's kustomize subset "
                        + KUSTOMIZATION_FIELDS + " (see Kustomize.java)");
            }
        }
        require(where, "apiVersion", kustomization.get("apiVersion"), "kustomize.config.k8s.io/v1beta1");
        require(where, "kind", kustomization.get("kind"), "Kustomization");

        List<Resource> resources = new ArrayList<>();
        for (Object entry : list(where, kustomization, "resources")) {
            String ref = String.valueOf(entry);
            if (ref.contains("://") || ref.startsWith("github.com/")) {
                throw new UnsupportedOperationException(where + ": remote resource " + ref + " is outside the subset");
            }
            Path path = dir.resolve(ref).normalize();
            List<Resource> loaded = new ArrayList<>();
            if (Files.isDirectory(path)) {
                loaded.addAll(build(path));
            } else if (Files.isRegularFile(path)) {
                Yamls.loadAll(path).forEach(doc -> loaded.add(new Resource(doc, Repo.relative(path))));
            } else {
                throw new IllegalArgumentException(where + ": resource " + ref + " does not exist");
            }
            for (Resource r : loaded) {
                for (Resource existing : resources) {
                    if (existing.id().equals(r.id())) {
                        throw new IllegalArgumentException(where + ": " + r.id() + " defined twice ("
                                + existing.source() + ", " + r.source() + ")");
                    }
                }
                resources.add(r);
            }
        }

        for (Object entry : list(where, kustomization, "patches")) {
            if (!(entry instanceof Map<?, ?> patchEntry)) {
                throw new IllegalArgumentException(where + ": a patches entry must be a mapping: " + entry);
            }
            for (Object field : patchEntry.keySet()) {
                if (!PATCH_FIELDS.contains(String.valueOf(field))) {
                    throw new UnsupportedOperationException(where + ": patch field '" + field
                            + "' is outside Vigil's kustomize subset " + PATCH_FIELDS);
                }
            }
            String patchSource;
            List<Map<String, Object>> patchDocs;
            if (patchEntry.get("path") != null) {
                Path path = dir.resolve(String.valueOf(patchEntry.get("path"))).normalize();
                patchSource = Repo.relative(path);
                patchDocs = Yamls.loadAll(path);
            } else if (patchEntry.get("patch") != null) {
                patchSource = where + " (inline patch)";
                patchDocs = Yamls.loadAll(String.valueOf(patchEntry.get("patch")), patchSource);
            } else {
                throw new IllegalArgumentException(where + ": a patch needs 'path' or 'patch'");
            }
            if (patchDocs.size() != 1) {
                throw new UnsupportedOperationException(patchSource + ": one strategic-merge document per patch");
            }
            Map<String, Object> patch = patchDocs.get(0);
            checkPatchShape(patchSource, "", patch);
            apply(patchSource, patch, target(where, patchEntry.get("target")), resources);
        }
        return resources;
    }

    /** Strategic merge for what the subset allows: maps merge recursively, scalars replace. */
    @SuppressWarnings("unchecked")
    static void merge(Map<String, Object> into, Map<String, Object> patch) {
        patch.forEach((key, value) -> {
            Object existing = into.get(key);
            if (value instanceof Map && existing instanceof Map) {
                merge((Map<String, Object>) existing, (Map<String, Object>) value);
            } else {
                into.put(key, Yamls.copy(value));
            }
        });
    }

    private record Target(String group, String version, String kind, Pattern name, String namespace) {

        boolean matches(Resource r) {
            return (group == null || group.equals(r.group()))
                    && (version == null || version.equals(r.version()))
                    && (kind == null || kind.equals(r.kind()))
                    && (name == null || name.matcher(r.name()).matches())
                    && (namespace == null || namespace.equals(r.namespace()));
        }
    }

    private static Target target(String where, Object target) {
        if (target == null) {
            return null;
        }
        if (!(target instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + ": a patch target must be a mapping");
        }
        for (Object field : map.keySet()) {
            if (!TARGET_FIELDS.contains(String.valueOf(field))) {
                throw new UnsupportedOperationException(where + ": target field '" + field
                        + "' is outside Vigil's kustomize subset " + TARGET_FIELDS);
            }
        }
        Object name = map.get("name");
        return new Target(str(map.get("group")), str(map.get("version")), str(map.get("kind")),
                name == null ? null : Pattern.compile(name.toString()), str(map.get("namespace")));
    }

    private static void apply(String patchSource, Map<String, Object> patch, Target target, List<Resource> resources) {
        List<Resource> matched = new ArrayList<>();
        if (target == null) {
            Resource self = new Resource(patch, patchSource);
            for (Resource r : resources) {
                if (r.apiVersion().equals(self.apiVersion()) && r.kind().equals(self.kind())
                        && r.name().equals(self.name())
                        && (self.namespace().isEmpty() || self.namespace().equals(r.namespace()))) {
                    matched.add(r);
                }
            }
            if (matched.size() != 1) {
                throw new IllegalArgumentException(patchSource + ": patch for " + self.id() + " matches "
                        + matched.size() + " resources, expected exactly one");
            }
        } else {
            resources.stream().filter(target::matches).forEach(matched::add);
            if (matched.isEmpty()) {
                throw new IllegalArgumentException(patchSource + ": patch target " + target + " matches no resource");
            }
        }
        for (Resource r : matched) {
            Map<String, Object> body = Yamls.copy(patch);
            // The patch's identity is the target's (kustomize's PatchTransformer sets name, namespace and GVK).
            body.remove("apiVersion");
            body.remove("kind");
            Map<String, Object> metadata = Yamls.map(body, "metadata");
            if (!metadata.isEmpty()) {
                metadata = new LinkedHashMap<>(metadata);
                metadata.remove("name");
                metadata.remove("namespace");
                body.put("metadata", metadata);
            }
            merge(r.doc(), body);
        }
    }

    private static void checkPatchShape(String source, String path, Object node) {
        if (node == null) {
            throw new UnsupportedOperationException(source + ": " + path
                    + " is null; deleting a field by patch is outside Vigil's kustomize subset");
        }
        if (node instanceof List) {
            throw new UnsupportedOperationException(source + ": " + path + " is a list; lists in patches are outside"
                    + " Vigil's kustomize subset (kustomize would merge them by a guessed key): change the base instead");
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (String.valueOf(k).startsWith("$")) {
                    throw new UnsupportedOperationException(source + ": directive " + k + " is outside the subset");
                }
                checkPatchShape(source, path.isEmpty() ? String.valueOf(k) : path + "." + k, v);
            });
        }
    }

    private static List<?> list(String where, Map<String, Object> kustomization, String field) {
        Object value = kustomization.get(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(where + ": '" + field + "' must be a list");
        }
        return list;
    }

    private static void require(String where, String field, Object actual, String expected) {
        if (!Objects.equals(expected, actual)) {
            throw new IllegalArgumentException(where + ": " + field + " must be " + expected + ", is " + actual);
        }
    }

    private static String str(Object value) {
        return value == null ? null : value.toString();
    }

    /** The rendered documents as one multi-document YAML, each headed by where it came from. */
    static String render(List<Resource> resources) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Yaml yaml = new Yaml(options);
        StringBuilder out = new StringBuilder();
        for (Resource r : resources) {
            out.append("---\n# ").append(r.source()).append('\n').append(yaml.dump(r.doc()));
        }
        return out.toString();
    }

    static void write(Path file, List<Resource> resources) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, render(resources));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
