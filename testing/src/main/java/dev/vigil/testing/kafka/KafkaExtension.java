package dev.vigil.testing.kafka;

import dev.vigil.testing.Backend;
import dev.vigil.testing.internal.TempDirs;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
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
public final class KafkaExtension implements BeforeAllCallback, AfterAllCallback, ExecutionCondition {

    public static final String REDPANDA_IMAGE = "docker.redpanda.com/redpandadata/redpanda:v24.2.4";

    private final Backend backend;
    private String ownerId;
    private KafkaEndpoint endpoint;
    private EmbeddedKafkaBroker broker;
    private Path tempDir;
    private RedpandaContainer container;

    private KafkaExtension(Backend backend) {
        this.backend = backend;
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

    public Backend backend() {
        return backend;
    }

    /** The running cluster; only valid between beforeAll and afterAll. */
    public synchronized KafkaEndpoint kafka() {
        if (endpoint == null) {
            throw new IllegalStateException("Kafka is not running: use the extension via @RegisterExtension on a"
                    + " static field and call kafka() from tests or @BeforeAll methods");
        }
        return endpoint;
    }

    /** The embedded broker (for stop/restart outage tests); empty in containers mode. */
    public synchronized Optional<EmbeddedKafkaBroker> embeddedBroker() {
        return Optional.ofNullable(broker);
    }

    /**
     * Containers mode without Docker disables the test class (reported as skipped) before anything starts;
     * {@link #beforeAll} still aborts via an assumption should the condition not be consulted.
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (backend == Backend.CONTAINERS && !Backend.isDockerAvailable()) {
            return ConditionEvaluationResult.disabled(Backend.dockerUnavailableReason("a Redpanda container"));
        }
        return ConditionEvaluationResult.enabled(backend + " backend");
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (endpoint != null) {
            return; // already started by an enclosing class (@Nested)
        }
        if (backend == Backend.CONTAINERS) {
            Backend.assumeDockerAvailable("a Redpanda container");
            RedpandaContainer redpanda = new RedpandaContainer(DockerImageName.parse(REDPANDA_IMAGE));
            redpanda.start();
            container = redpanda;
            String bootstrap = redpanda.getBootstrapServers();
            endpoint = new KafkaEndpoint() {
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
        } else {
            tempDir = TempDirs.create("vigil-kafka-");
            broker = EmbeddedKafkaBroker.startOnFreePorts(tempDir);
            endpoint = broker;
        }
        ownerId = context.getUniqueId();
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (ownerId != null && !ownerId.equals(context.getUniqueId())) {
            return; // a @Nested class finishing; the owner stops it
        }
        try {
            if (broker != null) {
                broker.close();
            }
            if (container != null) {
                container.stop();
            }
        } finally {
            TempDirs.deleteRecursively(tempDir);
            broker = null;
            container = null;
            tempDir = null;
            endpoint = null;
            ownerId = null;
        }
    }
}
