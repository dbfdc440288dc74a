package dev.vigil.k8s;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The environments (overlays), rendered, and everything checked on them in one place. */
final class Manifests {

    static final List<String> ENVIRONMENTS = List.of("dev", "prod");
    static final String FLINK_DEPLOYMENT = "FlinkDeployment";

    private static List<CrdSchema> crds;

    private Manifests() {}

    static Path overlay(String environment) {
        return Repo.k8s().resolve("overlays").resolve(environment);
    }

    static List<Kustomize.Resource> render(String environment) {
        return Kustomize.build(overlay(environment)).stream()
                .map(r -> new Kustomize.Resource(r.doc(), r.source() + " as rendered by overlays/" + environment)).toList();
    }

    static List<Kustomize.Resource> deployments(List<Kustomize.Resource> rendered) {
        return rendered.stream().filter(r -> r.kind().equals(FLINK_DEPLOYMENT)).toList();
    }

    private static boolean toldAbsent;

    /** Whether the CRDs are there; when not, says so once on the console (the skipped tests carry it too). */
    static synchronized boolean crdsPresent() {
        boolean present = Files.isDirectory(Repo.crdDir());
        if (!present && !toldAbsent) {
            toldAbsent = true;
            System.err.println("[vigil-k8s-operator] " + crdsAbsentMessage());
        }
        return present;
    }

    static String crdsAbsentMessage() {
        return "CRD schema validation skipped: " + Repo.crdDir() + " is absent (the Flink Kubernetes Operator 1.15.0 CRDs,"
                + " kept in shared/flink-operator-crds beside the repository; -D" + Repo.CRD_DIR_PROPERTY + "=<dir> points"
                + " elsewhere). Vigil's own checks and the configuration-key checks still ran.";
    }

    static synchronized List<CrdSchema> crds() {
        if (crds == null) {
            crds = CrdSchema.loadAll(Repo.crdDir());
        }
        return crds;
    }

    private static final Map<String, com.networknt.schema.JsonSchema> CORE_KINDS = CrdSchema.coreKinds();

    /**
     * Every resource that is not a custom resource against the strict core-kind schemas; a kind without one is
     * a finding (add it to core-kinds.yaml). Needs no CRDs.
     */
    static List<String> coreKindProblems(List<Kustomize.Resource> rendered) {
        List<String> problems = new ArrayList<>();
        for (Kustomize.Resource r : rendered) {
            if (r.group().endsWith("flink.apache.org")) {
                continue;
            }
            var schema = CORE_KINDS.get(r.apiVersion() + "/" + r.kind());
            if (schema == null) {
                problems.add(r + ": no schema for " + r.apiVersion() + " " + r.kind() + " in core-kinds.yaml");
                continue;
            }
            CrdSchema.validate(schema, r.doc()).forEach(m -> problems.add(r + ": " + m));
        }
        return problems;
    }

    /** The CRD schema's findings for every custom resource among {@code rendered}; a custom resource without a CRD is one too. */
    static List<String> schemaProblems(List<Kustomize.Resource> rendered) {
        List<String> problems = new ArrayList<>();
        for (Kustomize.Resource r : rendered) {
            if (!r.group().endsWith("flink.apache.org")) {
                continue;
            }
            CrdSchema schema = crds().stream().filter(c -> c.appliesTo(r)).findFirst().orElse(null);
            if (schema == null) {
                problems.add(r + ": no CRD for " + r.group() + " " + r.kind());
                continue;
            }
            schema.validate(r.doc()).forEach(m -> problems.add(r + ": " + m));
        }
        return problems;
    }

    /** The operator's rules, Vigil's decisions and every configuration key, for every FlinkDeployment. */
    static List<String> ruleProblems(List<Kustomize.Resource> rendered) {
        List<String> problems = new ArrayList<>();
        for (Kustomize.Resource d : deployments(rendered)) {
            problems.addAll(DeploymentRules.check(d, rendered));
            Map<String, String> conf = Yamls.flatten(Yamls.map(d.doc(), "spec.flinkConfiguration"));
            problems.addAll(ConfigKeys.get().check(conf, d + " spec.flinkConfiguration"));
        }
        return problems;
    }

    /** A rendered environment with one document replaced by a changed copy, for tests of what is caught. */
    static List<Kustomize.Resource> withChangedDeployment(List<Kustomize.Resource> rendered,
            java.util.function.Consumer<Map<String, Object>> change) {
        List<Kustomize.Resource> out = new ArrayList<>();
        for (Kustomize.Resource r : rendered) {
            if (r.kind().equals(FLINK_DEPLOYMENT)) {
                Map<String, Object> doc = Yamls.copy(r.doc());
                change.accept(doc);
                out.add(new Kustomize.Resource(doc, r.source() + ", changed by the test"));
            } else {
                out.add(r);
            }
        }
        return out;
    }
}
