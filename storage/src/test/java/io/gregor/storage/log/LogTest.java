package io.gregor.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.gregor.storage.config.LogConfig;
import io.gregor.testsupport.ManualTime;
import java.io.File;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    @TempDir
    Path tmp;
    private final ManualTime time = new ManualTime();
    private final ManualScheduler scheduler = new ManualScheduler();
    private Log log;

    @BeforeEach
    void setUp() throws Exception {
        log = open(Map.of(), false);
    }

    @AfterEach
    void tearDown() throws Exception {
        log.close();
    }

    private Log open(Map<String, String> overrides, boolean cleanShutdown) throws Exception {
        return Log.open(TP, dir(), LogConfig.create(Map.of(), overrides), time, scheduler, cleanShutdown, 0, -1, -1);
    }

    private File dir() {
        return tmp.resolve("orders-0").toFile();
    }

    private void hwToEnd() {
        log.updateHighWatermark(log.logEndOffsetMetadata());
    }

    @Test
    void shouldAssignDenseOffsetsAndReadRecordsBack() throws Exception {
        LogAppendInfo first = log.appendAsLeader(TestRecords.batch(time.milliseconds(), "a", "b", "c"), 0);
        LogAppendInfo second = log.appendAsLeader(TestRecords.batch(time.milliseconds(), "d"), 0);
        hwToEnd();

        assertThat(first.firstOffset()).isZero();
        assertThat(first.lastOffset()).isEqualTo(2);
        assertThat(second.firstOffset()).isEqualTo(3);
        List<Record> records = TestRecords.records(log.read(1, 1 << 20, FetchIsolation.HIGH_WATERMARK, true));
        assertThat(records).extracting(Record::offset).containsExactly(0L, 1L, 2L, 3L);
        assertThat(records).extracting(TestRecords::value).containsExactly("a", "b", "c", "d");
    }

    @Test
    void shouldNotExposeRecordsAboveTheHighWatermark() throws Exception {
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "a"), 0);
        hwToEnd();
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "b"), 0);

        assertThat(TestRecords.records(log.read(0, 1 << 20, FetchIsolation.HIGH_WATERMARK, true)))
            .extracting(TestRecords::value).containsExactly("a");
        assertThat(TestRecords.records(log.read(0, 1 << 20, FetchIsolation.LOG_END, true)))
            .extracting(TestRecords::value).containsExactly("a", "b");
    }

    @Test
    void shouldRejectReadsOutsideTheLog() {
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "a"), 0);
        assertThatThrownBy(() -> log.read(5, 100, FetchIsolation.LOG_END, true)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void shouldRollSegmentsAndFindOffsetsAcrossThem() throws Exception {
        log.close();
        log = open(Map.of("segment.bytes", String.valueOf(1024 * 1024), "index.interval.bytes", "1"), false);
        String big = "x".repeat(100_000);
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(TestRecords.batch(time.milliseconds(), big + i), 0);
        }
        hwToEnd();
        assertThat(log.numberOfSegments()).isGreaterThan(1);
        for (int offset : new int[] {0, 9, 10, 11, 29}) {
            List<Record> records = TestRecords.records(log.read(offset, 1, FetchIsolation.HIGH_WATERMARK, true));
            assertThat(records).first().extracting(Record::offset).isEqualTo((long) offset);
            assertThat(TestRecords.value(records.get(0))).isEqualTo(big + offset);
        }
    }

    @Test
    void shouldReturnFirstBatchWholeEvenWhenLargerThanMaxBytes() throws Exception {
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "x".repeat(5000)), 0);
        hwToEnd();
        assertThat(TestRecords.records(log.read(0, 10, FetchIsolation.HIGH_WATERMARK, true))).hasSize(1);
        assertThat(log.read(0, 10, FetchIsolation.HIGH_WATERMARK, false).records().sizeInBytes()).isEqualTo(10);
    }

    @Test
    void shouldRecoverAfterATornWriteAndKeepEarlierRecords() throws Exception {
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "a", "b"), 0);
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "c"), 0);
        File segment = log.activeSegment().logFile();
        long goodLength = segment.length();
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "torn-away"), 0);
        // Simulate a crash in the middle of the last write: cut the file inside the last batch.
        try (RandomAccessFile raf = new RandomAccessFile(segment, "rw")) {
            raf.setLength(goodLength + 20);
        }
        Log recovered = open(Map.of(), false);
        try {
            assertThat(recovered.logEndOffset()).isEqualTo(3);
            recovered.updateHighWatermark(recovered.logEndOffsetMetadata());
            assertThat(TestRecords.records(recovered.read(0, 1 << 20, FetchIsolation.HIGH_WATERMARK, true)))
                .extracting(TestRecords::value).containsExactly("a", "b", "c");
            assertThat(recovered.activeSegment().size()).isEqualTo((int) goodLength);
            LogAppendInfo next = recovered.appendAsLeader(TestRecords.batch(time.milliseconds(), "d"), 0);
            assertThat(next.firstOffset()).isEqualTo(3);
        } finally {
            recovered.close();
        }
    }

    @Test
    void shouldTruncateAtACorruptedBatchDuringRecovery() throws Exception {
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "a"), 0);
        long firstEnd = log.activeSegment().size();
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "b"), 0);
        File segment = log.activeSegment().logFile();
        try (RandomAccessFile raf = new RandomAccessFile(segment, "rw")) {
            raf.seek(firstEnd + 70);
            raf.write(0x5a);
        }
        Log recovered = open(Map.of(), false);
        try {
            assertThat(recovered.logEndOffset()).isEqualTo(1);
        } finally {
            recovered.close();
        }
    }

    @Test
    void shouldReopenCleanlyWithoutLosingOffsets() throws Exception {
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(TestRecords.batch(time.milliseconds(), "v" + i), 0);
        }
        log.close();
        log = open(Map.of(), true);
        assertThat(log.logEndOffset()).isEqualTo(10);
        assertThat(log.appendAsLeader(TestRecords.batch(time.milliseconds(), "v10"), 0).firstOffset()).isEqualTo(10);
    }

    @Test
    void shouldValidateBatches() {
        MemoryRecords big = TestRecords.batch(time.milliseconds(), "x".repeat(2_000_000));
        assertThatThrownBy(() -> log.appendAsLeader(big, 0)).isInstanceOf(RecordTooLargeException.class);

        MemoryRecords corrupt = TestRecords.copy(TestRecords.batch(time.milliseconds(), "hello"));
        corrupt.buffer().put(corrupt.buffer().limit() - 2, (byte) 0x33);
        assertThatThrownBy(() -> log.appendAsLeader(corrupt, 0)).isInstanceOf(CorruptRecordException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void shouldRejectRecordsWithoutKeyOnCompactedTopics() throws Exception {
        log.close();
        log = open(Map.of("cleanup.policy", "compact"), false);
        assertThatThrownBy(() -> log.appendAsLeader(TestRecords.keyed(time.milliseconds(), null, "v"), 0))
            .isInstanceOf(InvalidRecordException.class);
        assertThatCode(() -> log.appendAsLeader(TestRecords.batch(Compression.gzip().build(), time.milliseconds(), "a"), 0))
            .doesNotThrowAnyException();
        assertThat(log.appendAsLeader(TestRecords.keyed(time.milliseconds(), "k", "v"), 0).recordCount()).isEqualTo(1);
    }

    @Test
    void shouldStoreCompressedBatchesAsReceived() throws Exception {
        MemoryRecords gzip = TestRecords.batch(Compression.gzip().build(), time.milliseconds(), "a", "b", "c");
        int size = gzip.sizeInBytes();
        log.appendAsLeader(gzip, 0);
        hwToEnd();
        assertThat(log.size()).isEqualTo(size);
        assertThat(TestRecords.records(log.read(0, 1 << 20, FetchIsolation.HIGH_WATERMARK, true)))
            .extracting(TestRecords::value).containsExactly("a", "b", "c");
    }

    @Test
    void shouldDetectIdempotentDuplicatesAndSequenceGaps() throws Exception {
        LogAppendInfo first = log.appendAsLeader(TestRecords.idempotent(7L, (short) 0, 0, "a", "b"), 0);
        LogAppendInfo retry = log.appendAsLeader(TestRecords.idempotent(7L, (short) 0, 0, "a", "b"), 0);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(first.firstOffset());
        assertThat(log.logEndOffset()).isEqualTo(2);

        assertThatThrownBy(() -> log.appendAsLeader(TestRecords.idempotent(7L, (short) 0, 5, "gap"), 0))
            .isInstanceOf(OutOfOrderSequenceException.class);
        log.appendAsLeader(TestRecords.idempotent(7L, (short) 1, 0, "new-epoch"), 0);
        assertThatThrownBy(() -> log.appendAsLeader(TestRecords.idempotent(7L, (short) 0, 2, "stale"), 0))
            .isInstanceOf(InvalidProducerEpochException.class);
    }

    @Test
    void shouldRememberProducerStateAcrossUncleanRestart() throws Exception {
        log.appendAsLeader(TestRecords.idempotent(9L, (short) 0, 0, "a"), 0);
        log.appendAsLeader(TestRecords.idempotent(9L, (short) 0, 1, "b"), 0);
        // No close: like a SIGKILL; the data is in the page cache.
        Log restarted = open(Map.of(), false);
        try {
            assertThat(restarted.appendAsLeader(TestRecords.idempotent(9L, (short) 0, 1, "b"), 0).duplicate()).isTrue();
            assertThatThrownBy(() -> restarted.appendAsLeader(TestRecords.idempotent(9L, (short) 0, 3, "c"), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
        } finally {
            restarted.close();
        }
    }

    @Test
    void shouldDeleteSegmentsByRetentionTimeAndSize() throws Exception {
        log.close();
        log = open(Map.of("segment.bytes", String.valueOf(1024 * 1024), "retention.ms", "60000"), false);
        String big = "y".repeat(300_000);
        for (int i = 0; i < 8; i++) {
            log.appendAsLeader(TestRecords.batch(time.milliseconds(), big), 0);
        }
        hwToEnd();
        int before = log.numberOfSegments();
        assertThat(before).isGreaterThan(2);
        time.advance(120_000);
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "fresh"), 0);
        hwToEnd();
        assertThat(log.deleteOldSegments()).isEqualTo(before - 1);
        assertThat(log.logStartOffset()).isEqualTo(6);
        scheduler.runPending();
        assertThat(TestRecords.records(log.read(8, 1 << 20, FetchIsolation.HIGH_WATERMARK, true)))
            .extracting(TestRecords::value).containsExactly("fresh");
    }

    @Test
    void shouldFindOffsetsByTimestamp() throws Exception {
        long t0 = time.milliseconds();
        log.appendAsLeader(TestRecords.batch(t0, "a"), 0);
        log.appendAsLeader(TestRecords.batch(t0 + 1000, "b"), 0);
        log.appendAsLeader(TestRecords.batch(t0 + 2000, "c"), 0);
        hwToEnd();
        assertThat(log.offsetForTimestamp(t0 + 500).offset()).isEqualTo(1);
        assertThat(log.offsetForTimestamp(t0 + 2000).offset()).isEqualTo(2);
        assertThat(log.offsetForTimestamp(t0 + 5000)).isEqualTo(TimestampOffset.UNKNOWN);
        assertThat(log.maxTimestampRecord()).isEqualTo(new TimestampOffset(t0 + 2000, 2));
    }

    @Test
    void shouldTruncateToAnOffset() throws Exception {
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(TestRecords.batch(time.milliseconds(), "v" + i), 0);
        }
        log.truncateTo(3);
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(log.appendAsLeader(TestRecords.batch(time.milliseconds(), "w"), 0).firstOffset()).isEqualTo(3);
    }
}
