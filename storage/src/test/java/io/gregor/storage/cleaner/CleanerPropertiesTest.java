package io.gregor.storage.cleaner;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.storage.config.LogConfig;
import io.gregor.storage.log.FetchIsolation;
import io.gregor.storage.log.Log;
import io.gregor.testsupport.ManualTime;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Compaction invariants for random workloads of keyed writes and tombstones: after cleaning, a
 * reader sees for every key exactly its latest value (or nothing once its tombstone has expired),
 * offsets are unchanged and increasing, and nothing the cleaner may not touch has changed.
 */
class CleanerPropertiesTest {
    private static final long DELETE_RETENTION_MS = 1000;

    /** One write: a key and a value, or a tombstone when the value is null. */
    record Write(String key, String value, boolean compressed) {
    }

    @Provide
    Arbitrary<List<List<Write>>> workloads() {
        Arbitrary<String> keys = Arbitraries.integers().between(0, 30).map(i -> "key-" + i);
        Arbitrary<String> values = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(40).injectNull(0.15);
        Arbitrary<Write> write = Combinators.combine(keys, values, Arbitraries.of(true, false, false)).as(Write::new);
        Arbitrary<List<Write>> batch = write.list().ofMinSize(1).ofMaxSize(8);
        return batch.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 60)
    void cleanedLogHoldsTheLatestValuePerKey(@ForAll("workloads") List<List<Write>> batches) throws Exception {
        File dir = Files.createTempDirectory("cleaner-prop").toFile();
        ManualTime time = new ManualTime();
        Log log = Log.open(new TopicPartition("compacted", 0), new File(dir, "compacted-0"),
            LogConfig.create(Map.of(), Map.of("cleanup.policy", "compact", "delete.retention.ms", Long.toString(DELETE_RETENTION_MS),
                "min.cleanable.dirty.ratio", "0.0")), time, new io.gregor.storage.log.ManualScheduler(), true, 0, -1, -1);
        try {
            Map<String, String> latest = new LinkedHashMap<>();
            int written = 0;
            for (List<Write> b : batches) {
                log.appendAsLeader(batch(time.milliseconds(), b), 0);
                written += b.size();
                for (Write w : b) {
                    latest.put(w.key(), w.value());
                }
                if (written % 3 == 0) {
                    log.roll();
                }
            }
            log.roll();
            log.updateHighWatermark(log.logEndOffsetMetadata());
            long end = log.logEndOffset();
            LogCleaner cleaner = new LogCleaner(new CleanerConfig(1, 1 << 20, 4096, Double.MAX_VALUE, 10, true),
                () -> List.of(log), List.of(dir), time);

            cleaner.cleanAllNow();
            assertLatest(readAll(log), latest, true);
            assertThat(log.logEndOffset()).isEqualTo(end);

            // Once the tombstones' delete horizon has passed, the next cleaning removes them.
            time.advance(DELETE_RETENTION_MS + 1);
            log.appendAsLeader(batch(time.milliseconds(), List.of(new Write("fresh", "v", false))), 0);
            latest.put("fresh", "v");
            log.roll();
            log.updateHighWatermark(log.logEndOffsetMetadata());
            cleaner.cleanAllNow();
            assertLatest(readAll(log), latest, false);
        } finally {
            log.close();
            deleteRecursively(dir);
        }
    }

    private static void assertLatest(List<Record> records, Map<String, String> latest, boolean tombstonesMayRemain) {
        long previous = -1;
        Map<String, List<String>> seen = new HashMap<>();
        for (Record r : records) {
            assertThat(r.offset()).isGreaterThan(previous);
            previous = r.offset();
            seen.computeIfAbsent(text(r.key()), k -> new ArrayList<>()).add(r.hasValue() ? text(r.value()) : null);
        }
        for (Map.Entry<String, String> e : latest.entrySet()) {
            List<String> values = seen.get(e.getKey());
            if (e.getValue() == null) {
                if (!tombstonesMayRemain) {
                    assertThat(values).as("tombstoned key %s after its delete horizon", e.getKey()).isNull();
                } else if (values != null) {
                    assertThat(values).as("tombstoned key %s", e.getKey()).containsExactly((String) null);
                }
            } else {
                assertThat(values).as("values of %s", e.getKey()).containsExactly(e.getValue());
            }
        }
        assertThat(seen.keySet()).allMatch(latest::containsKey);
    }

    private static MemoryRecords batch(long timestamp, List<Write> writes) {
        boolean compressed = writes.get(0).compressed();
        MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(8192), RecordBatch.CURRENT_MAGIC_VALUE,
            compressed ? Compression.gzip().build() : Compression.NONE, TimestampType.CREATE_TIME, 0L);
        for (Write w : writes) {
            b.append(timestamp, w.key().getBytes(StandardCharsets.UTF_8), w.value() == null ? null : w.value().getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    private static List<Record> readAll(Log log) throws Exception {
        List<Record> out = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            var info = log.read(offset, 1 << 20, FetchIsolation.LOG_END, true);
            long next = offset;
            for (RecordBatch batch : info.toMemoryRecords().batches()) {
                for (Record r : batch) {
                    if (r.offset() >= offset) {
                        out.add(r);
                    }
                }
                next = batch.nextOffset();
            }
            if (next == offset) {
                break;
            }
            offset = next;
        }
        return out;
    }

    private static String text(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] bytes = new byte[d.remaining()];
        d.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(File f) throws Exception {
        try (var walk = Files.walk(f.toPath())) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
