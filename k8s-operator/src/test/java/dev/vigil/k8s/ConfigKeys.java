package dev.vigil.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.annotation.docs.Documentation;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;

/**
 * Which configuration keys exist, so a misspelt or retired key fails the build instead of being ignored by
 * Flink at runtime. Every key in {@code flink-conf/config.yaml} and in a manifest's {@code flinkConfiguration}
 * must be one of:
 *
 * <ul>
 *   <li>a Flink 2.2 option: the {@code public static ConfigOption} fields of every {@code *Options} class in
 *       the Flink jars on the test classpath (flink-core, -runtime, -clients, -streaming-java,
 *       -statebackend-rocksdb, -kubernetes, -metrics-prometheus), or a non-deprecated fallback key of one.
 *       An option whose field is {@code @Deprecated}, or a deprecated fallback key, is rejected with the key
 *       to use instead. Options documented as suffixes ({@code @Documentation.SuffixOption}, e.g.
 *       {@code metrics.reporter.<name>.factory.class}) match with any {@code <name>}; the catch-all
 *       {@code metrics.reporter.<name>.<parameter>} does not (see the last item). The value must parse as the
 *       option's type;
 *   <li>a Flink Kubernetes Operator 1.15.0 per-deployment option ({@code kubernetes.operator.*},
 *       {@code job.autoscaler.*}) from {@code operator-1.15.0-options.tsv} (the operator's jars are not on
 *       Maven Central; the file says where the list comes from);
 *   <li>a Vigil option: a {@code ConfigOption} declared in {@code DetectionJobOptions}, read from its source
 *       so this module needs no dependency on the job (which would make {@code -pl k8s-operator -am} build
 *       and test every job module);
 *   <li>one of the few S3 filesystem keys Vigil uses ({@link #S3_KEYS}); Flink hands {@code s3.*} to Hadoop's
 *       S3A unchecked, so the list is explicit. Access keys are rejected: credentials come from IAM roles;
 *   <li>a reporter-specific key of a metric reporter whose factory class is configured ({@link #REPORTER_KEYS}).
 * </ul>
 */
final class ConfigKeys {

    /** S3 keys Vigil may set, as Flink's S3 filesystems document them (forwarded to Hadoop S3A as fs.s3a.*). */
    static final Set<String> S3_KEYS = Set.of("s3.aws.credentials.provider", "s3.endpoint", "s3.path.style.access");

    /** Static credentials: IAM roles for service accounts instead. */
    static final Set<String> S3_CREDENTIAL_KEYS = Set.of("s3.access-key", "s3.secret-key", "s3.access.key",
            "s3.secret.key", "fs.s3a.access.key", "fs.s3a.secret.key", "s3a.access.key", "s3a.secret.key");

    /** Keys a reporter factory reads itself, below {@code metrics.reporter.<name>.} (PrometheusReporterFactory.ARG_PORT). */
    static final Map<String, Set<String>> REPORTER_KEYS =
            Map.of("org.apache.flink.metrics.prometheus.PrometheusReporterFactory", Set.of("port"));

    private static final Pattern REPORTER_KEY = Pattern.compile("metrics\\.reporter\\.([^.]+)\\.(.+)");
    private static final Pattern VIGIL_OPTION = Pattern.compile("key\\(\\s*\"(vigil\\.[^\"]+)\"\\s*\\)\\s*\\.\\s*(\\w+)Type\\(\\)");

    private record FlinkOption(ConfigOption<?> option, String declaredIn, boolean deprecated) {}

    private record SuffixOption(Pattern pattern, FlinkOption option) {}

    private record TypedKey(String type, String owner) {}

    private final Map<String, FlinkOption> flink = new HashMap<>();
    private final Map<String, FlinkOption> deprecatedFallbacks = new HashMap<>();
    private final List<SuffixOption> suffixOptions = new ArrayList<>();
    private final Map<String, TypedKey> operator = new LinkedHashMap<>();
    private final List<Map.Entry<Pattern, TypedKey>> operatorPatterns = new ArrayList<>();
    private final Map<String, TypedKey> vigil = new LinkedHashMap<>();
    private final Set<String> scannedJars = new TreeSet<>();

    private static ConfigKeys instance;

    /** Scans once per JVM (about a second). */
    static synchronized ConfigKeys get() {
        if (instance == null) {
            instance = new ConfigKeys();
        }
        return instance;
    }

    private ConfigKeys() {
        scanFlinkJars();
        loadOperatorOptions();
        loadVigilOptions(Repo.root().resolve("jobs/detection/src/main/java/dev/vigil/jobs/detection/DetectionJobOptions.java"));
    }

    int flinkOptionCount() {
        return flink.size();
    }

    Set<String> scannedJars() {
        return Collections.unmodifiableSet(scannedJars);
    }

    Set<String> vigilKeys() {
        return Collections.unmodifiableSet(vigil.keySet());
    }

    boolean isFlinkOption(String key) {
        return flink.containsKey(key);
    }

    /** Problems with the keys and values of one flat configuration, each prefixed with {@code where}. */
    List<String> check(Map<String, String> conf, String where) {
        List<String> problems = new ArrayList<>();
        conf.forEach((key, value) -> {
            String problem = problem(key, value, conf);
            if (problem != null) {
                problems.add(where + ": " + problem);
            }
        });
        return problems;
    }

    private String problem(String key, String value, Map<String, String> conf) {
        if (key.startsWith("$internal.")) {
            return "'" + key + "' is internal to Flink and set by the client, not by configuration";
        }
        if (key.startsWith("vigil.")) {
            TypedKey known = vigil.get(key);
            return known == null ? unknown(key, "Vigil option (DetectionJobOptions)", vigil.keySet())
                    : typeProblem(key, value, known.type());
        }
        if (key.startsWith("kubernetes.operator.job.autoscaler.")) {
            return "'" + key + "' uses the autoscaler's deprecated prefix: use '"
                    + key.substring("kubernetes.operator.".length()) + "'";
        }
        if (key.startsWith("kubernetes.operator.") || key.startsWith("job.autoscaler.")) {
            TypedKey known = operator.get(key);
            if (known == null) {
                known = operatorPatterns.stream().filter(e -> e.getKey().matcher(key).matches())
                        .map(Map.Entry::getValue).findFirst().orElse(null);
            }
            return known == null
                    ? unknown(key, "per-deployment option of Flink Kubernetes Operator 1.15.0", operator.keySet())
                    : typeProblem(key, value, known.type());
        }
        if (S3_CREDENTIAL_KEYS.contains(key)) {
            return "'" + key + "' puts static S3 credentials in the configuration: use the service account's IAM role";
        }
        if (key.startsWith("s3.") || key.startsWith("s3a.") || key.startsWith("fs.s3a.")) {
            return S3_KEYS.contains(key) ? null : unknown(key, "S3 key Vigil uses (ConfigKeys.S3_KEYS)", S3_KEYS);
        }
        FlinkOption option = flink.get(key);
        if (option != null) {
            if (option.deprecated()) {
                return "'" + key + "' is deprecated in Flink 2.2 (" + option.declaredIn() + ")";
            }
            return flinkValueProblem(key, value, option.option());
        }
        FlinkOption retired = deprecatedFallbacks.get(key);
        if (retired != null) {
            return "'" + key + "' is a deprecated key: use '" + retired.option().key() + "' ("
                    + retired.declaredIn() + ")";
        }
        for (SuffixOption suffix : suffixOptions) {
            if (suffix.pattern().matcher(key).matches()) {
                return suffix.option().deprecated() ? "'" + key + "' is deprecated in Flink 2.2"
                        : flinkValueProblem(key, value, suffix.option().option());
            }
        }
        Matcher reporter = REPORTER_KEY.matcher(key);
        if (reporter.matches()) {
            String factory = conf.get("metrics.reporter." + reporter.group(1) + ".factory.class");
            if (factory != null && REPORTER_KEYS.getOrDefault(factory, Set.of()).contains(reporter.group(2))) {
                return null;
            }
        }
        return unknown(key, "Flink 2.2 option", flink.keySet());
    }

    private static String unknown(String key, String what, Set<String> candidates) {
        String nearest = null;
        int best = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(key, candidate);
            if (d < best) {
                best = d;
                nearest = candidate;
            }
        }
        return "unknown configuration key '" + key + "': not a " + what
                + (nearest != null && best <= 3 ? " (did you mean '" + nearest + "'?)" : "");
    }

    private static String flinkValueProblem(String key, String value, ConfigOption<?> option) {
        ConfigOption<?> same = copyWithKey(option, key);
        try {
            Configuration.fromMap(Map.of(key, value)).get(same);
            return null;
        } catch (RuntimeException e) {
            return "value '" + value + "' of '" + key + "' does not parse: " + e.getMessage();
        }
    }

    /**
     * The option itself for a plain key; for a suffix option, one with the concrete key and the same simple
     * type (enums and lists are then only checked as strings).
     */
    private static ConfigOption<?> copyWithKey(ConfigOption<?> option, String key) {
        if (option.key().equals(key)) {
            return option;
        }
        return typed(ConfigOptions.key(key), typeOf(option).getSimpleName());
    }

    private static Class<?> typeOf(ConfigOption<?> option) {
        try {
            Field clazz = ConfigOption.class.getDeclaredField("clazz");
            clazz.setAccessible(true);
            return (Class<?>) clazz.get(option);
        } catch (ReflectiveOperationException e) {
            return String.class;
        }
    }

    private static String typeProblem(String key, String value, String type) {
        ConfigOption<?> option = typed(ConfigOptions.key(key), type);
        try {
            Configuration.fromMap(Map.of(key, value)).get(option);
            return null;
        } catch (RuntimeException e) {
            return "value '" + value + "' of '" + key + "' is not a valid " + type + ": " + e.getMessage();
        }
    }

    /** An option of a simple type by its name (as the operator docs print it, or a Java class's simple name). */
    private static ConfigOption<?> typed(ConfigOptions.OptionBuilder builder, String type) {
        return switch (type) {
            case "Boolean", "boolean" -> builder.booleanType().noDefaultValue();
            case "Integer", "int" -> builder.intType().noDefaultValue();
            case "Long", "long" -> builder.longType().noDefaultValue();
            case "Double", "double" -> builder.doubleType().noDefaultValue();
            case "Duration", "duration" -> builder.durationType().noDefaultValue();
            case "MemorySize" -> builder.memoryType().noDefaultValue();
            default -> builder.stringType().noDefaultValue();
        };
    }

    // --- Flink: reflection over the option classes ----------------------------------------------------------

    private void scanFlinkJars() {
        ClassLoader loader = ConfigKeys.class.getClassLoader();
        try {
            Enumeration<URL> manifests = loader.getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                URL url = manifests.nextElement();
                if (!"jar".equals(url.getProtocol())) {
                    continue;
                }
                JarURLConnection connection = (JarURLConnection) url.openConnection();
                connection.setUseCaches(false);
                String jarName = Path.of(connection.getJarFileURL().getPath()).getFileName().toString();
                if (!jarName.startsWith("flink-") || jarName.startsWith("flink-shaded")) {
                    continue;
                }
                scannedJars.add(jarName);
                try (JarFile jar = new JarFile(Path.of(connection.getJarFileURL().toURI()).toFile())) {
                    for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                        String name = entries.nextElement().getName();
                        if (name.startsWith("org/apache/flink/") && name.endsWith("Options.class") && !name.contains("$")) {
                            scanClass(loader, name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                        }
                    }
                }
            }
        } catch (IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot scan Flink's option classes", e);
        }
        if (flink.size() < 500) {
            throw new IllegalStateException("only " + flink.size() + " Flink options found in " + scannedJars);
        }
    }

    private void scanClass(ClassLoader loader, String className) {
        Class<?> clazz;
        try {
            clazz = Class.forName(className, true, loader);
        } catch (Throwable e) {
            return; // a class needing something absent from this classpath holds no option Vigil could set anyway
        }
        for (Field field : clazz.getFields()) {
            if (!Modifier.isStatic(field.getModifiers()) || !ConfigOption.class.isAssignableFrom(field.getType())) {
                continue;
            }
            ConfigOption<?> option;
            try {
                option = (ConfigOption<?>) field.get(null);
            } catch (IllegalAccessException e) {
                continue;
            }
            if (option == null) {
                continue;
            }
            boolean deprecated = field.isAnnotationPresent(Deprecated.class) || clazz.isAnnotationPresent(Deprecated.class);
            FlinkOption found = new FlinkOption(option, clazz.getSimpleName() + "." + field.getName(), deprecated);
            Documentation.SuffixOption suffix = field.getAnnotation(Documentation.SuffixOption.class);
            if (suffix != null) {
                if (option.key().contains("<")) {
                    // metrics.reporter.<name>.<parameter>: "anything goes" would hide typos; see REPORTER_KEYS.
                    continue;
                }
                String full = suffix.value() + "." + option.key();
                suffixOptions.add(new SuffixOption(placeholderPattern(full), found));
                continue;
            }
            flink.merge(option.key(), found, (a, b) -> a.deprecated() ? b : a);
            for (FallbackKey fallback : option.fallbackKeys()) {
                if (fallback.isDeprecated()) {
                    deprecatedFallbacks.putIfAbsent(fallback.getKey(), found);
                } else {
                    flink.putIfAbsent(fallback.getKey(), found);
                }
            }
        }
    }

    /** {@code metrics.reporter.<name>.port} as a regex where each {@code <...>} is one key segment. */
    private static Pattern placeholderPattern(String key) {
        StringBuilder regex = new StringBuilder();
        for (String part : key.split("(?=<)|(?<=>)")) {
            regex.append(part.startsWith("<") && part.endsWith(">") ? "[^.]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    // --- Operator: the list from its 1.15.0 docs ---------------------------------------------------------------

    private void loadOperatorOptions() {
        try (InputStream in = ConfigKeys.class.getResourceAsStream("/operator-1.15.0-options.tsv")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t");
                TypedKey typed = new TypedKey(cols[1], cols[2]);
                if (cols[0].contains("<")) {
                    operatorPatterns.add(Map.entry(placeholderPattern(cols[0]), typed));
                } else {
                    operator.put(cols[0], typed);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- Vigil: the options declared in DetectionJobOptions ----------------------------------------------------

    private void loadVigilOptions(Path source) {
        try {
            Matcher m = VIGIL_OPTION.matcher(Files.readString(source));
            while (m.find()) {
                vigil.put(m.group(1), new TypedKey(m.group(2), "DetectionJobOptions"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
        if (vigil.size() < 10) {
            throw new IllegalStateException("found only " + vigil.keySet() + " in " + source
                    + ": has the way options are declared changed? Update ConfigKeys.VIGIL_OPTION.");
        }
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
