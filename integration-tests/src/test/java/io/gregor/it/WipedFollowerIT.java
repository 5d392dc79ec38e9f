package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gregor.it.ContinuousProducer.Ack;
import io.gregor.it.ReplicaLogs.StoredRecord;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A follower whose log dir is wiped while it is down, in a cluster of three brokers as separate
 * processes: it starts empty (the other replicas are in sync, so nothing was on it alone),
 * copies every partition from the leaders, rejoins the ISRs, and ends with the same records as
 * the others; a consumer reads every acknowledged record.
 */
class WipedFollowerIT {
    private static final String TOPIC = "wiped";
    private static final int PARTITIONS = 3;

    @RegisterExtension
    final ProcessCluster cluster = ProcessCluster.withBrokers(3);

    @Test
    void shouldCatchUpAWipedFollowerFromTheLeadersWithoutLosingAnAcknowledgedRecord() throws Exception {
        // Given: acks=all writes to three partitions on all three brokers
        cluster.createTopic(TOPIC, PARTITIONS, 3, Map.of("min.insync.replicas", "2"));
        ContinuousProducer stream;
        ClusterBroker victim;
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrapServers(), Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, 5,
            ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200,
            ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 90_000))) {
            stream = new ContinuousProducer(producer, TOPIC, PARTITIONS, 1_000);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> stream.ackedCount() >= 2_000);
                int controller = cluster.controllerId();
                victim = cluster.broker(controller == 2 ? 1 : 2);

                // When: it dies, leaves every ISR, misses writes, loses its log dir and starts again
                victim.kill();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> outOfEveryIsr(victim.id()));
                int ackedWhileDown = stream.ackedCount();
                await().atMost(Duration.ofSeconds(30)).until(() -> stream.ackedCount() >= ackedWhileDown + 1_000);
                TempDirs.deleteRecursively(victim.logDir());
                assertThat(victim.logDir()).doesNotExist();
                victim.start();
                cluster.awaitFullIsr(TOPIC, Duration.ofSeconds(60));
                int ackedAfterRestart = stream.ackedCount();
                await().atMost(Duration.ofSeconds(30)).until(() -> stream.ackedCount() >= ackedAfterRestart + 1_000);
            } finally {
                stream.close();
            }
        }

        // Then: the restarted broker started empty, without a refusal, and claimed its new dir
        assertThat(victim.output()).doesNotContain("refuses to start").contains("Created log for " + TOPIC + "-0");
        assertThat(Files.readString(victim.logDir().resolve("meta.properties"))).contains("broker.id=" + victim.id());

        // Then: every acknowledged record is read where it was acknowledged
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(TOPIC, p));
        }
        List<ConsumerRecord<String, String>> records;
        try (KafkaConsumer<String, String> consumer = Clients.consumer(cluster.bootstrapServers(), Map.of())) {
            records = Consume.readToEnd(consumer, partitions, Duration.ofSeconds(60));
        }
        Map<Integer, Map<Long, String>> read = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            read.computeIfAbsent(r.partition(), p -> new HashMap<>()).put(r.offset(), r.value());
        }
        int acked = 0;
        List<String> missing = new ArrayList<>();
        Map<Integer, Long> endOffsets = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            Map<Long, String> byOffset = read.getOrDefault(p, Map.of());
            for (Ack a : stream.acked(p)) {
                acked++;
                if (!Long.toString(a.sequence()).equals(byOffset.get(a.offset()))) {
                    missing.add(p + "@" + a.offset());
                }
            }
            endOffsets.put(p, (long) byOffset.size());
        }
        assertThat(stream.failures()).as("failed sends").isEmpty();
        assertThat(missing).as("acknowledged records not read where acknowledged").isEmpty();
        assertThat(records).hasSize(acked);

        // Then: the wiped broker holds every record, as the others do
        awaitCheckpointedHighWatermarks(partitions, endOffsets);
        cluster.stopAll();
        ClusterBroker reference = cluster.broker(victim.id() == 0 ? 1 : 0);
        for (TopicPartition tp : partitions) {
            List<StoredRecord> expected = ReplicaLogs.read(reference.logDir(), tp, Long.MAX_VALUE);
            assertThat(expected).as("records of %s on broker %d", tp, reference.id()).hasSize(endOffsets.get(tp.partition()).intValue());
            assertThat(ReplicaLogs.read(victim.logDir(), tp, Long.MAX_VALUE)).as("records of %s on the wiped broker", tp)
                .isEqualTo(expected);
        }
        System.out.printf("%nWipedFollowerIT: %d records acknowledged and read; broker %d wiped and caught up%n", acked, victim.id());
    }

    /** Whether ZooKeeper shows {@code brokerId} in no ISR of the topic, so that nothing is on it alone. */
    private boolean outOfEveryIsr(int brokerId) throws Exception {
        for (int p = 0; p < PARTITIONS; p++) {
            if (cluster.zookeeperView().partitionState(TOPIC, p).isr().contains(brokerId)) {
                return false;
            }
        }
        return true;
    }

    /** Waits until every broker checkpointed a high watermark at the end of each partition, so that the stopped logs are complete. */
    private void awaitCheckpointedHighWatermarks(List<TopicPartition> partitions, Map<Integer, Long> endOffsets) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            for (ClusterBroker b : cluster.brokers()) {
                for (TopicPartition tp : partitions) {
                    assertThat(ReplicaLogs.checkpointedHighWatermark(b.logDir(), tp))
                        .as("high watermark of %s checkpointed by broker %d", tp, b.id()).hasValue(endOffsets.get(tp.partition()));
                }
            }
        });
    }
}
