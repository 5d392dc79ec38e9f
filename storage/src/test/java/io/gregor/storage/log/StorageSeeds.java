package io.gregor.storage.log;

import io.gregor.storage.config.LogConfig;
import io.gregor.testsupport.ManualTime;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * The seed inputs of the storage fuzz targets, built by kafka-clients' record builders and by a
 * real {@link Log}, never by hand: record batches as producers send them (each compression
 * codec, plain, idempotent, transactional), batches as a leader serves them to followers, and
 * the segment files a log writes (whole, cut mid-batch, with indexes from a longer log). Each
 * seed starts with the control bytes its target reads (see the targets' docs).
 *
 * <p>Deterministic (fixed timestamps and producer ids), so the committed files can be compared
 * with what this generates: {@code StorageSeedsTest} does, and rewrites them with
 * {@code -Dgregor.fuzz.writeSeeds=true}.
 */
final class StorageSeeds {
    static final long TIMESTAMP = 1_767_225_600_000L;
    private static final List<Compression> CODECS = List.of(Compression.NONE, Compression.gzip().build(),
        Compression.snappy().build(), Compression.lz4().build(), Compression.zstd().build());
    private static final int COMPACT = 1;
    private static final int LOG_APPEND_TIME = 2;
    private static final int BEFORE_MAX = 4;
    private static final int SMALL_MAX = 64;
    private static final int FIX_CRCS = 128;

    private StorageSeeds() {
    }

    /** {@code RecordValidatorFuzzTest}: a topic config byte, then the records of one partition of a produce request. */
    static Map<String, byte[]> produced() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (Compression codec : CODECS) {
            String name = codec.type().name;
            seeds.put("seed-" + name, seed(0, produce(codec, 3)));
            seeds.put("seed-idempotent-" + name, seed(0, MemoryRecords.withIdempotentRecords(codec, 4001L, (short) 2, 17, records(3))));
            seeds.put("seed-compact-" + name, seed(COMPACT, produce(codec, 2)));
            seeds.put("seed-before-max-" + name, seed(BEFORE_MAX, produce(codec, 3)));
            // compression.type of the topic: the next codec in the list, so every batch is rebuilt.
            int target = 1 + (CODECS.indexOf(codec) + 1) % CODECS.size();
            seeds.put("seed-recompress-" + name, seed(target << 3, produce(codec, 3)));
        }
        seeds.put("seed-transactional-lz4", seed(0, MemoryRecords.withTransactionalRecords(Compression.lz4().build(), 4002L,
            (short) 0, 0, records(4))));
        seeds.put("seed-log-append-time", seed(LOG_APPEND_TIME, produce(Compression.NONE, 2)));
        seeds.put("seed-too-large", seed(SMALL_MAX, produce(Compression.NONE, 40)));
        seeds.put("seed-two-batches", seed(FIX_CRCS, concat(produce(Compression.NONE, 2), produce(Compression.gzip().build(), 2))));
        return seeds;
    }

    /** {@code FollowerAppendFuzzTest}: a byte picking the follower's log end, then a fetch response's records. */
    static Map<String, byte[]> fetched() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        int logEnd40 = 1 << 1;
        for (Compression codec : CODECS) {
            seeds.put("seed-leader-" + codec.type().name, seed(logEnd40, concat(served(codec, 40, 3), served(codec, 43, 2),
                served(Compression.NONE, 45, 1))));
        }
        MemoryRecords response = concat(served(Compression.NONE, 40, 3), served(Compression.lz4().build(), 43, 4));
        seeds.put("seed-cut-mid-batch", seed(logEnd40, cut(response, response.sizeInBytes() - 10)));
        seeds.put("seed-compacted-gaps", seed(logEnd40, concat(served(Compression.NONE, 40, 2), served(Compression.NONE, 50, 2))));
        seeds.put("seed-from-zero", seed(0, concat(served(Compression.zstd().build(), 0, 5), served(Compression.NONE, 5, 1))));
        long beyondInt = (1L << 31) + 5;
        seeds.put("seed-beyond-int", seed(3 << 1, concat(served(Compression.NONE, beyondInt, 2),
            served(Compression.NONE, beyondInt + 2, 2))));
        return seeds;
    }

    /** {@code LogRecoveryFuzzTest}: a flags byte, the offset index, the time index, the log file. */
    static Map<String, byte[]> segments() throws IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        int everyBatch = 4;
        for (Compression codec : CODECS) {
            Segment s = segment(codec, 4);
            seeds.put("seed-crashed-" + codec.type().name, s.seed(everyBatch, s.log()));
        }
        Segment mixed = segment(null, 6);
        seeds.put("seed-torn-tail", mixed.seed(everyBatch, Arrays.copyOf(mixed.log(), mixed.log().length - 7)));
        seeds.put("seed-zero-tail", mixed.seed(0, Arrays.copyOf(mixed.log(), mixed.log().length + 64)));
        seeds.put("seed-clean-shutdown", mixed.seed(2, mixed.log()));
        seeds.put("seed-clean-shutdown-stale-index", mixed.seed(2, Arrays.copyOf(mixed.log(), mixed.log().length / 2)));
        return seeds;
    }

    /** The files of a closed segment. */
    record Segment(byte[] index, byte[] timeIndex, byte[] log) {
        byte[] seed(int flags, byte[] logFile) {
            return ByteBuffer.allocate(1 + 2 + index.length + 2 + timeIndex.length + logFile.length).put((byte) flags)
                .putShort((short) index.length).put(index).putShort((short) timeIndex.length).put(timeIndex).put(logFile).array();
        }
    }

    /** Appends {@code batches} producer batches of {@code codec} (or of each codec in turn, for null) to a new log and closes it. */
    private static Segment segment(Compression codec, int batches) throws IOException {
        File root = Files.createTempDirectory("gregor-seeds").toFile();
        File dir = new File(root, "seeds-0");
        try {
            Log log = Log.open(new TopicPartition("seeds", 0), dir, LogConfig.create(Map.of(), Map.of("index.interval.bytes", "0")),
                new ManualTime(TIMESTAMP), new ManualScheduler(), false, 0, -1, -1);
            int sequence = 0;
            for (int i = 0; i < batches; i++) {
                Compression c = codec != null ? codec : CODECS.get(i % CODECS.size());
                if (i % 2 == 0) {
                    log.appendAsLeader(produce(c, 1 + i % 3), 3);
                } else {
                    log.appendAsLeader(MemoryRecords.withIdempotentRecords(c, 4003L, (short) 0, sequence, records(2)), 3);
                    sequence += 2;
                }
            }
            log.close();
            return new Segment(Files.readAllBytes(LogFiles.indexFile(dir, 0).toPath()),
                Files.readAllBytes(LogFiles.timeIndexFile(dir, 0).toPath()), Files.readAllBytes(LogFiles.logFile(dir, 0).toPath()));
        } finally {
            File[] files = dir.listFiles();
            if (files != null) {
                for (File f : files) {
                    Files.delete(f.toPath());
                }
            }
            Files.deleteIfExists(dir.toPath());
            Files.deleteIfExists(root.toPath());
        }
    }

    private static SimpleRecord[] records(int count) {
        Header[] headers = {new RecordHeader("trace-id", "4bf92f3577b34da6".getBytes(StandardCharsets.UTF_8))};
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(TIMESTAMP + i, ("order-" + i).getBytes(StandardCharsets.UTF_8),
                ("{\"id\":" + i + ",\"item\":\"book\",\"qty\":" + (i + 1) + "}").getBytes(StandardCharsets.UTF_8), headers);
        }
        return records;
    }

    private static MemoryRecords produce(Compression codec, int count) {
        return MemoryRecords.withRecords(codec, records(count));
    }

    /** A batch as a leader stores and serves it: offsets and a leader epoch assigned. */
    private static MemoryRecords served(Compression codec, long baseOffset, int count) {
        return MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, baseOffset, codec, TimestampType.CREATE_TIME,
            RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, 7, false, records(count));
    }

    private static MemoryRecords concat(MemoryRecords... parts) {
        return TestRecords.concat(parts);
    }

    private static MemoryRecords cut(MemoryRecords records, int length) {
        return TestRecords.cut(records, length);
    }

    private static byte[] seed(int control, MemoryRecords records) {
        ByteBuffer buf = records.buffer().duplicate();
        byte[] out = new byte[1 + buf.remaining()];
        out[0] = (byte) control;
        buf.get(out, 1, buf.remaining());
        return out;
    }
}
