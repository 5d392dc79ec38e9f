package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Committed offsets are kept in {@code __consumer_offsets} and survive a clean restart of the
 * broker and a SIGKILL of the {@code bin/gregor} process: a new consumer of the group resumes
 * exactly after them.
 */
class CommittedOffsetsDurabilityIT {
    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 30;
    /** Committed per partition: somewhere in the middle, nothing read yet, everything read. */
    private static final long[] COMMITTED = {7, 0, 30};

    @RegisterExtension
    static final GregorBrokerExtension broker = GregorBrokerExtension.withConfig("group.initial.rebalance.delay.ms", "0");

    @TempDir
    Path workDir;

    private final List<GregorProcess> processes = new ArrayList<>();

    @AfterEach
    void killBrokers() throws InterruptedException {
        for (GregorProcess p : processes) {
            p.close();
        }
    }

    @Test
    void shouldResumeAfterCommittedOffsetsWhenBrokerRestartedCleanly() throws Exception {
        // Given
        String topic = "restart-clean";
        String group = "restart-clean-group";
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            createAndFill(admin, broker.bootstrapServers(), topic);
        }
        readAndCommit(broker.bootstrapServers(), topic, group).close();

        // When
        broker.restart();

        // Then
        assertResumesAfterCommittedOffsets(broker.bootstrapServers(), topic, group);
    }

    @Test
    void shouldResumeAfterCommittedOffsetsWhenBrokerProcessWasKilled() throws Exception {
        // Given a bin/gregor broker, and a consumer that has committed and is still running
        int port = FreePorts.pick();
        List<String> overrides = List.of(
            "listeners=PLAINTEXT://127.0.0.1:" + port,
            "zookeeper.embedded.port=" + FreePorts.pick(),
            "group.initial.rebalance.delay.ms=0");
        String bootstrapServers = "127.0.0.1:" + port;
        String topic = "restart-killed";
        String group = "restart-killed-group";
        GregorProcess first = start("gregor-1.log", overrides);
        try (Admin admin = Clients.admin(bootstrapServers)) {
            createAndFill(admin, bootstrapServers, topic);
        }
        KafkaConsumer<String, String> consumer = readAndCommit(bootstrapServers, topic, group);

        // When
        try {
            first.kill();
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
        GregorProcess second = start("gregor-2.log", overrides);

        // Then: once the killed broker's member has timed out (it never left), the new one resumes
        assertThat(second.output()).as("the restarted broker recovered its logs").contains("was not shut down cleanly");
        assertResumesAfterCommittedOffsets(bootstrapServers, topic, group);
    }

    // ---- helpers ----

    private GregorProcess start(String logName, List<String> overrides) throws Exception {
        GregorProcess process = GregorProcess.start(workDir, logName, overrides);
        processes.add(process);
        return process;
    }

    private static void createAndFill(Admin admin, String bootstrapServers, String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrapServers, Map.of())) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < PER_PARTITION; i++) {
                    producer.send(new ProducerRecord<>(topic, p, "k" + i, p + "-" + i));
                }
            }
            producer.flush();
        }
    }

    /**
     * A group member that reads everything but commits {@link #COMMITTED}, with metadata; returns it
     * still open (the caller closes it).
     */
    private static KafkaConsumer<String, String> readAndCommit(String bootstrapServers, String topic, String group) {
        KafkaConsumer<String, String> consumer = groupConsumer(bootstrapServers, group);
        try {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> read = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(read::add);
                return read.size() >= PARTITIONS * PER_PARTITION;
            });
            consumer.commitSync(committedOffsets(topic));
            return consumer;
        } catch (RuntimeException | Error e) {
            consumer.close(Duration.ofSeconds(1));
            throw e;
        }
    }

    /** With the smallest session timeout the broker allows, so that a member left behind by a crash goes soon. */
    private static KafkaConsumer<String, String> groupConsumer(String bootstrapServers, String group) {
        return Clients.consumer(bootstrapServers, Map.of(
            ConsumerConfig.GROUP_ID_CONFIG, group,
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500));
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(String topic) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(COMMITTED[p], "checkpoint-" + p));
        }
        return offsets;
    }

    private static void assertResumesAfterCommittedOffsets(String bootstrapServers, String topic, String group) throws Exception {
        try (Admin admin = Clients.admin(bootstrapServers)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            assertThat(committed).hasSize(PARTITIONS);
            committedOffsets(topic).forEach((tp, expected) -> {
                assertThat(committed.get(tp).offset()).as("committed offset of %s", tp).isEqualTo(expected.offset());
                assertThat(committed.get(tp).metadata()).as("commit metadata of %s", tp).isEqualTo(expected.metadata());
            });
        }
        long expectedCount = 0;
        for (long c : COMMITTED) {
            expectedCount += PER_PARTITION - c;
        }
        long toRead = expectedCount;
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = groupConsumer(bootstrapServers, group)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(read::add);
                return read.size() >= toRead && consumer.assignment().size() == PARTITIONS;
            });
            assertThat(consumer.poll(Duration.ofMillis(200))).as("nothing more").isEmpty();
        }
        assertThat(read).hasSize((int) expectedCount);
        Map<Integer, Long> firstOffsets = read.stream().collect(Collectors.toMap(ConsumerRecord::partition, ConsumerRecord::offset, Math::min));
        assertThat(firstOffsets).as("first offset read per partition").isEqualTo(Map.of(0, COMMITTED[0], 1, COMMITTED[1]));
        assertThat(read).extracting(r -> r.partition() + "@" + r.offset()).doesNotHaveDuplicates();
    }
}
