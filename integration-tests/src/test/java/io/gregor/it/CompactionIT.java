package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log compaction seen from clients: a compacted topic written with overwrites and tombstones
 * reads back, once the cleaner has run, as the latest value of every key, at the offset it was
 * written at, through the Java consumer and kcat; tombstones go after {@code delete.retention.ms}.
 *
 * <p>The cleaner never touches the active segment, so the test keeps writing a "tick" record per
 * partition while it waits: with {@code segment.ms} small, each tick rolls the segment before it.
 */
class CompactionIT {
    private static final int PARTITIONS = 2;
    private static final int KEYS = 50;
    private static final int ROUNDS = 10;
    private static final int DELETED_KEYS = 10;
    private static final long DELETE_RETENTION_MS = 8_000;

    @RegisterExtension
    static final GregorBrokerExtension broker = GregorBrokerExtension.withConfig("log.cleaner.backoff.ms", "100");

    @TempDir
    static Path scratch;

    private static Kcat kcat;

    @BeforeAll
    static void locateKcat() {
        kcat = Kcat.locate(scratch);
    }

    /** What a reader sees of one key, in partition and offset order. */
    private record Seen(int partition, long offset, String value) {
    }

    @Test
    void shouldReadLatestValuePerKeyAfterCleaningAndLoseTombstonesAfterDeleteRetention() throws Exception {
        // Given a compacted topic written with ten rounds of overwrites, then tombstones for ten keys
        String topic = "compacted-latest";
        broker.createTopic(topic, PARTITIONS, Map.of(
            "cleanup.policy", "compact",
            "segment.ms", "300",
            "min.cleanable.dirty.ratio", "0.01",
            "delete.retention.ms", Long.toString(DELETE_RETENTION_MS)));
        KafkaProducer<String, String> producer = broker.producer(Map.of());
        Map<String, Future<RecordMetadata>> lastWrite = new LinkedHashMap<>();
        Map<String, String> latest = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (int k = 0; k < KEYS; k++) {
                String key = "key-" + k;
                String value = key + "@round-" + round;
                lastWrite.put(key, producer.send(new ProducerRecord<>(topic, key, value)));
                latest.put(key, value);
            }
        }
        for (int k = 0; k < DELETED_KEYS; k++) {
            String key = "key-" + k;
            lastWrite.put(key, producer.send(new ProducerRecord<>(topic, key, null)));
            latest.put(key, null);
        }
        producer.flush();
        Map<String, Seen> expected = new HashMap<>();
        for (Map.Entry<String, Future<RecordMetadata>> e : lastWrite.entrySet()) {
            RecordMetadata m = e.getValue().get();
            expected.put(e.getKey(), new Seen(m.partition(), m.offset(), latest.get(e.getKey())));
        }

        // When the cleaner has run, tombstones are still there, each key once at its last write
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            tick(producer, topic);
            assertThat(readWithJava(topic)).isEqualTo(expected);
        });
        Map<String, Seen> readByKcat = readWithKcat(topic);
        assertThat(readByKcat).as("kcat, right after cleaning (tombstones within delete.retention.ms)").isEqualTo(expected);

        // Then, after delete.retention.ms, the tombstones are gone
        Map<String, Seen> live = new HashMap<>(expected);
        live.values().removeIf(seen -> seen.value() == null);
        assertThat(live).hasSize(KEYS - DELETED_KEYS);
        await().atMost(Duration.ofMillis(DELETE_RETENTION_MS + 20_000)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            tick(producer, topic);
            assertThat(readWithJava(topic)).isEqualTo(live);
        });
        assertThat(readWithKcat(topic)).as("kcat, after delete.retention.ms").isEqualTo(live);
    }

    @Test
    void shouldRefuseRecordsWithoutKeyOnACompactedTopic() throws Exception {
        // Given
        String topic = "compacted-no-key";
        broker.createTopic(topic, 1, Map.of("cleanup.policy", "compact"));
        KafkaProducer<String, String> producer = broker.producer(Map.of());

        // When / Then
        assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, null, "no key")).get())
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidRecordException.class);
        assertThat(producer.send(new ProducerRecord<>(topic, "k", "keyed")).get().offset()).isZero();
    }

    /** One record per partition under a key of its own, which rolls the active segment once segment.ms has passed. */
    private static void tick(KafkaProducer<String, String> producer, String topic) throws Exception {
        for (int p = 0; p < PARTITIONS; p++) {
            producer.send(new ProducerRecord<>(topic, p, "tick-" + p, "tick")).get();
        }
    }

    /**
     * Every record of the topic through the Java consumer, by key, ticks left out; fails if a
     * key appears twice or offsets do not increase.
     */
    private static Map<String, Seen> readWithJava(String topic) {
        List<Seen> seen = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        try (var consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            for (ConsumerRecord<String, String> r : Consume.readToEnd(consumer, topic, PARTITIONS)) {
                keys.add(r.key());
                seen.add(new Seen(r.partition(), r.offset(), r.value()));
            }
        }
        return byKey(keys, seen);
    }

    /** The same through kcat ({@code -Z} prints a tombstone's value as NULL). */
    private static Map<String, Seen> readWithKcat(String topic) throws Exception {
        Kcat.Result result = kcat.runOk("", "-C", "-b", broker.bootstrapServers(), "-t", topic, "-o", "beginning", "-e", "-Z",
            "-f", "%p|%o|%k|%s\\n");
        List<Seen> seen = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (String line : result.lines()) {
            String[] parts = line.split("\\|", 4);
            keys.add(parts[2]);
            seen.add(new Seen(Integer.parseInt(parts[0]), Long.parseLong(parts[1]), parts[3].equals("NULL") ? null : parts[3]));
        }
        return byKey(keys, seen);
    }

    private static Map<String, Seen> byKey(List<String> keys, List<Seen> seen) {
        Map<String, Seen> out = new HashMap<>();
        Map<Integer, Long> lastOffset = new HashMap<>();
        for (int i = 0; i < seen.size(); i++) {
            Seen s = seen.get(i);
            Long previous = lastOffset.put(s.partition(), s.offset());
            assertThat(previous == null || previous < s.offset()).as("offsets increase in partition %d: %d after %d", s.partition(),
                s.offset(), previous).isTrue();
            if (keys.get(i).startsWith("tick-")) {
                continue;
            }
            Seen before = out.put(keys.get(i), s);
            assertThat(before).as("key %s seen twice: %s and %s", keys.get(i), before, s).isNull();
        }
        return out;
    }
}
