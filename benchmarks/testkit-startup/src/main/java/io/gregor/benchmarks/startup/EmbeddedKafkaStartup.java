package io.gregor.benchmarks.startup;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The Apache Kafka side: spring-kafka-test's {@code EmbeddedKafkaKraftBroker} with one broker
 * (combined with its KRaft controller) and one topic, as {@code @EmbeddedKafka(topics = "bench",
 * partitions = 1)} starts it. {@code afterPropertiesSet()} returns once the broker is ready and
 * the topic created; {@code destroy()} stops it and deletes its directories.
 */
public final class EmbeddedKafkaStartup {
    private EmbeddedKafkaStartup() {
    }

    public static void main(String[] args) throws Exception {
        StartupTimer.run(() -> {
            EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1, "bench");
            broker.afterPropertiesSet();
            return broker::destroy;
        }, args);
    }
}
