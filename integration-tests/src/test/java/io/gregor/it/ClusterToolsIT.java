package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gregor.it.ClusterTools.DescribedPartition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Kafka 4.4's own tools against a three-broker Gregor cluster: {@code kafka-topics}
 * describing leaders, replicas and ISRs through the README's failover walk-through,
 * {@code kafka-reassign-partitions} moving a partition to other brokers, and
 * {@code kafka-leader-election} moving leadership back to the preferred replica.
 */
class ClusterToolsIT {
    @RegisterExtension
    static final ProcessCluster cluster = ProcessCluster.withBrokers(3);

    @TempDir
    Path scratch;

    private ClusterTools tools;

    @BeforeEach
    void tools() {
        tools = new ClusterTools(scratch, cluster.bootstrapServers());
    }

    @Test
    void shouldShowLeaderReplicasAndIsrWithKafkaTopicsWhileTheLeaderIsKilledAndRestarted() throws Exception {
        // Given: the README's topic
        tools.topics("--create", "--topic", "orders", "--partitions", "2", "--replication-factor", "3",
            "--config", "min.insync.replicas=2").assertOk();
        cluster.awaitFullIsr("orders", Duration.ofSeconds(30));
        Map<Integer, DescribedPartition> described = tools.describeTopic("orders");
        assertThat(described).hasSize(2);
        for (DescribedPartition p : described.values()) {
            assertThat(p.replicas()).containsExactlyInAnyOrder(0, 1, 2);
            assertThat(p.isr()).containsExactlyInAnyOrder(0, 1, 2);
            assertThat(p.leader()).isEqualTo(p.replicas().get(0));
        }
        int leader = described.get(0).leader();

        // When: the leader of partition 0 is killed
        cluster.broker(leader).kill();

        // Then: another replica leads, and the ISR no longer has the dead broker
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            DescribedPartition p = tools.describeTopic("orders").get(0);
            assertThat(p.leader()).isNotIn(-1, leader);
            assertThat(p.isr()).doesNotContain(leader).hasSize(2);
        });

        // When: it is started again
        cluster.broker(leader).start();

        // Then: back in the ISR of both partitions
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (DescribedPartition p : tools.describeTopic("orders").values()) {
                assertThat(p.isr()).containsExactlyInAnyOrder(0, 1, 2);
            }
        });
    }

    @Test
    void shouldMovePartitionToOtherBrokersWithKafkaReassignPartitions() throws Exception {
        // Given: a partition on brokers 0 and 1, with records
        String topic = "moving";
        TopicPartition tp = new TopicPartition(topic, 0);
        cluster.admin().createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(0, 1))))).all().get(30, TimeUnit.SECONDS);
        cluster.awaitFullIsr(topic, Duration.ofSeconds(30));
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrapServers(), Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = 0; i < 500; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k", "moved-" + i));
            }
            producer.flush();
        }
        Path plan = scratch.resolve("reassignment.json");
        Files.writeString(plan, "{\"version\":1,\"partitions\":[{\"topic\":\"moving\",\"partition\":0,\"replicas\":[2,1]}]}");

        // When
        ClusterTools.Result execute = tools.reassignPartitions("--reassignment-json-file", plan.toString(), "--execute").assertOk();

        // Then
        assertThat(execute.stdout()).contains("Successfully started partition reassignment for moving-0");
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
            assertThat(tools.reassignPartitions("--reassignment-json-file", plan.toString(), "--verify").assertOk().stdout())
                .contains("Reassignment of partition moving-0 is completed"));
        TopicPartitionInfo moved = cluster.partition(tp);
        assertThat(moved.replicas()).extracting(Node::id).containsExactly(2, 1);
        assertThat(moved.isr()).extracting(Node::id).containsExactlyInAnyOrder(2, 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> !Files.exists(cluster.broker(0).logDir().resolve("moving-0")));
        try (KafkaConsumer<String, String> consumer = Clients.consumer(cluster.broker(2).address(), Map.of())) {
            List<ConsumerRecord<String, String>> records = Consume.readToEnd(consumer, List.of(tp), Duration.ofSeconds(30));
            assertThat(records).extracting(ConsumerRecord::value)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 500).mapToObj(i -> "moved-" + i).toList());
        }
    }

    @Test
    void shouldMoveLeadershipBackToThePreferredReplicaWithKafkaLeaderElection() throws Exception {
        // Given: broker 0 is the preferred leader, but broker 1 leads since broker 0 restarted
        String topic = "preferred";
        TopicPartition tp = new TopicPartition(topic, 0);
        cluster.admin().createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(0, 1, 2))))).all().get(30, TimeUnit.SECONDS);
        cluster.awaitFullIsr(topic, Duration.ofSeconds(30));
        assertThat(cluster.leader(tp)).isZero();
        cluster.broker(0).stop();
        cluster.broker(0).start();
        cluster.awaitFullIsr(topic, Duration.ofSeconds(30));
        assertThat(cluster.leader(tp)).as("leader after broker 0 restarted").isNotZero();

        // When
        ClusterTools.Result election = tools.leaderElection("--election-type", "PREFERRED", "--topic", topic, "--partition", "0")
            .assertOk();

        // Then
        assertThat(election.stdout()).contains("Successfully completed leader election (PREFERRED) for partitions preferred-0");
        await().atMost(Duration.ofSeconds(15)).until(() -> cluster.leader(tp) == 0);
    }
}
