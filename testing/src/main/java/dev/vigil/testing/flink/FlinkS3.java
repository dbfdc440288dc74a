package dev.vigil.testing.flink;

import dev.vigil.testing.s3.S3Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.Locale;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.DefaultPluginManager;
import org.apache.flink.core.plugin.DirectoryBasedPluginFinder;
import org.apache.flink.core.plugin.PluginDescriptor;
import org.apache.flink.core.plugin.PluginManager;

/**
 * Points Flink's {@code s3://} filesystem (flink-s3-fs-hadoop, loaded as a plugin, never from the classpath)
 * at an S3 endpoint such as {@link dev.vigil.testing.s3.EmbeddedS3} or MinIO.
 *
 * <pre>{@code
 * Configuration conf = FlinkS3.s3Settings(s3.endpoint(), s3.accessKey(), s3.secretKey());
 * FlinkS3.initializeFileSystems(conf);   // before the MiniCluster job touches s3://
 * }</pre>
 *
 * <p>The plugins root comes from system property {@value #PLUGINS_DIR_PROPERTY}; it must hold
 * {@code s3-fs-hadoop/flink-s3-fs-hadoop-<version>.jar} (modules stage it with maven-dependency-plugin).
 */
public final class FlinkS3 {

    /** System property naming the Flink plugins root directory. */
    public static final String PLUGINS_DIR_PROPERTY = "vigil.flink.plugins.dir";
    /** Sub-directory of the plugins root holding flink-s3-fs-hadoop. */
    public static final String S3_PLUGIN_DIR = "s3-fs-hadoop";

    private FlinkS3() {}

    /**
     * Flink settings for an S3-compatible endpoint: {@code s3.endpoint}, {@code s3.path.style.access: true},
     * {@code s3.access-key}, {@code s3.secret-key}, plus SSL off for {@code http://} endpoints and a fixed
     * region (the endpoint is not AWS, so none can be derived).
     */
    public static Configuration s3Settings(URI endpoint, String accessKey, String secretKey) {
        Configuration conf = new Configuration();
        conf.setString("s3.endpoint", endpoint.toString());
        conf.setString("s3.path.style.access", "true");
        conf.setString("s3.access-key", accessKey);
        conf.setString("s3.secret-key", secretKey);
        boolean plainHttp = "http".equals(endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT));
        conf.setString("s3.connection.ssl.enabled", String.valueOf(!plainHttp));
        conf.setString("s3.endpoint.region", "us-east-1");
        return conf;
    }

    /** {@link #s3Settings(URI, String, String)} for an {@link S3Endpoint}. */
    public static Configuration s3Settings(S3Endpoint endpoint) {
        return s3Settings(endpoint.endpoint(), endpoint.accessKey(), endpoint.secretKey());
    }

    /**
     * {@code FileSystem.initialize(conf, pluginManager)} with the plugins from {@link #pluginsDir()}: afterwards
     * {@code s3://} paths in this JVM (MiniCluster jobs included) use {@code conf}'s S3 settings. Clears Flink's
     * filesystem cache, so calling it again with other settings takes effect.
     */
    public static void initializeFileSystems(Configuration conf) {
        // flink-s3-fs-hadoop bundles AWS SDK v1, which otherwise logs an end-of-support banner on first use.
        if (System.getProperty("aws.java.v1.disableDeprecationAnnouncement") == null) {
            System.setProperty("aws.java.v1.disableDeprecationAnnouncement", "true");
        }
        FileSystem.initialize(conf, pluginManager(conf));
    }

    /** A plugin manager over the plugins root directory, with Flink's parent-first patterns from {@code conf}. */
    public static PluginManager pluginManager(Configuration conf) {
        Path root = pluginsDir();
        Collection<PluginDescriptor> plugins;
        try {
            plugins = new DirectoryBasedPluginFinder(root).findPlugins();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read Flink plugins from " + root, e);
        }
        return new DefaultPluginManager(plugins, CoreOptions.getPluginParentFirstLoaderPatterns(conf));
    }

    /**
     * The plugins root from system property {@value #PLUGINS_DIR_PROPERTY}, checked to contain the S3 plugin;
     * fails with an explanation otherwise.
     */
    public static Path pluginsDir() {
        String value = System.getProperty(PLUGINS_DIR_PROPERTY);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + PLUGINS_DIR_PROPERTY + " is not set. It must name a"
                    + " Flink plugins directory containing " + S3_PLUGIN_DIR + "/flink-s3-fs-hadoop-<version>.jar;"
                    + " stage the jar with maven-dependency-plugin (copy to ${project.build.directory}/plugins/"
                    + S3_PLUGIN_DIR + ") and set the property in the surefire systemPropertyVariables.");
        }
        Path root = Paths.get(value).toAbsolutePath();
        Path s3Plugin = root.resolve(S3_PLUGIN_DIR);
        if (!Files.isDirectory(s3Plugin)) {
            throw new IllegalStateException("Flink plugins directory " + root + " (from " + PLUGINS_DIR_PROPERTY
                    + ") has no " + S3_PLUGIN_DIR + "/ folder; stage flink-s3-fs-hadoop there with"
                    + " maven-dependency-plugin before running tests.");
        }
        try (var files = Files.list(s3Plugin)) {
            if (files.noneMatch(f -> f.getFileName().toString().startsWith("flink-s3-fs-hadoop")
                    && f.getFileName().toString().endsWith(".jar"))) {
                throw new IllegalStateException("No flink-s3-fs-hadoop-*.jar in " + s3Plugin + " (from "
                        + PLUGINS_DIR_PROPERTY + "); stage it with maven-dependency-plugin.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + s3Plugin, e);
        }
        return root;
    }
}
