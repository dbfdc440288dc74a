package dev.vigil.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.kafka.KafkaEndpoint;
import dev.vigil.testing.kafka.KafkaExtension;
import dev.vigil.testing.s3.S3Endpoint;
import dev.vigil.testing.s3.S3Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The backend contract against Redpanda and MinIO containers: skipped (not failed) where Docker is absent. */
@Timeout(300)
class ContainersBackendITCase extends BackendContract {

    @RegisterExtension
    static final KafkaExtension KAFKA = KafkaExtension.containers();

    @RegisterExtension
    static final S3Extension S3 = S3Extension.containers();

    @Override
    KafkaEndpoint kafka() {
        return KAFKA.kafka();
    }

    @Override
    S3Endpoint s3() {
        return S3.s3();
    }

    @Test
    void handsOutContainerEndpoints() {
        assertThat(KAFKA.backend()).isEqualTo(Backend.CONTAINERS);
        assertThat(KAFKA.embeddedBroker()).isEmpty();
        assertThat(S3.embeddedS3()).isEmpty();
        assertThat(KAFKA.kafka().bootstrapServers()).isNotBlank();
    }
}
