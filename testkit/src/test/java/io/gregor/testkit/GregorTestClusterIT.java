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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The programmatic API: {@link GregorTestCluster#builder()}, without the JUnit extension. */
class GregorTestClusterIT {
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
            assertThat(config.intValue(BrokerConfig.ZOOKEEPER_SESSION_TIMEOUT_MS)).isEqualTo(4000);
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
        Set<Thread> before = LeftoverThreads.live();
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
        assertThat(LeftoverThreads.leftSince(before)).isEmpty();
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
    void shouldReplicateTopicsOnEveryBrokerUpToThree() throws Exception {
        try (GregorTestCluster two = GregorTestCluster.builder().baseDir(baseDir).brokers(2).topics("two").start()) {
            assertThat(partition(two, "two", 0).replicas()).hasSize(2);
            assertThat(two.broker(0).config().intValue(BrokerConfig.OFFSETS_TOPIC_REPLICATION_FACTOR)).isEqualTo(2);
            assertThat(two.broker(0).config().intValue(BrokerConfig.DEFAULT_REPLICATION_FACTOR)).isEqualTo(2);
            assertThatThrownBy(() -> two.createTopic(new NewTopic("three", 1, (short) 3)))
                .isInstanceOf(InvalidReplicationFactorException.class);
        }
        try (GregorTestCluster four = GregorTestCluster.builder().baseDir(baseDir).brokers(4).topics("three").start()) {
            assertThat(partition(four, "three", 0).replicas()).hasSize(3);
            assertThat(four.broker(0).config().intValue(BrokerConfig.OFFSETS_TOPIC_REPLICATION_FACTOR)).isEqualTo(3);
            assertThat(four.broker(0).config().intValue(BrokerConfig.TRANSACTION_STATE_LOG_MIN_ISR)).isEqualTo(1);

            four.createTopic(new NewTopic("four", 1, (short) 4));

            assertThat(partition(four, "four", 0).replicas()).hasSize(4);
        }
    }

    /**
     * The failover a test kit user would write: acks=all writes with min.insync.replicas=2 keep
     * succeeding when the leader stops, from a producer that was connected to it, and nothing
     * acknowledged is lost. Stopping a second broker leaves one in-sync replica, fewer than
     * min.insync.replicas, so writes are refused: the topic config is in force.
     */
    @Test
    void shouldKeepAcceptingAcksAllWritesWhenTheLeaderOfAReplicatedTopicStops() throws Exception {
        try (GregorTestCluster cluster = GregorTestCluster.builder().baseDir(baseDir).brokers(3).start()) {
            cluster.createTopic(new NewTopic("replicated", 1, (short) 3).configs(Map.of("min.insync.replicas", "2")));
            String bootstrap = cluster.bootstrapServers();
            try (KafkaProducer<String, String> producer = Clients.producer(bootstrap)) {
                assertThat(producer.send(new ProducerRecord<>("replicated", "k", "before")).get().offset()).isZero();
                int leader = partition(cluster, "replicated", 0).leader().id();

                cluster.stopBroker(leader);

                TopicPartitionInfo failedOver = partition(cluster, "replicated", 0);
                assertThat(failedOver.leader().id()).isNotEqualTo(leader);
                assertThat(failedOver.isr()).extracting(Node::id).hasSize(2).doesNotContain(leader);
                assertThat(producer.send(new ProducerRecord<>("replicated", "k", "after failover")).get().offset()).isEqualTo(1);

                cluster.startBroker(leader);

                assertThat(partition(cluster, "replicated", 0).isr()).extracting(Node::id).contains(leader).hasSize(3);
                int secondLeader = partition(cluster, "replicated", 0).leader().id();
                cluster.stopBroker(secondLeader);
                cluster.stopBroker(cluster.brokerIds().stream().filter(id -> id != secondLeader && id != leader).findFirst().orElseThrow());
                try (KafkaProducer<String, String> strict = Clients.strictProducer(bootstrap)) {
                    assertThatThrownBy(() -> strict.send(new ProducerRecord<>("replicated", "k", "one replica left")).get())
                        .hasCauseInstanceOf(NotEnoughReplicasException.class);
                }
            }
            try (KafkaConsumer<String, String> consumer = Clients.groupConsumer(bootstrap, "reader")) {
                consumer.subscribe(List.of("replicated"));
                assertThat(Clients.poll(consumer, 2)).extracting(ConsumerRecord::value).containsExactly("before", "after failover");
            }
        }
    }

    private static TopicPartitionInfo partition(GregorTestCluster cluster, String topic, int partition) throws Exception {
        Map<String, TopicDescription> topics = cluster.admin().describeTopics(List.of(topic)).allTopicNames().get();
        return topics.get(topic).partitions().get(partition);
    }

    private static int leaderOf(GregorTestCluster cluster, String topic, int partition) throws Exception {
        return partition(cluster, topic, partition).leader().id();
    }
}
