package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DeleteTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker as a separate process started by {@code bin/gregor start}, stopped by SIGKILL in
 * the middle of a stream of acks=all writes, or by SIGTERM, and started again on the same
 * directories and ports.
 */
class CrashRecoveryIT {
    private static final String TOPIC = "durable";
    private static final int PARTITIONS = 3;
    private static final String RECOVERY_LINE = "was not shut down cleanly";

    @TempDir
    Path workDir;

    private final List<GregorProcess> processes = new ArrayList<>();
    private int port;
    private int zookeeperPort;

    @BeforeEach
    void pickPorts() {
        port = FreePorts.pick();
        zookeeperPort = FreePorts.pick();
    }

    @AfterEach
    void killBrokers() throws InterruptedException {
        for (GregorProcess p : processes) {
            p.close();
        }
    }

    @Test
    void shouldKeepEveryAcknowledgedRecordExactlyOnceWhenBrokerIsKilledMidStream() throws Exception {
        // Given
        GregorProcess first = startBroker("gregor-1.log");
        createTopic();
        Map<String, RecordMetadata> acked = new ConcurrentHashMap<>();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        GregorProcess second;
        int sentAtKill;

        try (KafkaProducer<String, String> producer = Clients.producer(bootstrapServers(), Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, 2,
            ProducerConfig.BATCH_SIZE_CONFIG, 4096,
            ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 300,
            ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50))) {
            Thread sender = sender(producer, sent, acked, failures, stop);
            sender.start();
            try {
                // When: SIGKILL while records are in flight, then a restart on the same directories and ports
                await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= 5_000);
                first.kill();
                sentAtKill = sent.get();
                second = startBroker("gregor-2.log");
                // The stream goes on: everything in flight at the kill, and more, is acknowledged.
                await().atMost(Duration.ofSeconds(40)).until(() -> acked.size() + failures.size() >= sentAtKill + 2_000);
            } finally {
                stop.set(true);
                sender.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertThat(sender.isAlive()).as("sender stopped").isFalse();
            producer.flush();
        }

        System.out.printf("SIGKILL after %d records sent; %d sent in total, %d acknowledged, %d failed%n",
            sentAtKill, sent.get(), acked.size(), failures.size());

        // Then
        assertThat(failures).as("failed sends").isEmpty();
        assertThat(acked).hasSize(sent.get());
        assertThat(second.output()).as("the restarted broker recovered the logs").contains(RECOVERY_LINE);
        List<ConsumerRecord<String, String>> records = readAll();
        assertDenseUniqueOffsets(records);
        assertThat(records).extracting(ConsumerRecord::value).as("no duplicates").doesNotHaveDuplicates();
        assertThat(records).hasSize(sent.get());
        assertEveryAcknowledgedRecordAtItsOffset(records, acked);
    }

    @Test
    void shouldRestartWithAllRecordsAndWithoutRecoveryAfterCleanStop() throws Exception {
        // Given
        GregorProcess first = startBroker("gregor-1.log");
        createTopic();
        Map<String, RecordMetadata> acked = new HashMap<>();
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrapServers(), Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            Map<String, Future<RecordMetadata>> futures = new HashMap<>();
            for (int i = 0; i < 5_000; i++) {
                String value = "clean-" + i;
                futures.put(value, producer.send(new ProducerRecord<>(TOPIC, "key-" + (i % 50), value)));
            }
            producer.flush();
            for (Map.Entry<String, Future<RecordMetadata>> e : futures.entrySet()) {
                acked.put(e.getKey(), e.getValue().get());
            }
        }

        // When
        int exitCode = first.stop(Duration.ofSeconds(30));
        GregorProcess second = startBroker("gregor-2.log");

        // Then
        assertThat(exitCode).as("exit code after SIGTERM (143 = 128 + SIGTERM, as for Kafka)").isIn(0, 143);
        assertThat(first.output()).contains("shut down in");
        assertThat(first.output()).as("a fresh data directory needs no recovery").doesNotContain(RECOVERY_LINE);
        assertThat(second.output()).as("a clean stop needs no recovery").doesNotContain(RECOVERY_LINE);
        List<ConsumerRecord<String, String>> records = readAll();
        assertThat(records).hasSize(5_000);
        assertDenseUniqueOffsets(records);
        assertEveryAcknowledgedRecordAtItsOffset(records, acked);
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrapServers(), Map.of())) {
            RecordMetadata next = producer.send(new ProducerRecord<>(TOPIC, 0, "k", "after-restart")).get();
            long before = records.stream().filter(r -> r.partition() == 0).count();
            assertThat(next.offset()).as("appends continue after the last offset").isEqualTo(before);
        }
    }

    @Test
    void shouldDeleteTopicsRightAfterRestartFromSigkill() throws Exception {
        // Given a broker killed with a topic in place
        GregorProcess first = startBroker("gregor-1.log");
        createTopic();
        first.kill();

        // When
        startBroker("gregor-2.log");

        // Then: the restarted broker is controller at once, not only when the killed process's
        // ZooKeeper session expires (zookeeper.session.timeout.ms, 18 s by default)
        try (Admin admin = Clients.admin(bootstrapServers())) {
            admin.deleteTopics(List.of(TOPIC), new DeleteTopicsOptions().timeoutMs(8_000)).all().get(10, TimeUnit.SECONDS);
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).doesNotContain(TOPIC);
        }
    }

    // ---- helpers ----

    private GregorProcess startBroker(String logName) throws Exception {
        GregorProcess broker = GregorProcess.start(workDir, logName, List.of(
            "listeners=PLAINTEXT://127.0.0.1:" + port,
            "zookeeper.embedded.port=" + zookeeperPort));
        processes.add(broker);
        return broker;
    }

    private String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private void createTopic() throws Exception {
        try (Admin admin = Clients.admin(bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Sends keyed records as fast as the broker takes them, with at most 1,000 unacknowledged,
     * until {@code stop} is set (or 200,000 records or 60 s, whichever comes first).
     */
    private static Thread sender(KafkaProducer<String, String> producer, AtomicInteger sent, Map<String, RecordMetadata> acked,
                                 List<Exception> failures, AtomicBoolean stop) {
        Semaphore window = new Semaphore(1_000);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        return new Thread(() -> {
            try {
                int i = 0;
                while (i < 200_000 && !stop.get() && System.nanoTime() < deadline) {
                    if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    String value = "record-" + i++;
                    sent.incrementAndGet();
                    producer.send(new ProducerRecord<>(TOPIC, "key-" + (i % 100), value), (metadata, error) -> {
                        window.release();
                        if (error == null) {
                            acked.put(value, metadata);
                        } else {
                            failures.add(error);
                        }
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "crash-test-sender");
    }

    private List<ConsumerRecord<String, String>> readAll() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(TOPIC, p));
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(bootstrapServers(), Map.of())) {
            return Consume.readToEnd(consumer, partitions, Duration.ofSeconds(30));
        }
    }

    private static void assertDenseUniqueOffsets(List<ConsumerRecord<String, String>> records) {
        Map<Integer, List<Long>> offsets = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            offsets.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.offset());
        }
        offsets.forEach((partition, list) -> {
            for (int i = 0; i < list.size(); i++) {
                assertThat(list.get(i)).as("offset #%d of partition %d", i, partition).isEqualTo(i);
            }
        });
    }

    private static void assertEveryAcknowledgedRecordAtItsOffset(List<ConsumerRecord<String, String>> records,
                                                                Map<String, RecordMetadata> acked) {
        Map<String, String> valueAt = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            valueAt.put(r.partition() + "@" + r.offset(), r.value());
        }
        List<String> missing = new ArrayList<>();
        acked.forEach((value, metadata) -> {
            if (!value.equals(valueAt.get(metadata.partition() + "@" + metadata.offset()))) {
                missing.add(value + " acknowledged at " + metadata.partition() + "@" + metadata.offset());
            }
        });
        assertThat(missing).as("acknowledged records not found where acknowledged").isEmpty();
    }
}
