package dev.vigil.testing.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlinkS3Test {

    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(FlinkS3.PLUGINS_DIR_PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(FlinkS3.PLUGINS_DIR_PROPERTY);
        } else {
            System.setProperty(FlinkS3.PLUGINS_DIR_PROPERTY, saved);
        }
    }

    @Test
    void settingsForPlainHttpEndpoint() {
        Configuration conf = FlinkS3.s3Settings(URI.create("http://127.0.0.1:9000"), "key", "secret");
        Map<String, String> map = conf.toMap();
        assertThat(map)
                .containsEntry("s3.endpoint", "http://127.0.0.1:9000")
                .containsEntry("s3.path.style.access", "true")
                .containsEntry("s3.access-key", "key")
                .containsEntry("s3.secret-key", "secret")
                .containsEntry("s3.connection.ssl.enabled", "false");
    }

    @Test
    void settingsForHttpsEndpointKeepSsl() {
        Configuration conf = FlinkS3.s3Settings(URI.create("https://s3.example.com"), "key", "secret");
        assertThat(conf.toMap()).containsEntry("s3.connection.ssl.enabled", "true");
    }

    @Test
    void stagedPluginIsFound() {
        // surefire sets the property to target/plugins, where maven-dependency-plugin staged the jar
        assertThat(saved).as("surefire must set " + FlinkS3.PLUGINS_DIR_PROPERTY).isNotNull();
        assertThat(FlinkS3.pluginsDir().resolve(FlinkS3.S3_PLUGIN_DIR)).isDirectory();
    }

    @Test
    void missingPropertyFailsClearly() {
        System.clearProperty(FlinkS3.PLUGINS_DIR_PROPERTY);
        assertThatThrownBy(() -> FlinkS3.initializeFileSystems(new Configuration()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(FlinkS3.PLUGINS_DIR_PROPERTY)
                .hasMessageContaining("s3-fs-hadoop");
    }

    @Test
    void missingFolderFailsClearly(@TempDir Path empty) throws Exception {
        System.setProperty(FlinkS3.PLUGINS_DIR_PROPERTY, empty.toString());
        assertThatThrownBy(FlinkS3::pluginsDir)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(empty.toAbsolutePath().toString())
                .hasMessageContaining("s3-fs-hadoop");

        Files.createDirectories(empty.resolve("s3-fs-hadoop"));
        assertThatThrownBy(FlinkS3::pluginsDir)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No flink-s3-fs-hadoop");
    }
}
