package dev.vigil.testing.kafka;

import dev.vigil.testing.Backend;
import dev.vigil.testing.BackendExtension;
import java.nio.file.Path;
import java.util.Optional;
import org.testcontainers.redpanda.RedpandaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * JUnit 5 extension handing a test class one Kafka cluster for all its tests:
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaExtension KAFKA = KafkaExtension.fromSystemProperty();
 * ... KAFKA.kafka().bootstrapServers() ...
 * }</pre>
 *
 * <p>Embedded mode runs an {@link EmbeddedKafkaBroker} on free ports with a temporary log directory (deleted
 * afterwards). Containers mode runs a Redpanda container; without Docker the whole class is disabled, which
 * JUnit and Surefire report as skipped.
 */
public final class KafkaExtension extends BackendExtension<KafkaEndpoint> {

    public static final String REDPANDA_IMAGE = "docker.redpanda.com/redpandadata/redpanda:v24.2.4";

    private KafkaExtension(Backend backend) {
        super(backend, "Kafka", "a Redpanda container");
    }

    /** An in-JVM KRaft broker. */
    public static KafkaExtension embedded() {
        return new KafkaExtension(Backend.EMBEDDED);
    }

    /** A Testcontainers Redpanda broker ({@value #REDPANDA_IMAGE}); skipped where Docker is absent. */
    public static KafkaExtension containers() {
        return new KafkaExtension(Backend.CONTAINERS);
    }

    /** Containers when system property {@code vigil.test.backend=containers}, embedded otherwise. */
    public static KafkaExtension fromSystemProperty() {
        return new KafkaExtension(Backend.fromSystemProperty());
    }

    /** The running cluster; only valid between beforeAll and afterAll. */
    public KafkaEndpoint kafka() {
        return running();
    }

    /** The embedded broker (for stop/restart outage tests); empty in containers mode. */
    public Optional<EmbeddedKafkaBroker> embeddedBroker() {
        return ifRunning().filter(EmbeddedKafkaBroker.class::isInstance).map(EmbeddedKafkaBroker.class::cast);
    }

    @Override
    protected KafkaEndpoint startEmbedded(Path tempDir) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePorts(tempDir);
        stopAfterAll(broker::close);
        return broker;
    }

    @Override
    protected KafkaEndpoint startContainer() {
        RedpandaContainer redpanda = new RedpandaContainer(DockerImageName.parse(REDPANDA_IMAGE));
        redpanda.start();
        stopAfterAll(redpanda::stop);
        String bootstrap = redpanda.getBootstrapServers();
        return new KafkaEndpoint() {
            @Override
            public String bootstrapServers() {
                return bootstrap;
            }

            @Override
            public void createTopics(int partitions, String... topics) {
                KafkaTopics.create(bootstrap, partitions, topics);
            }

            @Override
            public String toString() {
                return "Redpanda[" + bootstrap + "]";
            }
        };
    }
}
