package dev.vigil.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.kafka.KafkaEndpoint;
import dev.vigil.testing.kafka.KafkaExtension;
import dev.vigil.testing.s3.S3Endpoint;
import dev.vigil.testing.s3.S3Extension;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The backend contract through the extensions as other modules use them: embedded servers by default,
 * containers with {@code -Pcontainers} ({@code vigil.test.backend=containers}).
 */
@Timeout(300)
class ExtensionsBackendITCase extends BackendContract {

    @RegisterExtension
    static final KafkaExtension KAFKA = KafkaExtension.fromSystemProperty();

    @RegisterExtension
    static final S3Extension S3 = S3Extension.fromSystemProperty();

    @Override
    KafkaEndpoint kafka() {
        return KAFKA.kafka();
    }

    @Override
    S3Endpoint s3() {
        return S3.s3();
    }

    @Test
    void backendFollowsSystemProperty() {
        assertThat(KAFKA.backend()).isEqualTo(Backend.fromSystemProperty());
        assertThat(S3.backend()).isEqualTo(Backend.fromSystemProperty());
        if (KAFKA.backend() == Backend.EMBEDDED) {
            assertThat(KAFKA.embeddedBroker()).get().extracting(b -> b.bootstrapServers())
                    .isEqualTo(KAFKA.kafka().bootstrapServers());
            assertThat(S3.embeddedS3()).get().extracting(s -> s.endpoint()).isEqualTo(S3.s3().endpoint());
        }
    }

    /** Nested classes share the outer class's servers instead of starting their own. */
    @Nested
    class NestedTests {
        @Test
        void seesTheSameServers() {
            assertThat(KAFKA.kafka().bootstrapServers()).isNotBlank();
            S3.s3().client().put("nested/marker", "x");
            assertThat(S3.s3().client().exists("nested/marker")).isTrue();
        }
    }
}
