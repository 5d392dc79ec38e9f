package io.gregor.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.storage.config.LogConfig;
import io.gregor.testsupport.ManualTime;
import io.gregor.storage.util.Scheduler;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cleaner's swap of a cleaned segment for the segments it was made from. */
class CleanerSegmentSwapTest {
    private static final TopicPartition TP = new TopicPartition("compacted", 0);

    @TempDir
    Path tmp;
    private final ManualTime time = new ManualTime();
    /** Runs {@link #probe} whenever a removed segment's deletion is scheduled, i.e. in the middle of a swap. */
    private final ProbingScheduler scheduler = new ProbingScheduler();
    private Log log;

    @BeforeEach
    void setUp() throws Exception {
        log = Log.open(TP, dir(), LogConfig.create(Map.of(), Map.of("cleanup.policy", "compact")), time, scheduler, true, 0, -1, -1);
        for (int segment = 0; segment < 3; segment++) {
            log.appendAsLeader(TestRecords.batch(time.milliseconds(), "s" + segment + "a", "s" + segment + "b"), 0);
            log.roll();
        }
        log.updateHighWatermark(log.logEndOffsetMetadata());
    }

    @AfterEach
    void tearDown() throws Exception {
        log.close();
    }

    private File dir() {
        return tmp.resolve("compacted-0").toFile();
    }

    /** A "cleaned" segment that keeps every batch of {@code old}, as a cleaning with nothing to drop writes it. */
    private LogSegment cleanedCopyOf(List<LogSegment> old) throws Exception {
        LogSegment cleaned = log.newCleanedSegment(old.get(0).baseOffset());
        for (LogSegment source : old) {
            cleaned.appendCleaned(source.readBytes(0, source.size()));
        }
        cleaned.seal();
        cleaned.flushAndTrim();
        return cleaned;
    }

    private List<Long> offsetsReadFromTheStart() throws Exception {
        List<Long> offsets = new ArrayList<>();
        for (Record r : TestRecords.records(log.read(log.logStartOffset(), 1 << 20, FetchIsolation.HIGH_WATERMARK, true))) {
            offsets.add(r.offset());
        }
        return offsets;
    }

    @Test
    void shouldKeepTheCleanedOffsetsReadableWhileTheSwapRemovesTheOldSegments() throws Exception {
        // Given: the two oldest segments (offsets 0-3) and their cleaned copy
        List<LogSegment> old = log.inactiveSegments().subList(0, 2);
        LogSegment cleaned = cleanedCopyOf(old);
        List<List<Long>> seenDuringSwap = new ArrayList<>();
        scheduler.probe = () -> seenDuringSwap.add(offsetsReadFromTheStart());

        // When: the swap removes the old segments (a lock-free read runs at each removal)
        boolean swapped = log.replaceSegments(old, cleaned);

        // Then: every read during the swap found offset 0 onwards, never a hole
        assertThat(swapped).isTrue();
        assertThat(seenDuringSwap).hasSize(2).allSatisfy(offsets -> assertThat(offsets).startsWith(0L, 1L, 2L, 3L));
        assertThat(log.segments()).contains(cleaned).doesNotContainAnyElementsOf(old);
    }

    @Test
    void shouldRenameTheOldSegmentsToDeletedAndDeleteThemOnlyAfterTheDelay() throws Exception {
        List<LogSegment> old = log.inactiveSegments().subList(0, 2);
        File oldSecond = old.get(1).logFile();
        log.replaceSegments(old, cleanedCopyOf(old));

        File deleted = new File(oldSecond.getPath() + LogFiles.DELETED_SUFFIX);
        assertThat(oldSecond).doesNotExist();
        assertThat(deleted).exists();
        assertThat(LogFiles.logFile(dir(), 0)).as("the cleaned segment took the first one's name").exists();

        scheduler.runPending();
        assertThat(deleted).doesNotExist();
        assertThat(dir().list()).noneMatch(n -> n.endsWith(LogFiles.SWAP_SUFFIX) || n.endsWith(LogFiles.CLEANED_SUFFIX));
        assertThat(offsetsReadFromTheStart()).as("one read returns one segment's batches").containsExactly(0L, 1L, 2L, 3L);
        assertThat(TestRecords.records(log.read(4, 1 << 20, FetchIsolation.HIGH_WATERMARK, true))).extracting(Record::offset)
            .containsExactly(4L, 5L);
    }

    @Test
    void shouldRefuseTheSwapWhenASegmentLeftTheLogWhileCleaning() throws Exception {
        List<LogSegment> old = log.inactiveSegments().subList(0, 2);
        LogSegment cleaned = cleanedCopyOf(old);
        log.truncateFullyAndStartAt(6);

        assertThat(log.replaceSegments(old, cleaned)).isFalse();
        assertThat(log.segments()).doesNotContain(cleaned);
        assertThat(log.logStartOffset()).isEqualTo(6);
        cleaned.close();
    }

    /** Keeps one-shot tasks for {@link #runPending()}; calls {@link #probe} as each is scheduled. */
    private static final class ProbingScheduler implements Scheduler {
        private final ManualScheduler tasks = new ManualScheduler();
        ThrowingRunnable probe = () -> { };

        @Override
        public ScheduledFuture<?> schedule(String name, Runnable task, long delayMs, long periodMs) {
            if (name.equals("delete-segment")) {
                try {
                    probe.run();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
            return tasks.schedule(name, task, delayMs, periodMs);
        }

        void runPending() {
            tasks.runPending();
        }

        @Override
        public void close() {
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
