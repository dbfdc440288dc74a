package dev.vigil.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A CustomResourceDefinition's schema ({@code spec.versions[0].schema.openAPIV3Schema}) as a strict JSON
 * schema, the way {@code kubeconform -strict} reads it: every object that lists its {@code properties} and
 * neither declares {@code additionalProperties} nor {@code x-kubernetes-preserve-unknown-fields} rejects
 * unknown fields, so a misspelt field fails instead of being pruned by the API server. The root also accepts
 * (and checks) {@code apiVersion}, {@code kind} and the usual {@code metadata} fields, which Kubernetes
 * implies and the CRD does not list.
 */
final class CrdSchema {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String group;
    private final String kind;
    private final String servedVersion;
    private final JsonSchema schema;

    private CrdSchema(String group, String kind, String servedVersion, JsonSchema schema) {
        this.group = group;
        this.kind = kind;
        this.servedVersion = servedVersion;
        this.schema = schema;
    }

    /** Every CRD file ({@code *.yml}, {@code *.yaml}) in {@code dir}. */
    static List<CrdSchema> loadAll(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
                    .sorted().map(CrdSchema::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CrdSchema load(Path crdFile) {
        try {
            JsonNode crd = YAML.readTree(crdFile.toFile());
            if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
                throw new IllegalArgumentException(crdFile + " is not a CustomResourceDefinition");
            }
            JsonNode version = crd.path("spec").path("versions").path(0);
            JsonNode openApi = version.path("schema").path("openAPIV3Schema").deepCopy();
            if (!openApi.isObject()) {
                throw new IllegalArgumentException(crdFile + " has no spec.versions[0].schema.openAPIV3Schema");
            }
            ObjectNode root = (ObjectNode) openApi;
            ObjectNode props = (ObjectNode) root.get("properties");
            props.set("apiVersion", JSON.readTree("{\"type\":\"string\"}"));
            props.set("kind", JSON.readTree("{\"type\":\"string\"}"));
            props.set("metadata", JSON.readTree("""
                    {"type":"object","properties":{
                      "name":{"type":"string"},"namespace":{"type":"string"},"generateName":{"type":"string"},
                      "labels":{"type":"object","additionalProperties":{"type":"string"}},
                      "annotations":{"type":"object","additionalProperties":{"type":"string"}},
                      "finalizers":{"type":"array","items":{"type":"string"}}}}"""));
            strict(root);
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(root);
            return new CrdSchema(crd.path("spec").path("group").asText(), crd.path("spec").path("names").path("kind").asText(),
                    version.path("name").asText(), schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds additionalProperties:false where kubeconform -strict would, and drops Kubernetes' own x- keywords. */
    private static void strict(JsonNode node) {
        if (node instanceof ObjectNode object) {
            boolean preserve = object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
            if (object.has("properties") && !object.has("additionalProperties") && !preserve) {
                object.put("additionalProperties", false);
            }
            for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                if (names.next().startsWith("x-kubernetes-")) {
                    names.remove();
                }
            }
            object.elements().forEachRemaining(CrdSchema::strict);
        } else if (node != null && node.isArray()) {
            node.elements().forEachRemaining(CrdSchema::strict);
        }
    }

    /**
     * The hand-written strict schemas of the core kinds Vigil's manifests use ({@code core-kinds.yaml}), keyed by
     * {@code apiVersion/kind}. These need no CRD, so they are checked even where the CRDs are absent.
     */
    static Map<String, JsonSchema> coreKinds() {
        try (var in = CrdSchema.class.getResourceAsStream("/core-kinds.yaml")) {
            JsonNode kinds = YAML.readTree(in).path("kinds");
            Map<String, JsonSchema> schemas = new java.util.LinkedHashMap<>();
            kinds.properties().forEach(e -> schemas.put(e.getKey(),
                    JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(e.getValue())));
            return schemas;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> validate(JsonSchema schema, Map<String, Object> doc) {
        List<String> errors = new ArrayList<>();
        for (ValidationMessage m : schema.validate(JSON.valueToTree(doc))) {
            errors.add(m.getMessage());
        }
        return errors;
    }

    boolean appliesTo(Kustomize.Resource r) {
        return group.equals(r.group()) && kind.equals(r.kind());
    }

    String kind() {
        return kind;
    }

    /** The schema's findings for one document, each with its JSON path; empty when valid. */
    List<String> validate(Map<String, Object> doc) {
        List<String> errors = new ArrayList<>();
        String apiVersion = String.valueOf(doc.get("apiVersion"));
        if (!apiVersion.equals(group + "/" + servedVersion)) {
            errors.add("apiVersion " + apiVersion + " is not served by the CRD (" + group + "/" + servedVersion + ")");
        }
        errors.addAll(validate(schema, doc));
        return errors;
    }
}
