package dev.vigil.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.kafka.KafkaExtension;
import dev.vigil.testing.s3.S3Extension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BackendTest {

    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(Backend.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(Backend.PROPERTY);
        } else {
            System.setProperty(Backend.PROPERTY, saved);
        }
    }

    @Test
    void embeddedUnlessContainersRequested() {
        System.clearProperty(Backend.PROPERTY);
        assertThat(Backend.fromSystemProperty()).isEqualTo(Backend.EMBEDDED);
        assertThat(KafkaExtension.fromSystemProperty().backend()).isEqualTo(Backend.EMBEDDED);
        assertThat(S3Extension.fromSystemProperty().backend()).isEqualTo(Backend.EMBEDDED);

        System.setProperty(Backend.PROPERTY, "embedded");
        assertThat(Backend.fromSystemProperty()).isEqualTo(Backend.EMBEDDED);
        System.setProperty(Backend.PROPERTY, "something-else");
        assertThat(Backend.fromSystemProperty()).isEqualTo(Backend.EMBEDDED);

        System.setProperty(Backend.PROPERTY, " Containers ");
        assertThat(Backend.fromSystemProperty()).isEqualTo(Backend.CONTAINERS);
        assertThat(KafkaExtension.fromSystemProperty().backend()).isEqualTo(Backend.CONTAINERS);
        assertThat(S3Extension.fromSystemProperty().backend()).isEqualTo(Backend.CONTAINERS);
    }

    @Test
    void factoriesPickTheirBackend() {
        assertThat(KafkaExtension.embedded().backend()).isEqualTo(Backend.EMBEDDED);
        assertThat(KafkaExtension.containers().backend()).isEqualTo(Backend.CONTAINERS);
        assertThat(S3Extension.embedded().backend()).isEqualTo(Backend.EMBEDDED);
        assertThat(S3Extension.containers().backend()).isEqualTo(Backend.CONTAINERS);
    }

    @Test
    void endpointAccessBeforeStartFailsClearly() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KafkaExtension.embedded().kafka())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@RegisterExtension");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> S3Extension.embedded().s3())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@RegisterExtension");
    }
}
