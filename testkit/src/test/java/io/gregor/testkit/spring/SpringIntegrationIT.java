package io.gregor.testkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.testkit.GregorCluster;
import io.gregor.testkit.GregorTestCluster;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

/** {@link GregorCluster} on a Spring test: the cluster belongs to the application context. */
@SpringJUnitConfig(SpringIntegrationIT.EmptyConfig.class)
@GregorCluster(partitions = 2, topics = "spring-topic")
class SpringIntegrationIT {
    /** The JUnit extension would inject this in a plain test; in a Spring test it steps aside. */
    static GregorTestCluster notInjectedByJUnit;

    @Autowired
    GregorTestCluster cluster;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Value("${spring.embedded.kafka.brokers}")
    String embeddedKafkaBrokers;

    @Configuration
    static class EmptyConfig {
    }

    @Test
    void shouldPointTheSpringKafkaPropertiesAtTheCluster() {
        assertThat(bootstrapServers).isEqualTo(cluster.bootstrapServers()).startsWith("127.0.0.1:");
        assertThat(embeddedKafkaBrokers).isEqualTo(bootstrapServers);
    }

    @Test
    void shouldCreateTheAnnotatedTopicsBeforeTheContextIsUsed() throws Exception {
        assertThat(cluster.admin().describeTopics(List.of("spring-topic")).allTopicNames().get().get("spring-topic").partitions())
            .hasSize(2);
    }

    @Test
    void shouldLeaveTheClusterToSpringRatherThanStartASecondOne() {
        assertThat(notInjectedByJUnit).isNull();
    }
}
