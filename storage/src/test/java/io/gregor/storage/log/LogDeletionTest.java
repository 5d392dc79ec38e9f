package io.gregor.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.storage.cleaner.CleanerConfig;
import io.gregor.storage.config.LogConfig;
import io.gregor.testsupport.ManualTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting a partition's log while reads hold its segments: the directory is renamed to Kafka's
 * {@code <topic>-<partition>.<id>-delete} at once and deleted only after {@code file.delete.delay.ms}
 * (here: when the manual scheduler runs its tasks), so that the reads complete, and a log of the
 * same partition can be created at once.
 */
class LogDeletionTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final long t0 = time.milliseconds();
    private LogManager logs;

    @BeforeEach
    void start() throws Exception {
        logs = startLogManager();
    }

    @AfterEach
    void stop() throws Exception {
        logs.close();
    }

    private LogManager startLogManager() throws Exception {
        // An index entry for every batch, so that reads and time lookups go through the mapped indexes.
        LogConfig config = LogConfig.create(Map.of(), Map.of("index.interval.bytes", "1"));
        LogManager manager = new LogManager(new LogManager.Config(List.of(dir.toFile()), 1, 300_000, Long.MAX_VALUE, 60_000, 86_400_000,
            600_000, 300_000, new CleanerConfig(1, 1 << 20, 1 << 16, Double.MAX_VALUE, 15_000, false)), topic -> config, time, scheduler);
        manager.startup();
        return manager;
    }

    /** Batch {@code i} holds {@code value-i} at timestamp {@code T0 + i}, within the segment's segment.ms: one segment. */
    private void append(Log log, int batches) {
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(TestRecords.batch(t0 + i, "value-" + i), 0);
        }
    }

    @Test
    void shouldLetReadsThatHoldTheSegmentsCompleteAndDeleteTheFilesOnlyAfterTheDelay() throws Exception {
        // Given a log with records, a fetch's slice of it and an index lookup's answer taken before the deletion
        Log log = logs.getOrCreateLog(TP, Uuid.randomUuid());
        append(log, 200);
        FetchDataInfo slice = log.read(0, 1 << 20, FetchIsolation.LOG_END, true);

        // When the topic is deleted
        logs.deleteLog(TP);

        // Then its directory has Kafka's deletion name at once, and nothing is deleted yet
        assertThat(dir.resolve("orders-0")).doesNotExist();
        List<Path> deleting = deleteDirs();
        assertThat(deleting).singleElement().satisfies(p ->
            assertThat(p.getFileName().toString()).matches("orders-0\\.[0-9a-f]{32}-delete"));
        assertThat(deleting.get(0).resolve(LogFiles.filenamePrefix(0) + LogFiles.LOG_SUFFIX)).exists();
        // the slice taken before still reads whole, and lookups on the removed log still answer
        assertThat(values(slice)).hasSize(200).startsWith("value-0").endsWith("value-199");
        assertThat(values(log.read(150, 1 << 20, FetchIsolation.LOG_END, true))).startsWith("value-150");
        assertThat(log.offsetForTimestamp(t0 + 100).offset()).isEqualTo(100);

        // When the delay has passed
        scheduler.runPending();

        // Then the renamed directory is gone
        assertThat(deleteDirs()).isEmpty();
    }

    @Test
    void shouldNotCrashOrFailReadsRacingTheDeletion() throws Exception {
        // Given readers looking records up by offset and by time in a loop
        Log log = logs.getOrCreateLog(TP, Uuid.randomUuid());
        append(log, 500);
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong readsDone = new java.util.concurrent.atomic.AtomicLong();
        CountDownLatch reading = new CountDownLatch(2);
        ExecutorService readers = Executors.newFixedThreadPool(2);
        List<Future<Integer>> reads = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            reads.add(readers.submit(() -> {
                int done = 0;
                reading.countDown();
                while (!stop.get() && done < 1_000_000) {
                    long offset = done % 500;
                    FetchDataInfo info = log.read(offset, 4096, FetchIsolation.LOG_END, true);
                    assertThat(values(info).get(0)).isEqualTo("value-" + offset);
                    assertThat(log.offsetForTimestamp(t0 + offset).offset()).isEqualTo(offset);
                    done++;
                    readsDone.incrementAndGet();
                }
                return done;
            }));
        }
        try {
            assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();

            // When the log is deleted under them and the partition's log is created again at once
            logs.deleteLog(TP);
            Log recreated = logs.getOrCreateLog(TP, Uuid.randomUuid());
            recreated.appendAsLeader(TestRecords.batch(t0, "new"), 0);
            // Let the readers go on over the deleted log for a while (bounded: 10 s)
            long afterDelete = readsDone.get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (readsDone.get() < afterDelete + 1_000 && System.nanoTime() < deadline && reads.stream().noneMatch(Future::isDone)) {
                Thread.onSpinWait();
            }
            stop.set(true);

            // Then every read completed with the right records
            for (Future<Integer> read : reads) {
                assertThat(read.get(30, TimeUnit.SECONDS)).isPositive();
            }
        } finally {
            stop.set(true);
            readers.shutdownNow();
        }
        // and once the delay passed, the old files are gone and the new log is untouched
        scheduler.runPending();
        assertThat(deleteDirs()).isEmpty();
        Log recreated = logs.log(TP).orElseThrow();
        assertThat(values(recreated.read(0, 1 << 20, FetchIsolation.LOG_END, true))).containsExactly("new");
    }

    @Test
    void shouldCreateTheSameTopicAgainRightAfterDeletionInAFreshDirectory() throws Exception {
        // Given
        Log old = logs.getOrCreateLog(TP, Uuid.randomUuid());
        append(old, 10);

        // When the topic is deleted and created again before the old files are deleted
        logs.deleteLog(TP);
        Uuid newId = Uuid.randomUuid();
        Log recreated = logs.getOrCreateLog(TP, newId);
        recreated.appendAsLeader(TestRecords.batch(t0, "fresh"), 0);

        // Then the new log starts empty at offset 0 in orders-0, and deleting the old one later leaves it alone
        assertThat(recreated).isNotSameAs(old);
        assertThat(recreated.dir().toPath()).isEqualTo(dir.resolve("orders-0"));
        assertThat(logs.topicIdOf(recreated)).isEqualTo(newId);
        scheduler.runPending();
        assertThat(values(recreated.read(0, 1 << 20, FetchIsolation.LOG_END, true))).containsExactly("fresh");
        assertThat(recreated.logEndOffset()).isEqualTo(1);
        assertThat(deleteDirs()).isEmpty();

        // and after a restart it is still there
        logs.close();
        logs = startLogManager();
        assertThat(values(logs.log(TP).orElseThrow().read(0, 1 << 20, FetchIsolation.LOG_END, true))).containsExactly("fresh");
    }

    @Test
    void shouldDeleteDirectoriesWhoseDeletionTheLastRunDidNotFinishAtStart() throws Exception {
        // Given a log deleted but not yet past its delay when the broker stopped (killed: close would delete it)
        append(logs.getOrCreateLog(TP, Uuid.randomUuid()), 5);
        logs.deleteLog(TP);
        Path leftover = deleteDirs().get(0);
        logs.close();
        Files.createDirectories(leftover);
        Files.writeString(leftover.resolve(LogFiles.filenamePrefix(0) + LogFiles.LOG_SUFFIX), "left over");

        // When it starts again
        logs = startLogManager();

        // Then the leftover is gone and not loaded as a partition
        assertThat(leftover).doesNotExist();
        assertThat(logs.allLogs()).isEmpty();
    }

    private List<Path> deleteDirs() throws Exception {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(p -> LogFiles.isDeleteDir(p.getFileName().toString())).toList();
        }
    }

    private static List<String> values(FetchDataInfo info) throws Exception {
        List<String> out = new ArrayList<>();
        MemoryRecords records = info.toMemoryRecords();
        for (RecordBatch batch : records.batches()) {
            for (Record r : batch) {
                out.add(TestRecords.value(r));
            }
        }
        return out;
    }
}
