package dev.vigil.testing.kafka;

/** A reachable Kafka cluster: the in-JVM {@link EmbeddedKafkaBroker} or a Redpanda container. */
public interface KafkaEndpoint {

    /** {@code host:port[,host:port]} for {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Creates the topics with the given partition count (replication 1); topics that already exist are left alone. */
    void createTopics(int partitions, String... topics);
}
