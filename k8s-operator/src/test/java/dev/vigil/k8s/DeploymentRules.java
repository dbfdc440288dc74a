package dev.vigil.k8s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a rendered {@code FlinkDeployment} must satisfy besides its CRD schema: first the checks of the
 * operator's own admission validator ({@code DefaultValidator}, {@code AutoscalerValidator} and
 * {@code FlinkConfMountDecorator} at release-1.15.0), which would otherwise only reject the resource when it
 * reaches a cluster; then Vigil's deployment decisions (k8s-operator/README.md), so that an edit that undoes
 * one fails the build with the reason.
 */
final class DeploymentRules {

    // --- from the operator (release-1.15.0) -----------------------------------------------------------------
    /** DefaultValidator.DEPLOYMENT_NAME_PATTERN: DNS-1035 label, at most 45 characters. */
    static final Pattern DEPLOYMENT_NAME = Pattern.compile("[a-z]([-a-z\\d]{0,43}[a-z\\d])?");
    /** DefaultValidator.FORBIDDEN_CONF_KEYS: the operator sets these itself. */
    static final Set<String> FORBIDDEN_KEYS = Set.of("kubernetes.namespace", "kubernetes.cluster-id", "high-availability.cluster-id");
    /** DefaultValidator.ALLOWED_LOG_CONF_KEYS. */
    static final Set<String> LOG_CONF_KEYS = Set.of("log4j-console.properties", "logback-console.xml");
    /** The CRD's spec.job.upgradeMode enum. */
    static final List<String> UPGRADE_MODES = List.of("savepoint", "last-state", "stateless");

    static final String CHECKPOINT_DIR = "execution.checkpointing.dir";
    static final String SAVEPOINT_DIR = "execution.checkpointing.savepoint-dir";
    static final String HA_TYPE = "high-availability.type";
    static final String HA_DIR = "high-availability.storageDir";
    static final String PERIODIC_SAVEPOINTS = "kubernetes.operator.periodic.savepoint.interval";
    static final String LAST_STATE_FALLBACK = "kubernetes.operator.job.upgrade.last-state-fallback.enabled";
    static final String MAX_PARALLELISM = "pipeline.max-parallelism";
    static final String AUTOSCALER_MAX_PARALLELISM = "job.autoscaler.vertex.max-parallelism";

    // --- Vigil's decisions ----------------------------------------------------------------------------------
    static final String MAIN_CONTAINER = "flink-main-container";
    static final String USRLIB = "local:///opt/flink/usrlib/";
    static final String ENTRY_CLASS = "dev.vigil.jobs.detection.DetectionJob";
    static final String CAPACITY_LABEL = "eks.amazonaws.com/capacityType";
    static final String ZONE = "topology.kubernetes.io/zone";
    static final String IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";
    static final String PROMETHEUS_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    private DeploymentRules() {}

    /** Every problem with one FlinkDeployment, given the other rendered resources it refers to. */
    static List<String> check(Kustomize.Resource deployment, List<Kustomize.Resource> all) {
        List<String> p = new ArrayList<>();
        Map<String, Object> doc = deployment.doc();
        Map<String, String> conf = Yamls.flatten(Yamls.map(doc, "spec.flinkConfiguration"));
        operatorValidator(doc, conf, p);
        vigilDecisions(doc, conf, all, p);
        return p.stream().map(m -> deployment + ": " + m).toList();
    }

    private static void operatorValidator(Map<String, Object> doc, Map<String, String> conf, List<String> p) {
        String name = String.valueOf(Yamls.at(doc, "metadata.name"));
        if (!DEPLOYMENT_NAME.matcher(name).matches()) {
            p.add("name '" + name + "' is invalid for the operator: lower case alphanumerics or '-', starting with a"
                    + " letter, at most 45 characters (DefaultValidator.validateDeploymentName)");
        }
        Object version = Yamls.at(doc, "spec.flinkVersion");
        if (version == null) {
            p.add("spec.flinkVersion must be defined");
        }
        for (String key : FORBIDDEN_KEYS) {
            if (conf.containsKey(key)) {
                p.add("forbidden Flink config key " + key + ": the operator sets it (DefaultValidator.FORBIDDEN_CONF_KEYS)");
            }
        }
        if (String.valueOf(version).startsWith("v2_")) {
            for (String k1 : conf.keySet()) {
                for (String k2 : conf.keySet()) {
                    if (k2.startsWith(k1 + ".")) {
                        p.add("overlapping key prefixes (" + k1 + " -> " + k2 + "): rejected for Flink 2 deployments"
                                + " (FlinkConfMountDecorator.validateConfigKeysForV2); use the non-deprecated key");
                    }
                }
            }
        }
        Object logConf = Yamls.at(doc, "spec.logConfiguration");
        if (logConf instanceof Map<?, ?> logs) {
            for (Object key : logs.keySet()) {
                if (!LOG_CONF_KEYS.contains(String.valueOf(key))) {
                    p.add("invalid log config key " + key + "; allowed: " + LOG_CONF_KEYS);
                }
            }
        }
        Map<String, Object> job = Yamls.map(doc, "spec.job");
        if (!job.isEmpty()) {
            String mode = String.valueOf(job.getOrDefault("upgradeMode", "stateless"));
            if (!UPGRADE_MODES.contains(mode)) {
                p.add("unknown spec.job.upgradeMode '" + mode + "'; the operator accepts " + UPGRADE_MODES);
            }
            if (!mode.equals("stateless") && blank(conf.get(CHECKPOINT_DIR))) {
                p.add("checkpoint directory [" + CHECKPOINT_DIR + "] must be defined for last-state and savepoint upgrade modes");
            }
            if (blank(conf.get(SAVEPOINT_DIR))) {
                if (mode.equals("savepoint")) {
                    p.add("job could not be upgraded with savepoint while config key [" + SAVEPOINT_DIR + "] is not set");
                } else if (job.get("savepointTriggerNonce") != null) {
                    p.add("savepointTriggerNonce needs [" + SAVEPOINT_DIR + "]");
                } else if (conf.containsKey(PERIODIC_SAVEPOINTS)) {
                    p.add("periodic savepoints cannot be enabled when config key [" + SAVEPOINT_DIR + "] is not set");
                }
            }
            Object tmReplicas = Yamls.at(doc, "spec.taskManager.replicas");
            if (tmReplicas != null && toInt(tmReplicas) < 1) {
                p.add("TaskManager replicas must be larger than 0");
            } else if (tmReplicas == null && toInt(job.getOrDefault("parallelism", 0)) < 1) {
                p.add("job parallelism must be larger than 0");
            }
        }
        Object jmReplicas = Yamls.at(doc, "spec.jobManager.replicas");
        if (jmReplicas != null) {
            if (toInt(jmReplicas) < 1) {
                p.add("JobManager replicas should not be configured less than one");
            } else if (toInt(jmReplicas) > 1 && !haActive(conf)) {
                p.add("high availability should be enabled when starting standby JobManagers (replicas > 1)");
            }
        }
        for (String component : List.of("jobManager", "taskManager")) {
            if (blank(Yamls.at(doc, "spec." + component + ".resource.memory"))) {
                p.add(component + " resource memory must be defined using spec." + component + ".resource.memory");
            }
        }
        if (Yamls.at(doc, "spec.serviceAccount") == null) {
            p.add("spec.serviceAccount must be defined");
        }
        if (Boolean.parseBoolean(conf.getOrDefault("kubernetes.operator.deployment.rollback.enabled", "false")) && !haActive(conf)) {
            p.add("HA must be enabled for rollback support");
        }
        if (Boolean.parseBoolean(conf.getOrDefault("job.autoscaler.enabled", "false"))) {
            double target = toDouble(conf.getOrDefault("job.autoscaler.utilization.target", "0.7"));
            range(conf, "job.autoscaler.utilization.target", 0, 1, p);
            range(conf, "job.autoscaler.utilization.max", target, 1, p);
            range(conf, "job.autoscaler.utilization.min", 0, target, p);
            range(conf, "job.autoscaler.scale-down.max-factor", 0, Double.POSITIVE_INFINITY, p);
            range(conf, "job.autoscaler.scale-up.max-factor", 0, Double.POSITIVE_INFINITY, p);
            range(conf, "job.autoscaler.observed-scalability.coefficient-min", 0.01, 1, p);
        }
    }

    private static void vigilDecisions(Map<String, Object> doc, Map<String, String> conf, List<Kustomize.Resource> all,
            List<String> p) {
        if (!"v2_2".equals(Yamls.at(doc, "spec.flinkVersion"))) {
            p.add("spec.flinkVersion must be v2_2 (the image is Flink 2.2)");
        }
        String image = String.valueOf(Yamls.at(doc, "spec.image"));
        if (image.equals("null") || !image.matches(".+:[\\w][\\w.-]*") || image.endsWith(":latest")) {
            p.add("spec.image must name a fixed tag (an upgrade is a tag change), is '" + image + "'");
        }
        Map<String, Object> job = Yamls.map(doc, "spec.job");
        if (!"savepoint".equals(job.get("upgradeMode"))) {
            p.add("spec.job.upgradeMode must be savepoint (Vigil upgrades through a savepoint), is '" + job.get("upgradeMode") + "'");
        }
        if (!conf.containsKey(LAST_STATE_FALLBACK)) {
            p.add(LAST_STATE_FALLBACK + " must be set explicitly: it decides what an upgrade of a job that is not running does");
        }
        String jar = String.valueOf(job.get("jarURI"));
        if (!jar.startsWith(USRLIB) || !jar.endsWith(".jar")) {
            p.add("spec.job.jarURI must be a jar under " + USRLIB + " (the image's user classpath), is '" + jar + "'");
        }
        if (!ENTRY_CLASS.equals(job.get("entryClass"))) {
            p.add("spec.job.entryClass must be " + ENTRY_CLASS);
        }
        if (!"kubernetes".equals(conf.get(HA_TYPE))) {
            p.add(HA_TYPE + " must be kubernetes");
        }
        for (String dir : List.of(CHECKPOINT_DIR, SAVEPOINT_DIR, HA_DIR)) {
            if (!String.valueOf(conf.get(dir)).startsWith("s3://")) {
                p.add(dir + " must be on S3 (s3://...), is '" + conf.get(dir) + "'");
            }
        }
        for (String key : List.of(PERIODIC_SAVEPOINTS, "kubernetes.operator.savepoint.history.max.count",
                "kubernetes.operator.savepoint.history.max.age")) {
            if (blank(conf.get(key))) {
                p.add(key + " must be set (periodic savepoints and a bounded history)");
            }
        }
        autoscaler(conf, job, p);
        prometheus(doc, conf, p);
        pods(doc, p);
        identity(doc, all, p);
    }

    private static void autoscaler(Map<String, String> conf, Map<String, Object> job, List<String> p) {
        if (!"true".equals(conf.get("job.autoscaler.enabled"))) {
            p.add("job.autoscaler.enabled must be true");
        }
        int max = toInt(conf.getOrDefault(MAX_PARALLELISM, "0"));
        if (max <= 0 || max % 60 != 0) {
            p.add(MAX_PARALLELISM + " must be a multiple of 60 (divisible by 1-6, 10, 12, ...) so the autoscaler"
                    + " finds even key-group splits, is " + conf.get(MAX_PARALLELISM));
            return;
        }
        int vertexMax = toInt(conf.getOrDefault(AUTOSCALER_MAX_PARALLELISM, "0"));
        if (vertexMax <= 0 || max % vertexMax != 0) {
            p.add(AUTOSCALER_MAX_PARALLELISM + " must divide " + MAX_PARALLELISM + " (" + max + "), is " + vertexMax);
        }
        int parallelism = toInt(job.getOrDefault("parallelism", 0));
        if (parallelism <= 0 || max % parallelism != 0 || (vertexMax > 0 && parallelism > vertexMax)) {
            p.add("spec.job.parallelism must divide " + max + " and stay within " + AUTOSCALER_MAX_PARALLELISM
                    + ", is " + parallelism);
        }
    }

    private static void prometheus(Map<String, Object> doc, Map<String, String> conf, List<String> p) {
        String reporter = conf.entrySet().stream()
                .filter(e -> e.getKey().matches("metrics\\.reporter\\.[^.]+\\.factory\\.class")
                        && PROMETHEUS_FACTORY.equals(e.getValue()))
                .map(e -> e.getKey().split("\\.")[2]).findFirst().orElse(null);
        if (reporter == null) {
            p.add("no Prometheus metrics reporter (metrics.reporter.<name>.factory.class: " + PROMETHEUS_FACTORY + ")");
            return;
        }
        String port = conf.get("metrics.reporter." + reporter + ".port");
        boolean exposed = mainContainers(doc).stream().flatMap(c -> maps(c.get("ports")).stream())
                .anyMatch(port0 -> String.valueOf(port0.get("containerPort")).equals(port));
        if (port == null || !exposed) {
            p.add("the Prometheus reporter's port (" + port + ") must be a containerPort of " + MAIN_CONTAINER);
        }
    }

    private static void pods(Map<String, Object> doc, List<String> p) {
        for (String template : List.of("spec.podTemplate", "spec.jobManager.podTemplate", "spec.taskManager.podTemplate")) {
            for (Map<String, Object> container : maps(Yamls.at(doc, template + ".spec.containers"))) {
                if (!MAIN_CONTAINER.equals(container.get("name")) && container.get("image") == null) {
                    p.add(template + ": container '" + container.get("name") + "' has no image: the main container must be named "
                            + MAIN_CONTAINER + " for the operator to merge it");
                }
                for (Map<String, Object> env : maps(container.get("env"))) {
                    String name = String.valueOf(env.get("name"));
                    if (name.equals("AWS_ACCESS_KEY_ID") || name.equals("AWS_SECRET_ACCESS_KEY")) {
                        p.add(template + ": " + name + " in the pod: S3 access comes from the service account's IAM role");
                    }
                }
            }
        }
        boolean s3Plugin = mainContainers(doc).stream().flatMap(c -> maps(c.get("env")).stream())
                .anyMatch(e -> "ENABLE_BUILT_IN_PLUGINS".equals(e.get("name"))
                        && String.valueOf(e.get("value")).matches("(.*;)?flink-s3-fs-hadoop-[\\d.]+\\.jar(;.*)?"));
        if (!s3Plugin) {
            p.add(MAIN_CONTAINER + " must enable the S3 filesystem plugin: env ENABLE_BUILT_IN_PLUGINS=flink-s3-fs-hadoop-<version>.jar");
        }

        Map<String, Object> jm = Yamls.map(doc, "spec.jobManager.podTemplate.spec");
        if (!"ON_DEMAND".equals(Yamls.map(jm, "nodeSelector").get(CAPACITY_LABEL))) {
            p.add("JobManager pods must select on-demand nodes (spec.jobManager.podTemplate.spec.nodeSelector "
                    + CAPACITY_LABEL + ": ON_DEMAND)");
        }
        Map<String, Object> tm = Yamls.map(doc, "spec.taskManager.podTemplate.spec");
        boolean spot = maps(Yamls.at(tm, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"))
                .stream().flatMap(term -> maps(term.get("matchExpressions")).stream())
                .anyMatch(e -> CAPACITY_LABEL.equals(e.get("key")) && "In".equals(e.get("operator"))
                        && Objects.equals(e.get("values"), List.of("SPOT")));
        if (!spot) {
            p.add("TaskManager pods must require Spot nodes (required node affinity " + CAPACITY_LABEL + " In [SPOT])");
        }
        if (maps(tm.get("tolerations")).stream().noneMatch(t -> "NoSchedule".equals(t.get("effect")))) {
            p.add("TaskManager pods must tolerate the Spot node groups' NoSchedule taint");
        }
        for (Map.Entry<String, Map<String, Object>> component : Map.of("jobmanager", jm, "taskmanager", tm).entrySet()) {
            boolean spread = maps(component.getValue().get("topologySpreadConstraints")).stream()
                    .anyMatch(c -> ZONE.equals(c.get("topologyKey"))
                            && component.getKey().equals(Yamls.at(c, "labelSelector.matchLabels.component"))
                            && Yamls.at(doc, "metadata.name").equals(Yamls.at(c, "labelSelector.matchLabels.app")));
            if (!spread) {
                p.add(component.getKey() + " pods must spread across " + ZONE
                        + " (topologySpreadConstraints selecting app=<deployment name>, component=" + component.getKey() + ")");
            }
        }
    }

    private static void identity(Map<String, Object> doc, List<Kustomize.Resource> all, List<String> p) {
        String namespace = String.valueOf(Yamls.at(doc, "metadata.namespace"));
        String account = String.valueOf(Yamls.at(doc, "spec.serviceAccount"));
        Kustomize.Resource sa = find(all, "ServiceAccount", namespace, account);
        if (sa == null) {
            p.add("service account " + namespace + "/" + account + " is not among the manifests");
            return;
        }
        String role = String.valueOf(Yamls.map(sa.doc(), "metadata.annotations").get(IRSA_ANNOTATION));
        if (!role.matches("arn:aws:iam::\\d{12}:role/.+")) {
            p.add("service account " + account + " needs an IAM role (" + IRSA_ANNOTATION + ": arn:aws:iam::<account>:role/<name>), has '" + role + "'");
        }
        boolean bound = all.stream().filter(r -> r.kind().equals("RoleBinding") && r.namespace().equals(namespace))
                .filter(b -> maps(b.doc().get("subjects")).stream().anyMatch(s -> "ServiceAccount".equals(s.get("kind"))
                        && account.equals(s.get("name")) && namespace.equals(s.get("namespace"))))
                .map(b -> find(all, String.valueOf(Yamls.at(b.doc(), "roleRef.kind")), namespace,
                        String.valueOf(Yamls.at(b.doc(), "roleRef.name"))))
                .filter(Objects::nonNull)
                .anyMatch(r -> maps(r.doc().get("rules")).stream().anyMatch(rule ->
                        String.valueOf(rule.get("resources")).contains("pods")
                                && String.valueOf(rule.get("resources")).contains("configmaps")
                                && String.valueOf(rule.get("verbs")).contains("create")));
        if (!bound) {
            p.add("service account " + account + " is not bound to a Role that lets the JobManager manage pods and configmaps");
        }
    }

    private static Kustomize.Resource find(List<Kustomize.Resource> all, String kind, String namespace, String name) {
        return all.stream().filter(r -> r.kind().equals(kind) && r.namespace().equals(namespace) && r.name().equals(name))
                .findFirst().orElse(null);
    }

    private static List<Map<String, Object>> mainContainers(Map<String, Object> doc) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (String template : List.of("spec.podTemplate", "spec.jobManager.podTemplate", "spec.taskManager.podTemplate")) {
            maps(Yamls.at(doc, template + ".spec.containers")).stream()
                    .filter(c -> MAIN_CONTAINER.equals(c.get("name"))).forEach(found::add);
        }
        return found;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object list) {
        if (!(list instanceof List<?> items)) {
            return List.of();
        }
        return items.stream().filter(Map.class::isInstance).map(i -> (Map<String, Object>) i).toList();
    }

    private static void range(Map<String, String> conf, String key, double min, double max, List<String> p) {
        String value = conf.get(key);
        if (value == null) {
            return;
        }
        double v;
        try {
            v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            p.add("invalid value in the autoscaler config " + key);
            return;
        }
        if (v < min || v > max) {
            p.add("the AutoScalerOption " + key + " is invalid, it should be a value within the range [" + min + ", " + max + "]");
        }
    }

    private static boolean haActive(Map<String, String> conf) {
        String type = conf.getOrDefault(HA_TYPE, "NONE");
        return !type.equalsIgnoreCase("NONE");
    }

    private static boolean blank(Object value) {
        return value == null || value.toString().isBlank();
    }

    private static int toInt(Object value) {
        try {
            return Integer.parseInt(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static double toDouble(String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
