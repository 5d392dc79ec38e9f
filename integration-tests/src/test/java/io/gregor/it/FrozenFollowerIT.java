package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A follower frozen with SIGSTOP: its process keeps its sockets and its ZooKeeper session for a
 * while, but fetches nothing. The leader must drop it from the ISR after
 * {@code replica.lag.time.max.ms} (so acks=all writes go on without it) and take it back once it
 * has caught up after SIGCONT.
 *
 * <p>The ZooKeeper session timeout is longer than the lag time, so the ISR shrinks because the
 * follower lags, not because the controller saw its broker die. The ISR is read from ZooKeeper:
 * a Metadata request could land on the frozen broker and hang.
 */
class FrozenFollowerIT {
    private static final String TOPIC = "frozen";
    private static final long LAG_TIME_MS = 3_000;

    @RegisterExtension
    final ProcessCluster cluster = ProcessCluster.withBrokers(3)
        .config("replica.lag.time.max.ms", Long.toString(LAG_TIME_MS))
        .config("zookeeper.session.timeout.ms", "20000");

    @Test
    void shouldDropFollowerFromIsrAfterLagTimeWhenFrozenAndTakeItBackAfterSigcont() throws Exception {
        // Given
        cluster.createTopic(TOPIC, 1, 3, Map.of("min.insync.replicas", "2"));
        ZkView zk = cluster.zookeeperView();
        ZkView.PartitionState before = zk.partitionState(TOPIC, 0);
        int controller = zk.controllerId();
        int follower = before.isr().stream().filter(id -> id != before.leader())
            .min((a, b) -> Boolean.compare(a == controller, b == controller)).orElseThrow();
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.broker(before.leader()).address(), Map.of(
            ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true))) {
            send(producer, 0, 100);
            producer.flush();

            // When: the follower freezes while acks=all records arrive
            ClusterBroker frozen = cluster.broker(follower);
            long frozenAt = System.nanoTime();
            frozen.pause();
            List<Future<RecordMetadata>> duringFreeze;
            long shrinkMs;
            try {
                duringFreeze = send(producer, 100, 200);
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !zk.partitionState(TOPIC, 0).isr().contains(follower));
                shrinkMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);

                // Then: the ISR shrank because the follower lagged: its session is alive
                assertThat(zk.registeredBrokers()).as("brokers registered when the ISR shrank").contains(follower);
                assertThat(zk.partitionState(TOPIC, 0).leader()).as("leader").isEqualTo(before.leader());
                for (Future<RecordMetadata> f : duringFreeze) {
                    assertThat(f.get(15, TimeUnit.SECONDS).offset()).as("acknowledged without the frozen follower").isBetween(100L, 199L);
                }
            } finally {
                if (frozen.isPaused()) {
                    frozen.resume();
                }
            }

            // When
            long resumedAt = System.nanoTime();

            // Then: back in the ISR once caught up, never having lost its session
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> zk.partitionState(TOPIC, 0).isr().contains(follower));
            long rejoinMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumedAt);
            assertThat(zk.registeredBrokers()).contains(follower);
            assertThat(zk.partitionState(TOPIC, 0).leaderEpoch()).as("the leader never changed").isEqualTo(before.leaderEpoch());
            assertThat(frozen.output()).doesNotContain("ZooKeeper session lost");
            System.out.printf("%nFrozenFollowerIT: leader %d, follower %d frozen; out of the ISR after %d ms (replica.lag.time.max.ms=%d),"
                + " back %d ms after SIGCONT%n", before.leader(), follower, shrinkMs, LAG_TIME_MS, rejoinMs);
        }
    }

    private static List<Future<RecordMetadata>> send(KafkaProducer<String, String> producer, int from, int to) {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int i = from; i < to; i++) {
            futures.add(producer.send(new ProducerRecord<>(TOPIC, 0, "k", "v" + i)));
        }
        return futures;
    }
}
