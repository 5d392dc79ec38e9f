package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gregor.it.ContinuousProducer.Ack;
import io.gregor.it.ReplicaLogs.StoredRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Leader failover under a continuous acks=all stream: ZooKeeper and three brokers as separate
 * processes; the leader of a partition is killed with SIGKILL and restarted, round after round,
 * one round killing the controller; no acknowledged record may be lost, duplicated or reordered,
 * and afterwards every replica holds the same log up to the high watermark.
 */
class ClusterFailoverIT {
    private static final String TOPIC = "failover";
    private static final int PARTITIONS = 3;
    private static final int ROUNDS = 4;
    private static final int CONTROLLER_ROUND = 2;

    @RegisterExtension
    final ProcessCluster cluster = ProcessCluster.withBrokers(3);

    /** What one round measured. */
    private record Round(int number, int victim, String role, List<Integer> partitionsLed, long newLeaderMs, long newControllerMs,
                         long backInIsrMs, long truncations) {
        @Override
        public String toString() {
            return String.format("round %d: SIGKILL broker %d (%s; led partitions %s): new leader after %s, new controller after %s;"
                    + " restart to back in every ISR %d ms, %d partition(s) truncated on rejoining", number, victim, role, partitionsLed,
                newLeaderMs < 0 ? "-" : newLeaderMs + " ms", newControllerMs < 0 ? "-" : newControllerMs + " ms", backInIsrMs, truncations);
        }
    }

    @Test
    void shouldKeepEveryAcknowledgedRecordExactlyOnceAndInOrderWhenLeadersAndTheControllerAreKilled() throws Exception {
        // Given
        long t0 = System.nanoTime();
        cluster.createTopic(TOPIC, PARTITIONS, 3, Map.of("min.insync.replicas", "2"));
        List<Round> rounds = new ArrayList<>();
        ContinuousProducer stream;
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrapServers(), Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, 5,
            ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200,
            ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50,
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 90_000))) {
            stream = new ContinuousProducer(producer, TOPIC, PARTITIONS, 2_000);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> stream.ackedCount() >= 1_000);

                // When
                for (int round = 1; round <= ROUNDS; round++) {
                    rounds.add(killAndRestart(round, stream, rounds.stream().map(Round::victim).toList()));
                }
            } finally {
                stream.close();
            }
        }

        // Then: a consumer reads every acknowledged record exactly once, where it was acknowledged, in order
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(TOPIC, p));
        }
        cluster.awaitFullIsr(TOPIC, Duration.ofSeconds(30));
        List<ConsumerRecord<String, String>> records;
        try (KafkaConsumer<String, String> consumer = Clients.consumer(cluster.bootstrapServers(), Map.of())) {
            records = Consume.readToEnd(consumer, partitions, Duration.ofSeconds(60));
        }
        Map<Integer, List<ConsumerRecord<String, String>>> byPartition = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
        }
        int ackedTotal = 0;
        Map<Integer, Long> endOffsets = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            List<ConsumerRecord<String, String>> read = byPartition.getOrDefault(p, List.of());
            List<Ack> acked = stream.acked(p);
            ackedTotal += acked.size();
            assertReadExactlyOnceInOrder(p, read, acked);
            endOffsets.put(p, read.isEmpty() ? 0 : read.get(read.size() - 1).offset() + 1);
        }

        // Then: all replicas hold identical logs up to the high watermark
        awaitCheckpointedHighWatermarks(partitions, endOffsets);
        cluster.stopAll();
        for (TopicPartition tp : partitions) {
            assertIdenticalReplicas(tp, endOffsets.get(tp.partition()));
        }

        System.out.printf("%nClusterFailoverIT: %d records sent, %d acknowledged, %d read (%d failed sends: %s), %d rounds in %d s%n",
            stream.sentCount(), ackedTotal, records.size(), stream.failures().size(), summary(stream.failures()), rounds.size(),
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
        rounds.forEach(r -> System.out.println("  " + r));
        assertThat(rounds).hasSize(ROUNDS);
        assertThat(rounds).as("a round killed the controller").anyMatch(r -> r.role().contains("controller"));
        assertThat(rounds).as("a round killed a leader that was not the controller").anyMatch(r -> r.role().equals("leader"));
    }

    /** Kills the round's victim, waits for new leaders (and controller), restarts it and waits until it is back in every ISR. */
    private Round killAndRestart(int round, ContinuousProducer stream, List<Integer> killedBefore) throws Exception {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> cluster.controllerId() >= 0);
        int controller = cluster.controllerId();
        int victim = round == CONTROLLER_ROUND ? controller : leaderOtherThan(controller, killedBefore);
        List<Integer> led = new ArrayList<>();
        for (TopicPartitionInfo p : cluster.partitions(TOPIC)) {
            if (p.leader() != null && p.leader().id() == victim) {
                led.add(p.partition());
            }
        }
        List<String> roles = new ArrayList<>();
        if (victim == controller) {
            roles.add("controller");
        }
        roles.add(led.isEmpty() ? "follower" : "leader");
        String role = String.join(", ", roles);

        long killed = System.nanoTime();
        cluster.broker(victim).kill();
        long newLeaderMs = -1;
        if (!led.isEmpty()) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> newLeaders(led, victim));
            newLeaderMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        }
        long newControllerMs = -1;
        if (victim == controller) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> {
                    int c = cluster.controllerId();
                    return c >= 0 && c != victim;
                });
            newControllerMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        }
        // The stream goes on without the victim.
        int ackedBefore = stream.ackedCount();
        await().atMost(Duration.ofSeconds(30)).until(() -> stream.ackedCount() >= ackedBefore + 500);

        long restarted = System.nanoTime();
        cluster.broker(victim).start();
        cluster.awaitFullIsr(TOPIC, Duration.ofSeconds(30));
        long backInIsrMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
        int ackedAfterRestart = stream.ackedCount();
        await().atMost(Duration.ofSeconds(30)).until(() -> stream.ackedCount() >= ackedAfterRestart + 500);
        long truncations = cluster.broker(victim).output().lines().filter(l -> l.contains("truncating from")).count();
        return new Round(round, victim, role, led, newLeaderMs, newControllerMs, backInIsrMs, truncations);
    }

    /**
     * The leader of a partition that is not the controller, so that the controller on another
     * broker moves leadership, preferring a broker not killed before; a follower if the
     * controller leads every partition.
     */
    private int leaderOtherThan(int controller, List<Integer> killedBefore) throws Exception {
        List<Integer> candidates = new ArrayList<>();
        for (TopicPartitionInfo p : cluster.partitions(TOPIC)) {
            if (p.leader() != null && !p.leader().isEmpty() && p.leader().id() != controller) {
                candidates.add(p.leader().id());
            }
        }
        return candidates.stream().filter(id -> !killedBefore.contains(id)).findFirst()
            .orElse(candidates.isEmpty() ? (controller == 0 ? 1 : 0) : candidates.get(0));
    }

    /** Whether the metadata shows a leader other than {@code victim} for each of the partitions. */
    private boolean newLeaders(List<Integer> partitions, int victim) throws Exception {
        for (TopicPartitionInfo p : cluster.partitions(TOPIC)) {
            if (partitions.contains(p.partition()) && (p.leader() == null || p.leader().isEmpty() || p.leader().id() == victim)) {
                return false;
            }
        }
        return true;
    }

    private static void assertReadExactlyOnceInOrder(int partition, List<ConsumerRecord<String, String>> read, List<Ack> acked) {
        Map<Long, Long> sequenceAt = new HashMap<>();
        long previousOffset = -1;
        long previousSequence = -1;
        for (ConsumerRecord<String, String> r : read) {
            long sequence = Long.parseLong(r.value());
            assertThat(r.offset()).as("offsets of partition %d are dense", partition).isEqualTo(previousOffset + 1);
            assertThat(sequence).as("partition %d at offset %d: records in the order sent, none twice", partition, r.offset())
                .isGreaterThan(previousSequence);
            sequenceAt.put(r.offset(), sequence);
            previousOffset = r.offset();
            previousSequence = sequence;
        }
        List<String> missing = new ArrayList<>();
        for (Ack a : acked) {
            Long found = sequenceAt.get(a.offset());
            if (found == null || found != a.sequence()) {
                missing.add(a.sequence() + "@" + a.offset() + (found == null ? " (offset not read)" : " (found " + found + ")"));
            }
        }
        assertThat(missing).as("acknowledged records of partition %d not found where acknowledged", partition).isEmpty();
    }

    /**
     * Waits until every broker has checkpointed a high watermark at the end of each partition,
     * so that the logs compared after the stop cover every record read.
     */
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

    private void assertIdenticalReplicas(TopicPartition tp, long endOffset) throws Exception {
        long minHighWatermark = Long.MAX_VALUE;
        for (ClusterBroker b : cluster.brokers()) {
            OptionalLong hw = ReplicaLogs.checkpointedHighWatermark(b.logDir(), tp);
            assertThat(hw).as("high watermark of %s on broker %d", tp, b.id()).isPresent();
            minHighWatermark = Math.min(minHighWatermark, hw.getAsLong());
        }
        assertThat(minHighWatermark).as("smallest high watermark of %s covers every record read", tp).isGreaterThanOrEqualTo(endOffset);
        List<StoredRecord> reference = ReplicaLogs.read(cluster.broker(0).logDir(), tp, minHighWatermark);
        assertThat(reference).as("records of %s on broker 0", tp).hasSize((int) minHighWatermark);
        for (ClusterBroker b : cluster.brokers()) {
            // Nothing beyond either: a killed leader's unreplicated tail was truncated when it rejoined.
            assertThat(ReplicaLogs.read(b.logDir(), tp, Long.MAX_VALUE)).as("all records of %s on broker %d", tp, b.id())
                .hasSize((int) endOffset);
        }
        for (ClusterBroker b : cluster.brokers().subList(1, cluster.brokers().size())) {
            List<StoredRecord> replica = ReplicaLogs.read(b.logDir(), tp, minHighWatermark);
            assertThat(replica.size()).as("records of %s below the high watermark on broker %d", tp, b.id()).isEqualTo(reference.size());
            for (int i = 0; i < reference.size(); i++) {
                if (!replica.get(i).equals(reference.get(i))) {
                    assertThat(replica.get(i)).as("%s at offset %d on broker %d vs broker 0", tp, reference.get(i).offset(), b.id())
                        .isEqualTo(reference.get(i));
                }
            }
        }
    }

    private static String summary(List<Exception> failures) {
        Map<String, Integer> counts = new HashMap<>();
        for (Exception e : failures) {
            counts.merge(e.getClass().getSimpleName(), 1, Integer::sum);
        }
        return counts.toString();
    }
}
