package io.gregor.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gregor.storage.config.LogConfig;
import io.gregor.testsupport.AllocationBudget;
import io.gregor.testsupport.ManualTime;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing of log recovery: {@link Log#open} on a partition directory holding one
 * segment whose {@code .log}, {@code .index} and {@code .timeindex} files are the input, as
 * after a crash that tore or corrupted them ({@link LogLoader}, {@link LogSegment#recover},
 * {@link SegmentRecoveryScan}, {@link OffsetIndex}, {@link TimeIndex}).
 *
 * <p>Input: byte 0 (bit 0: give every framed batch of the log file a valid CRC,
 * {@link FuzzBatches#fixCrcs}; bit 1: the broker shut down cleanly, so the files are trusted
 * unless the indexes fail their sanity check; bit 2: an index entry after every batch instead of
 * every 100 bytes), then the offset index (a 2-byte length and its bytes), the time index (the
 * same), and the rest is the log file. Seeds ({@code LogRecoveryFuzzTestInputs}) are segment
 * files a {@link Log} wrote for batches of each codec, some cut mid-batch or with stale
 * indexes ({@code StorageSeeds}).
 *
 * <p>For every input, opening the log either succeeds or, after a clean shutdown that left
 * corrupt files, fails with a storage error ({@link IOException}, {@link KafkaStorageException},
 * {@link CorruptRecordException}, {@link InvalidRecordException}); nothing hangs, and heap
 * allocation stays within {@link #BUDGET}. After recovery (an unclean shutdown):
 * <ul>
 *   <li>the log file is the longest prefix of valid batches of the input (sizes, magic v2, CRC,
 *       offsets increasing and within the segment's relative-offset range), and the log ends
 *       after the last of them (log end = last valid offset + 1);</li>
 *   <li>a read from each batch's offsets starts at that batch, and every offset index entry
 *       points at the start of the batch ending at its offset; the time index grows in both
 *       columns and points into the log;</li>
 *   <li>a producer's batch appended next gets the log end as its offset and reads back.</li>
 * </ul>
 */
class LogRecoveryFuzzTest {
    static final AllocationBudget BUDGET = new AllocationBudget(4 * 1024 * 1024, 64);
    private static final TopicPartition TP = new TopicPartition("recovered", 0);
    private static final ScratchLogDir DIR = new ScratchLogDir("recovery-fuzz");
    private static final ManualScheduler SCHEDULER = new ManualScheduler();
    private static final ManualTime TIME = new ManualTime(StorageSeeds.TIMESTAMP);
    private static final LogConfig EVERY_BATCH = LogConfig.create(Map.of(), Map.of("index.interval.bytes", "0",
        "segment.index.bytes", "65536"));
    private static final LogConfig EVERY_100_BYTES = LogConfig.create(Map.of(), Map.of("index.interval.bytes", "100",
        "segment.index.bytes", "65536"));
    private static final MemoryRecords NEXT = MemoryRecords.withRecords(Compression.NONE,
        new SimpleRecord(StorageSeeds.TIMESTAMP, "k".getBytes(), "after recovery".getBytes()));

    @AfterAll
    static void deleteDir() throws IOException {
        DIR.delete();
    }

    @FuzzTest
    void recoversAnyCorruptedSegment(byte[] input) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(input);
        if (in.remaining() < 1) {
            return;
        }
        byte flags = in.get();
        byte[] index = part(in);
        byte[] timeIndex = part(in);
        byte[] logFile = new byte[in.remaining()];
        in.get(logFile);
        if (FuzzBatches.flag(flags, 0)) {
            FuzzBatches.fixCrcs(ByteBuffer.wrap(logFile));
        }
        boolean cleanShutdown = FuzzBatches.flag(flags, 1);
        LogConfig config = FuzzBatches.flag(flags, 2) ? EVERY_BATCH : EVERY_100_BYTES;

        File dir = DIR.dir(TP);
        Log[] opened = new Log[1];
        BUDGET.check(input.length, () -> {
            if (opened[0] != null) {
                opened[0].close();
                opened[0] = null;
            }
            clear(dir);
            Files.createDirectories(dir.toPath());
            Files.write(LogFiles.logFile(dir, 0).toPath(), logFile);
            Files.write(LogFiles.indexFile(dir, 0).toPath(), index);
            Files.write(LogFiles.timeIndexFile(dir, 0).toPath(), timeIndex);
            try {
                opened[0] = Log.open(TP, dir, config, TIME, SCHEDULER, cleanShutdown, 0, -1, -1);
            } catch (IOException | KafkaStorageException | CorruptRecordException | InvalidRecordException e) {
                if (!cleanShutdown) {
                    throw e;
                }
            }
        });
        Log log = opened[0];
        if (log == null) {
            return;
        }
        try {
            if (!cleanShutdown) {
                assertRecovered(log, logFile);
            }
        } finally {
            log.close();
            SCHEDULER.runPending();
        }
        if (!cleanShutdown) {
            assertIndexesOnDisk(dir, log.logEndOffset());
        }
    }

    private static void assertRecovered(Log log, byte[] original) throws IOException {
        List<Batch> batches = validPrefix(ByteBuffer.wrap(original));
        int validBytes = batches.isEmpty() ? 0 : batches.get(batches.size() - 1).end();
        byte[] kept = Files.readAllBytes(log.activeSegment().logFile().toPath());
        assertThat(kept).as("log file after recovery").isEqualTo(java.util.Arrays.copyOf(original, validBytes));
        long logEnd = batches.isEmpty() ? 0 : batches.get(batches.size() - 1).lastOffset() + 1;
        assertThat(log.logEndOffset()).as("log end").isEqualTo(logEnd);
        assertThat(log.logStartOffset()).isZero();
        for (Batch batch : batches) {
            for (long offset : new long[] {batch.baseOffset(), batch.lastOffset()}) {
                LogSegment.BatchPosition found = log.activeSegment().translateOffset(offset);
                assertThat(found).as("batch holding offset %d", offset).isNotNull();
                assertThat(found.position()).as("position of the batch holding offset %d", offset).isEqualTo(batch.position());
            }
        }
        LogAppendInfo appended = log.appendAsLeader(TestRecords.copy(NEXT), 1);
        assertThat(appended.firstOffset()).as("offset of the next append").isEqualTo(logEnd);
        MutableRecordBatch read = log.read(logEnd, 1 << 20, FetchIsolation.LOG_END, true).toMemoryRecords().batches().iterator().next();
        assertThat(read.baseOffset()).isEqualTo(logEnd);
        assertThat(read.isValid()).isTrue();
    }

    /** The closed segment's indexes: offset entries at batch starts, time entries growing. */
    private static void assertIndexesOnDisk(File dir, long logEnd) throws IOException {
        ByteBuffer log = ByteBuffer.wrap(Files.readAllBytes(LogFiles.logFile(dir, 0).toPath()));
        List<Batch> batches = validPrefix(log);
        assertThat(batches.isEmpty() ? 0 : batches.get(batches.size() - 1).end()).as("whole file valid").isEqualTo(log.limit());
        ByteBuffer index = ByteBuffer.wrap(Files.readAllBytes(LogFiles.indexFile(dir, 0).toPath()));
        while (index.remaining() >= OffsetIndex.ENTRY_SIZE) {
            long offset = index.getInt();
            int position = index.getInt();
            assertThat(batches).as("a batch at %d ending at offset %d", position, offset)
                .anyMatch(b -> b.position() == position && b.lastOffset() == offset);
        }
        ByteBuffer time = ByteBuffer.wrap(Files.readAllBytes(LogFiles.timeIndexFile(dir, 0).toPath()));
        long lastTimestamp = Long.MIN_VALUE;
        long lastOffset = -1;
        while (time.remaining() >= TimeIndex.ENTRY_SIZE) {
            long timestamp = time.getLong();
            long offset = time.getInt();
            assertThat(timestamp).as("time index timestamps grow").isGreaterThan(lastTimestamp);
            assertThat(offset).as("time index offsets grow").isGreaterThanOrEqualTo(lastOffset).isLessThan(Math.max(1, logEnd));
            lastTimestamp = timestamp;
            lastOffset = offset;
        }
    }

    /** A batch of the reference walk: where it lies and its offsets. */
    record Batch(int position, int size, long baseOffset, long lastOffset) {
        int end() {
            return position + size;
        }
    }

    /** The batches recovery must keep: the valid ones from the start, up to the first that is not. */
    static List<Batch> validPrefix(ByteBuffer file) {
        List<Batch> batches = new ArrayList<>();
        long last = -1;
        for (int at = 0; file.limit() - at >= BatchHeader.SIZE; ) {
            int size = BatchHeader.totalSize(file, at);
            if (size < BatchHeader.SIZE || size > file.limit() - at) {
                break;
            }
            ByteBuffer slice = file.duplicate().position(at).limit(at + size).slice();
            long base = BatchHeader.baseOffset(slice, 0);
            long lastOffset = BatchHeader.lastOffset(slice, 0);
            if (BatchHeader.magic(slice, 0) != 2 || base <= last || lastOffset < base || lastOffset > Integer.MAX_VALUE
                || !MemoryRecords.readableRecords(slice).batches().iterator().next().isValid()) {
                break;
            }
            batches.add(new Batch(at, size, base, lastOffset));
            last = lastOffset;
            at += size;
        }
        return batches;
    }

    private static byte[] part(ByteBuffer in) {
        if (in.remaining() < 2) {
            return new byte[0];
        }
        int length = Math.min(in.getShort() & 0xffff, in.remaining());
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static void clear(File dir) throws IOException {
        File[] files = dir.listFiles();
        if (files != null) {
            for (File f : files) {
                Files.delete(f.toPath());
            }
        }
    }
}
