package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A consumer group whose coordinator dies: the broker leading the group's partition of
 * {@code __consumer_offsets} (replication factor 3) is killed with SIGKILL while a member consumes
 * and commits. The member must find the new coordinator, read back the offsets it committed, and
 * consume the rest of the topic, every record exactly once.
 */
class ConsumerGroupFailoverIT {
    private static final String TOPIC = "orders";
    private static final String GROUP = "billing";
    private static final int PARTITIONS = 3;
    private static final int OFFSETS_PARTITIONS = 3;

    @RegisterExtension
    final ProcessCluster cluster = ProcessCluster.withBrokers(3)
        .config("offsets.topic.replication.factor", "3")
        .config("offsets.topic.num.partitions", Integer.toString(OFFSETS_PARTITIONS));

    @Test
    void shouldKeepConsumingWithCommittedOffsetsIntactWhenTheGroupCoordinatorIsKilled() throws Exception {
        // Given
        cluster.createTopic(TOPIC, PARTITIONS, 3, Map.of("min.insync.replicas", "2"));
        Set<String> produced = new HashSet<>();
        List<String> consumed = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> committedAtKill;
        int coordinator;
        int newCoordinator;
        long failoverMs;
        int consumedAtKill;
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrapServers(), Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
             KafkaConsumer<String, String> consumer = Clients.consumer(cluster.bootstrapServers(), Map.of(
                 ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                 ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100,
                 ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            produce(producer, 0, 3_000, produced);
            consumer.subscribe(List.of(TOPIC));
            // Until some records of every partition are consumed and committed
            consumeAndCommit(consumer, consumed, 1_000);
            while (consumer.assignment().stream().anyMatch(tp -> consumer.position(tp) == 0)) {
                consumeAndCommit(consumer, consumed, consumed.size() + 1);
            }
            cluster.awaitFullIsr("__consumer_offsets", Duration.ofSeconds(30));
            coordinator = coordinatorId();
            int offsetsPartition = Utils.abs(GROUP.hashCode()) % OFFSETS_PARTITIONS;
            assertThat(cluster.leader(new TopicPartition("__consumer_offsets", offsetsPartition)))
                .as("coordinator = leader of __consumer_offsets-%d", offsetsPartition).isEqualTo(coordinator);
            committedAtKill = consumer.committed(consumer.assignment());
            consumedAtKill = consumed.size();

            // When: the coordinator dies right after a commit, and more records arrive
            long killedAt = System.nanoTime();
            cluster.broker(coordinator).kill();
            Map<TopicPartition, OffsetAndMetadata> committedAfter = consumer.committed(consumer.assignment());
            failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            produce(producer, 3_000, 4_500, produced);
            consumeAndCommit(consumer, consumed, 4_500);
            newCoordinator = coordinatorId();

            // Then
            assertThat(committedAfter).as("offsets read from the new coordinator").isEqualTo(committedAtKill);
        }
        assertThat(newCoordinator).isNotEqualTo(coordinator);
        assertThat(consumed).as("no record consumed twice").doesNotHaveDuplicates();
        assertThat(new HashSet<>(consumed)).isEqualTo(produced);
        Map<TopicPartition, OffsetAndMetadata> committed = cluster.admin().listConsumerGroupOffsets(GROUP)
            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> expected = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            expected.put(new TopicPartition(TOPIC, p), 1_500L);
        }
        assertThat(committed).hasSize(PARTITIONS);
        committed.forEach((tp, o) -> assertThat(o.offset()).as("committed offset of %s", tp).isEqualTo(expected.get(tp)));
        System.out.printf("%nConsumerGroupFailoverIT: coordinator %d killed after %d records committed (%s); broker %d answered"
                + " with the same offsets %d ms later; %d records consumed in all, each once%n", coordinator, consumedAtKill,
            committedAtKill.values().stream().map(OffsetAndMetadata::offset).toList(), newCoordinator, failoverMs, consumed.size());
    }

    private static void produce(KafkaProducer<String, String> producer, int from, int to, Set<String> produced) {
        for (int i = from; i < to; i++) {
            String value = "order-" + i;
            producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null, value));
            produced.add(value);
        }
        producer.flush();
    }

    /** Polls and commits synchronously after each poll until {@code target} records are consumed in all. */
    private static void consumeAndCommit(KafkaConsumer<String, String> consumer, List<String> consumed, int target) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (consumed.size() < target && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                consumed.add(r.value());
            }
            consumer.commitSync();
        }
        assertThat(consumed.size()).as("records consumed within 60 s").isGreaterThanOrEqualTo(target);
    }

    private int coordinatorId() throws Exception {
        ConsumerGroupDescription group = cluster.admin().describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP)
            .get(30, TimeUnit.SECONDS);
        return group.coordinator().id();
    }
}
