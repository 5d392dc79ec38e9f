package io.gregor.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.server.BrokerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The programmatic API: {@link GregorTestCluster#builder()}, without the JUnit extension. */
class GregorTestClusterTest {
    @TempDir
    Path baseDir;

    @Test
    void shouldServeEveryPartitionAsSoonAsCreateTopicReturns() throws Exception {
        try (GregorTestCluster cluster = GregorTestCluster.builder().baseDir(baseDir).start();
             KafkaProducer<String, String> producer = Clients.strictProducer(cluster.bootstrapServers())) {
            cluster.createTopic("fresh", 3);

            for (int p = 0; p < 3; p++) {
                assertThat(producer.send(new ProducerRecord<>("fresh", p, "k", "v")).get().offset()).isZero();
            }
        }
    }

    @Test
    void shouldStartWithDevDefaultsWhenNotOverridden() {
        try (GregorTestCluster cluster = GregorTestCluster.builder().baseDir(baseDir).partitions(4)
            .brokerProperty("offsets.topic.num.partitions", "2").start()) {
            BrokerConfig config = cluster.broker(0).config();

            assertThat(config.intValue(BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS)).isZero();
            assertThat(config.intValue(BrokerConfig.OFFSETS_TOPIC_REPLICATION_FACTOR)).isEqualTo(1);
            assertThat(config.intValue(BrokerConfig.TRANSACTION_STATE_LOG_REPLICATION_FACTOR)).isEqualTo(1);
            assertThat(config.intValue(BrokerConfig.TRANSACTION_STATE_LOG_MIN_ISR)).isEqualTo(1);
            assertThat(config.intValue(BrokerConfig.NUM_PARTITIONS)).isEqualTo(4);
            assertThat(config.intValue(BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS)).isEqualTo(2);
        }
    }

    @Test
    void shouldRejectBrokerPropertiesThatTheTestkitOwns() {
        assertThatThrownBy(() -> GregorTestCluster.builder().baseDir(baseDir).brokerProperty("listeners", "PLAINTEXT://:9092").start())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("listeners");
        assertThat(baseDir).isEmptyDirectory();
    }

    @Test
    void shouldReportAnExistingTopic() {
        try (GregorTestCluster cluster = GregorTestCluster.builder().baseDir(baseDir).topics("taken").start()) {
            assertThatThrownBy(() -> cluster.createTopic("taken")).isInstanceOf(TopicExistsException.class);
        }
    }

    @Test
    void shouldDeleteItsDirectoryAndEndItsThreadsWhenClosed() throws Exception {
        Set<Thread> before = Threads.live();
        GregorTestCluster cluster = GregorTestCluster.builder().baseDir(baseDir).brokers(2).topics("used").start();
        try (KafkaProducer<String, String> producer = Clients.strictProducer(cluster.bootstrapServers());
             KafkaConsumer<String, String> consumer = Clients.groupConsumer(cluster.bootstrapServers(), "g")) {
            producer.send(new ProducerRecord<>("used", "k", "v")).get();
            consumer.subscribe(List.of("used"));
            assertThat(Clients.poll(consumer, 1)).hasSize(1);
            consumer.commitSync();
        }
        try (Stream<Path> files = Files.list(baseDir)) {
            assertThat(files).hasSize(1);
        }

        cluster.close();
        cluster.close();

        assertThat(baseDir).isEmptyDirectory();
        assertThat(Threads.leftSince(before)).isEmpty();
        assertThatThrownBy(cluster::admin).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void shouldServeAgainOnTheSamePortWhenAStoppedBrokerIsStarted() throws Exception {
        try (GregorTestCluster cluster = GregorTestCluster.builder().baseDir(baseDir).brokers(3).start()) {
            String bootstrap = cluster.bootstrapServers();
            cluster.createTopic("spread", 6);
            int stopped = leaderOf(cluster, "spread", 0);

            cluster.stopBroker(stopped);

            assertThat(cluster.isRunning(stopped)).isFalse();
            assertThat(cluster.bootstrapServers()).isEqualTo(bootstrap);
            try (KafkaProducer<String, String> producer = Clients.strictProducer(bootstrap)) {
                for (int p = 0; p < 6; p++) {
                    if (leaderOf(cluster, "spread", p) != stopped) {
                        producer.send(new ProducerRecord<>("spread", p, "k", "while " + stopped + " is down")).get();
                    }
                }
            }

            cluster.startBroker(stopped);

            assertThat(cluster.isRunning(stopped)).isTrue();
            assertThat(cluster.bootstrapServers()).isEqualTo(bootstrap);
            try (KafkaProducer<String, String> producer = Clients.strictProducer(bootstrap)) {
                for (int p = 0; p < 6; p++) {
                    producer.send(new ProducerRecord<>("spread", p, "k", "after restart")).get();
                }
            }
        }
    }

    @Test
    void shouldCapReplicationAtOneReplicaWhileBrokersDoNotReplicate() throws Exception {
        try (GregorTestCluster cluster = GregorTestCluster.builder().baseDir(baseDir).brokers(2).topics("single").start()) {
            TopicDescription topic = cluster.admin().describeTopics(List.of("single")).allTopicNames().get().get("single");

            assertThat(topic.partitions()).extracting(p -> p.replicas().size()).containsOnly(1);
        }
    }

    private static int leaderOf(GregorTestCluster cluster, String topic, int partition) throws Exception {
        Map<String, TopicDescription> topics = cluster.admin().describeTopics(List.of(topic)).allTopicNames().get();
        TopicPartitionInfo info = topics.get(topic).partitions().get(partition);
        return info.replicas().get(0).id();
    }
}
