package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code min.insync.replicas=2} with one live replica: acks=all writes are refused with
 * NOT_ENOUGH_REPLICAS and nothing is appended, so nothing is acknowledged that the next leader
 * might not have.
 */
class MinInsyncReplicasIT {
    private static final String TOPIC = "min-isr";

    @RegisterExtension
    final ProcessCluster cluster = ProcessCluster.withBrokers(3);

    @Test
    void shouldRejectAcksAllWithNotEnoughReplicasWhenOnlyTheLeaderIsAlive() throws Exception {
        // Given: 100 records on all three replicas, then both followers killed
        cluster.createTopic(TOPIC, 1, 3, Map.of("min.insync.replicas", "2"));
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        ZkView zk = cluster.zookeeperView();
        int leader = zk.partitionState(TOPIC, 0).leader();
        // No retries: the first answer is the one the callback sees.
        Map<String, Object> noRetries = Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
            ProducerConfig.RETRIES_CONFIG, 0);
        List<Exception> errors = new CopyOnWriteArrayList<>();
        List<RecordMetadata> acknowledged = new CopyOnWriteArrayList<>();
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrapServers(), noRetries)) {
            for (Future<RecordMetadata> f : send(producer, "before-", 100, acknowledged, errors)) {
                f.get(15, TimeUnit.SECONDS);
            }
            assertThat(acknowledged).hasSize(100);
            acknowledged.clear();
            for (ClusterBroker b : cluster.brokers()) {
                if (b.id() != leader) {
                    b.kill();
                }
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> zk.partitionState(TOPIC, 0).isr().equals(List.of(leader)));
            assertThat(zk.partitionState(TOPIC, 0).leader()).isEqualTo(leader);
            // The ISR in ZooKeeper can run ahead of the leader's (the controller writes it when the
            // followers' sessions end); the leader checks min.insync.replicas against the ISR it has
            // applied, so wait until the leader (the only broker left to answer) reports it too.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> leaderReportedIsr(tp).equals(List.of(leader)));

            // When
            List<Future<RecordMetadata>> rejected = send(producer, "rejected-", 50, acknowledged, errors);
            producer.flush();

            // Then
            assertThat(rejected).allMatch(Future::isDone);
            assertThat(acknowledged).as("acknowledged with one in-sync replica").isEmpty();
            assertThat(errors).hasSize(50).allMatch(e -> e instanceof NotEnoughReplicasException,
                "is a NotEnoughReplicasException");
            assertThat(latestOffset(tp)).as("log end offset on the leader: nothing appended").isEqualTo(100);
        }

        // And when the followers return, acks=all works again and the rejected records are nowhere
        for (ClusterBroker b : cluster.brokers()) {
            if (!b.isRunning()) {
                b.launch();
            }
        }
        for (ClusterBroker b : cluster.brokers()) {
            if (b.id() != leader) {
                b.awaitReady();
            }
        }
        cluster.awaitFullIsr(TOPIC, Duration.ofSeconds(30));
        errors.clear();
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrapServers(), noRetries)) {
            for (Future<RecordMetadata> f : send(producer, "after-", 10, acknowledged, errors)) {
                f.get(15, TimeUnit.SECONDS);
            }
        }
        assertThat(acknowledged).extracting(RecordMetadata::offset).containsExactlyElementsOf(
            java.util.stream.LongStream.range(100, 110).boxed().toList());
        try (KafkaConsumer<String, String> consumer = Clients.consumer(cluster.bootstrapServers(), Map.of())) {
            List<ConsumerRecord<String, String>> records = Consume.readToEnd(consumer, List.of(tp), Duration.ofSeconds(30));
            assertThat(records).hasSize(110);
            assertThat(records).extracting(ConsumerRecord::value).noneMatch(v -> v.startsWith("rejected-"));
        }
    }

    private static List<Future<RecordMetadata>> send(KafkaProducer<String, String> producer, String prefix, int count,
                                                     List<RecordMetadata> acknowledged, List<Exception> errors) {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(producer.send(new ProducerRecord<>(TOPIC, 0, "k", prefix + i), (metadata, error) -> {
                if (error == null) {
                    acknowledged.add(metadata);
                } else {
                    errors.add(error);
                }
            }));
        }
        return futures;
    }

    private List<Integer> leaderReportedIsr(TopicPartition tp) throws Exception {
        TopicDescription description = cluster.admin().describeTopics(List.of(tp.topic())).allTopicNames()
            .get(15, TimeUnit.SECONDS).get(tp.topic());
        return description.partitions().get(tp.partition()).isr().stream().map(Node::id).toList();
    }

    private long latestOffset(TopicPartition tp) throws Exception {
        return cluster.admin().listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(15, TimeUnit.SECONDS).offset();
    }
}
