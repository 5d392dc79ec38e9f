package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gregor.it.ContinuousProducer.Ack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The failure detector under a continuous acks=all stream, with Gregor's default timeouts
 * (ZooKeeper session 18 s, broker session 2.5 s): ZooKeeper and three brokers as separate
 * processes, one partition with replication factor 3 and {@code min.insync.replicas=2} whose
 * leader is the victim. A SIGKILLed leader, and a SIGKILLed controller that leads the
 * partition, must be replaced far sooner than the ZooKeeper session would allow (the bound
 * asserted is generous, for a loaded machine; the figures are printed); a leader paused beyond
 * the broker session timeout loses its leadership and, resumed, rejoins the ISR. No acknowledged
 * record may be lost or duplicated.
 */
class FastFailoverIT {
    private static final String TOPIC = "fast-failover";
    private static final long ZOOKEEPER_SESSION_TIMEOUT_MS = 18_000;
    /** Far under the ZooKeeper session timeout, and far over what is measured (about 1 s), so that a loaded machine does not fail it. */
    private static final long GAP_BOUND_MS = 8_000;

    @RegisterExtension
    final ProcessCluster cluster = ProcessCluster.withBrokers(3)
        // Gregor's defaults instead of ProcessCluster's shorter test timeouts: the detector must beat these.
        .config("zookeeper.session.timeout.ms", Long.toString(ZOOKEEPER_SESSION_TIMEOUT_MS))
        .config("replica.lag.time.max.ms", "30000");

    /**
     * What one outage measured on the victim's partition: the longest time without an
     * acknowledgement around the fault, from {@code gapStartMs} to {@code gapEndMs} (both
     * relative to the fault; the start is negative when the last acknowledgement came before it).
     */
    private record Outage(String fault, int victim, int newLeader, long leaderMovedMs, long gapStartMs, long gapEndMs, long gapMs, int acked) {
        @Override
        public String toString() {
            return String.format("FastFailoverIT: %s (broker %d, then broker %d led, in ZooKeeper %d ms after it): no acknowledgement"
                + " from %+d ms to %+d ms of it, %d ms (%d records acknowledged in all)", fault, victim, newLeader, leaderMovedMs, gapStartMs,
                gapEndMs, gapMs, acked);
        }
    }

    @Test
    void shouldResumeAcksAllProduceWithinSecondsWhenTheLeaderIsKilled() throws Exception {
        int controller = awaitController();
        int victim = otherThan(controller);

        Outage outage = outage(victim, "SIGKILL of the leader", () -> cluster.broker(victim).kill(), () -> cluster.broker(victim).start());

        System.out.println(outage);
        assertThat(outage.newLeader()).isNotEqualTo(victim);
        assertThat(outage.gapMs()).as("acks=all produce resumes far within the ZooKeeper session timeout").isLessThan(GAP_BOUND_MS);
    }

    @Test
    void shouldResumeAcksAllProduceWithinSecondsWhenTheControllerLeadingThePartitionIsKilled() throws Exception {
        int controller = awaitController();

        Outage outage = outage(controller, "SIGKILL of the controller and leader", () -> cluster.broker(controller).kill(),
            () -> cluster.broker(controller).start());

        System.out.println(outage);
        assertThat(outage.newLeader()).isNotEqualTo(controller);
        assertThat(outage.gapMs()).as("a new controller moves the partition far within the ZooKeeper session timeout").isLessThan(GAP_BOUND_MS);
    }

    @Test
    void shouldMoveLeadershipOffALeaderPausedBeyondTheBrokerSessionTimeoutAndLetItRejoinWhenResumed() throws Exception {
        int controller = awaitController();
        int victim = otherThan(controller);
        long pauseMs = 6_000;
        long[] paused = new long[1];

        Outage outage = outage(victim, "SIGSTOP of the leader for " + pauseMs + " ms", () -> {
            cluster.broker(victim).pause();
            paused[0] = System.nanoTime();
        }, () -> {
            long left = pauseMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - paused[0]);
            if (left > 0) {
                Thread.sleep(left);
            }
            cluster.broker(victim).resume();
        });

        System.out.println(outage);
        // The producer's request to the paused leader waits for request.timeout.ms (10 s in these
        // tests) before it retries at the new leader, so the gap is the client's, not the failover's.
        assertThat(outage.gapMs()).as("produce resumed while the old leader was still paused or soon after")
            .isLessThan(ZOOKEEPER_SESSION_TIMEOUT_MS);
        assertThat(outage.newLeader()).as("leadership moved off the paused broker").isNotEqualTo(victim);
    }

    private interface Step {
        void run() throws Exception;
    }

    /**
     * Creates the topic with {@code victim} as preferred leader, runs a stream, applies the fault,
     * waits until acknowledgements resume, heals, waits until the victim is back in the ISR and the
     * stream goes on, then checks every acknowledged record is read exactly once where acknowledged.
     */
    private Outage outage(int victim, String fault, Step inject, Step heal) throws Exception {
        List<Integer> replicas = new ArrayList<>(List.of(victim));
        for (int b = 0; b < 3; b++) {
            if (b != victim) {
                replicas.add(b);
            }
        }
        cluster.admin().createTopics(List.of(new NewTopic(TOPIC, Map.of(0, replicas)).configs(Map.of("min.insync.replicas", "2"))))
            .all().get(30, TimeUnit.SECONDS);
        cluster.awaitFullIsr(TOPIC, Duration.ofSeconds(30));
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        assertThat(cluster.leader(tp)).isEqualTo(victim);

        ContinuousProducer stream;
        long faultNanos;
        int newLeader;
        long leaderMovedMs;
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrapServers(), Map.of(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000))) {
            stream = new ContinuousProducer(producer, TOPIC, 1, 500);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> stream.ackedCount() >= 500);

                faultNanos = System.nanoTime();
                inject.run();
                // From ZooKeeper: a Metadata request could land on a paused broker and hang.
                ZkView zk = cluster.zookeeperView();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> zk.partitionState(TOPIC, 0).leader() != victim);
                leaderMovedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultNanos);
                int before = stream.ackedCount();
                await().atMost(Duration.ofSeconds(60)).until(() -> stream.ackedCount() >= before + 250);
                newLeader = zk.partitionState(TOPIC, 0).leader();

                heal.run();
                cluster.awaitFullIsr(TOPIC, Duration.ofSeconds(60));
                int healed = stream.ackedCount();
                await().atMost(Duration.ofSeconds(30)).until(() -> stream.ackedCount() >= healed + 250);
            } finally {
                stream.close();
            }
        }

        List<Ack> acked = stream.acked(0);
        assertThat(stream.failures()).as("no send failed").isEmpty();
        assertReadExactlyOnceWhereAcknowledged(tp, acked);
        // The longest silence between two acknowledgements from the last one before the fault to
        // 250 after it: acknowledgements the victim sent just before it died may still arrive
        // after the fault, so the first one after it is not yet the new leader's.
        long[] times = acked.stream().mapToLong(Ack::nanos).sorted().toArray();
        int first = 0;
        while (first + 1 < times.length && times[first + 1] <= faultNanos) {
            first++;
        }
        long gapStart = times[first];
        long gapEnd = times[Math.min(first + 1, times.length - 1)];
        for (int i = first + 1; i < times.length && i <= first + 250; i++) {
            if (times[i] - times[i - 1] > gapEnd - gapStart) {
                gapStart = times[i - 1];
                gapEnd = times[i];
            }
        }
        return new Outage(fault, victim, newLeader, leaderMovedMs, TimeUnit.NANOSECONDS.toMillis(gapStart - faultNanos), TimeUnit.NANOSECONDS.toMillis(gapEnd - faultNanos),
            TimeUnit.NANOSECONDS.toMillis(gapEnd - gapStart), acked.size());
    }

    private void assertReadExactlyOnceWhereAcknowledged(TopicPartition tp, List<Ack> acked) throws Exception {
        List<ConsumerRecord<String, String>> read;
        try (KafkaConsumer<String, String> consumer = Clients.consumer(cluster.bootstrapServers(), Map.of())) {
            read = Consume.readToEnd(consumer, List.of(tp), Duration.ofSeconds(60));
        }
        Map<Long, Long> sequenceAt = new HashMap<>();
        long previous = -1;
        for (ConsumerRecord<String, String> r : read) {
            long sequence = Long.parseLong(r.value());
            assertThat(sequence).as("offset %d: in the order sent, none twice", r.offset()).isGreaterThan(previous);
            previous = sequence;
            sequenceAt.put(r.offset(), sequence);
        }
        List<String> missing = new ArrayList<>();
        for (Ack a : acked) {
            Long found = sequenceAt.get(a.offset());
            if (found == null || found != a.sequence()) {
                missing.add(a.sequence() + "@" + a.offset());
            }
        }
        assertThat(missing).as("acknowledged records not found where acknowledged").isEmpty();
    }

    private int awaitController() {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> cluster.controllerId() >= 0);
        try {
            return cluster.controllerId();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int otherThan(int broker) {
        return broker == 0 ? 1 : 0;
    }
}
