package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code bin/gregor} broker killed with SIGKILL while its log cleaner rewrites a large
 * compacted log (slowed down by {@code log.cleaner.io.max.bytes.per.second}): after the restart
 * the log is valid, every key's last record is its latest value, offsets increase, and the
 * cleaner finishes the job.
 */
class CleanerCrashIT {
    private static final String TOPIC = "big-compacted";
    private static final int KEYS = 400;
    private static final int ROUNDS = 12;
    private static final int DELETED_KEYS = 20;
    private static final String PADDING = "x".repeat(1000);

    @TempDir
    Path workDir;

    private final List<GregorProcess> processes = new ArrayList<>();

    @AfterEach
    void killBrokers() throws InterruptedException {
        for (GregorProcess p : processes) {
            p.close();
        }
    }

    /** Where a reader sees a key's last record. */
    private record Seen(long offset, String value) {
    }

    @Test
    void shouldKeepAValidLogWithEveryKeysLatestValueWhenKilledWhileCleaning() throws Exception {
        // Given a broker whose cleaner reads and writes at most 1 MiB/s, and a compacted log of
        // about 5 MiB in 1 MiB segments: twelve rounds over 400 keys, then tombstones for 20
        int port = FreePorts.pick();
        String bootstrapServers = "127.0.0.1:" + port;
        List<String> overrides = List.of(
            "listeners=PLAINTEXT://127.0.0.1:" + port,
            "zookeeper.embedded.port=" + FreePorts.pick(),
            "log.cleaner.backoff.ms=100",
            "log.cleaner.dedupe.buffer.size=16777216");
        List<String> throttled = new ArrayList<>(overrides);
        throttled.add("log.cleaner.io.max.bytes.per.second=1048576");
        GregorProcess first = start("gregor-1.log", throttled);
        try (Admin admin = Clients.admin(bootstrapServers)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of(
                "cleanup.policy", "compact",
                "segment.bytes", "1048576",
                "segment.ms", "1000",
                "min.cleanable.dirty.ratio", "0.01")))).all().get();
        }
        Map<String, Seen> expected = write(bootstrapServers);
        Path partitionDir = workDir.resolve("data/logs/" + TOPIC + "-0");

        // When it is killed in the middle of a cleaning pass: some segments already replaced by
        // their cleaned versions, the next cleaned segment being written
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() ->
            filesEndingWith(partitionDir, ".log.cleaned").stream().anyMatch(name -> !name.startsWith("00000000000000000000.")));
        first.kill();
        System.out.printf("killed while cleaning; left behind: %s%n", filesEndingWith(partitionDir, ".cleaned", ".swap", ".deleted"));
        GregorProcess second = start("gregor-2.log", overrides);

        // Then the log reads back with every key's latest value as its last record
        assertThat(lastRecordPerKey(readAll(bootstrapServers))).isEqualTo(expected);

        // and once the cleaner has run again (each tick rolls the active segment), every key is there once
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrapServers, Map.of())) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                producer.send(new ProducerRecord<>(TOPIC, "tick", "tick")).get();
                List<ConsumerRecord<String, String>> records = readAll(bootstrapServers);
                records.removeIf(r -> r.key().equals("tick"));
                assertThat(records).extracting(ConsumerRecord::key).doesNotHaveDuplicates();
                assertThat(lastRecordPerKey(records)).isEqualTo(expected);
            });
        }
        Kcat kcat = Kcat.locate(workDir);
        Kcat.Result read = kcat.runOk("", "-C", "-b", bootstrapServers, "-t", TOPIC, "-o", "beginning", "-e", "-Z", "-f", "%o|%k|%s\\n");
        Map<String, Seen> readByKcat = new HashMap<>();
        for (String line : read.lines()) {
            String[] parts = line.split("\\|", 3);
            if (!parts[1].equals("tick")) {
                readByKcat.put(parts[1], new Seen(Long.parseLong(parts[0]), parts[2].equals("NULL") ? null : parts[2]));
            }
        }
        assertThat(readByKcat).as("read by kcat").isEqualTo(expected);
        assertThat(second.output()).doesNotContain("Log cleaner pass failed").doesNotContain("Exception");
    }

    // ---- helpers ----

    private GregorProcess start(String logName, List<String> overrides) throws Exception {
        GregorProcess process = GregorProcess.start(workDir, logName, overrides);
        processes.add(process);
        return process;
    }

    /** Writes the rounds and the tombstones; returns each key's last write. */
    private static Map<String, Seen> write(String bootstrapServers) throws Exception {
        Map<String, Future<RecordMetadata>> lastWrite = new LinkedHashMap<>();
        Map<String, String> lastValue = new HashMap<>();
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrapServers, Map.of(
            ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024))) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int k = 0; k < KEYS; k++) {
                    String key = "key-" + k;
                    String value = "round-" + round + "-" + PADDING;
                    lastWrite.put(key, producer.send(new ProducerRecord<>(TOPIC, key, value)));
                    lastValue.put(key, value);
                }
            }
            for (int k = 0; k < DELETED_KEYS; k++) {
                String key = "key-" + k;
                lastWrite.put(key, producer.send(new ProducerRecord<>(TOPIC, key, null)));
                lastValue.put(key, null);
            }
            producer.flush();
        }
        Map<String, Seen> expected = new HashMap<>();
        for (Map.Entry<String, Future<RecordMetadata>> e : lastWrite.entrySet()) {
            expected.put(e.getKey(), new Seen(e.getValue().get().offset(), lastValue.get(e.getKey())));
        }
        return expected;
    }

    private static List<ConsumerRecord<String, String>> readAll(String bootstrapServers) {
        try (KafkaConsumer<String, String> consumer = Clients.consumer(bootstrapServers, Map.of())) {
            return new ArrayList<>(Consume.readToEnd(consumer, List.of(new TopicPartition(TOPIC, 0)), Duration.ofSeconds(30)));
        }
    }

    /** Each key's last record; fails unless offsets strictly increase. */
    private static Map<String, Seen> lastRecordPerKey(List<ConsumerRecord<String, String>> records) {
        Map<String, Seen> out = new HashMap<>();
        long previous = -1;
        for (ConsumerRecord<String, String> r : records) {
            assertThat(r.offset()).as("offsets increase").isGreaterThan(previous);
            previous = r.offset();
            out.put(r.key(), new Seen(r.offset(), r.value()));
        }
        return out;
    }

    private static List<String> filesEndingWith(Path dir, String... suffixes) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                .filter(name -> Stream.of(suffixes).anyMatch(name::endsWith))
                .sorted().toList();
        }
    }
}
