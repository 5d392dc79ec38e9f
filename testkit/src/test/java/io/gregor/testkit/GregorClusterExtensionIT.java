package io.gregor.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link GregorCluster} on a test class: one cluster, injected everywhere it is asked for. */
@GregorCluster(partitions = 3, topics = {"orders", "payments"})
class GregorClusterExtensionIT {
    static GregorTestCluster staticField;
    static GregorTestCluster beforeAllParameter;
    GregorTestCluster instanceField;

    @BeforeAll
    static void rememberParameter(GregorTestCluster cluster) {
        beforeAllParameter = cluster;
    }

    @Test
    void shouldInjectOneClusterIntoFieldsAndParameters(GregorTestCluster parameter) {
        assertThat(staticField).isNotNull().isSameAs(instanceField).isSameAs(parameter).isSameAs(beforeAllParameter);
    }

    @Test
    void shouldCreateTheAnnotatedTopicsBeforeTheFirstTest() throws Exception {
        Map<String, TopicDescription> topics = instanceField.admin().describeTopics(List.of("orders", "payments")).allTopicNames().get();

        assertThat(topics.values()).extracting(t -> t.partitions().size()).containsOnly(3);
    }

    @Test
    void shouldProduceAndConsumeInAGroupWithoutRetries() throws Exception {
        try (KafkaProducer<String, String> producer = Clients.strictProducer(instanceField.bootstrapServers());
             KafkaConsumer<String, String> consumer = Clients.groupConsumer(instanceField.bootstrapServers(), "payments-group")) {
            for (int p = 0; p < 3; p++) {
                producer.send(new ProducerRecord<>("payments", p, "k" + p, "v" + p)).get();
            }
            consumer.subscribe(List.of("payments"));

            assertThat(Clients.poll(consumer, 3)).extracting(r -> r.value()).containsExactlyInAnyOrder("v0", "v1", "v2");
        }
    }

    @Test
    void shouldGiveAutoCreatedTopicsTheAnnotatedPartitionCount() throws Exception {
        try (KafkaProducer<String, String> producer = Clients.strictProducer(instanceField.bootstrapServers())) {
            producer.partitionsFor("auto-created");
        }

        TopicDescription topic = instanceField.admin().describeTopics(List.of("auto-created")).allTopicNames().get().get("auto-created");
        assertThat(topic.partitions()).hasSize(3);
    }

    @Nested
    class WithoutAnAnnotation {
        @Test
        void shouldShareTheEnclosingClassCluster(GregorTestCluster parameter) {
            assertThat(parameter).isSameAs(staticField);
        }
    }

    @Nested
    @GregorCluster(brokers = 2)
    class WithItsOwnAnnotation {
        GregorTestCluster own;

        @Test
        void shouldHaveAClusterOfItsOwn() {
            assertThat(own).isNotSameAs(staticField);
            assertThat(own.brokerIds()).containsExactlyInAnyOrder(0, 1);
        }
    }
}
