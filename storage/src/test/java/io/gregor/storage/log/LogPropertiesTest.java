package io.gregor.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.storage.config.LogConfig;
import io.gregor.testsupport.ManualTime;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Log invariants for random workloads on a real {@link Log} with small segments:
 * <ul>
 *   <li>any sequence of appends, rolls, truncations, DeleteRecords with retention, clean
 *       restarts and crashes (the files reopened as they are, without a clean shutdown) keeps
 *       {@code logStart <= highWatermark <= logEnd}, and the records from the log start to the
 *       log end are exactly the model's, at contiguous offsets;</li>
 *   <li>a lookup by timestamp finds the first record (in offset order) whose timestamp is at or
 *       after the target;</li>
 *   <li>recovering a cleanly written log (every segment rescanned after a crash) changes nothing:
 *       the same log end, and the same bytes in every segment and index file.</li>
 * </ul>
 */
class LogPropertiesTest {
    private static final TopicPartition TP = new TopicPartition("props", 0);
    private static final List<Compression> CODECS = List.of(Compression.NONE, Compression.gzip().build(),
        Compression.snappy().build(), Compression.lz4().build(), Compression.zstd().build());
    /** Segments roll when their time index is full: 8 entries, one per 150 bytes of batches. */
    private static final Map<String, String> SMALL_SEGMENTS = Map.of("index.interval.bytes", "150", "segment.index.bytes", "96",
        "file.delete.delay.ms", "0");

    /** One step of a workload. */
    sealed interface Op permits Append, Roll, Truncate, DeleteRecords, Restart, Crash {
    }

    record Append(int records, int codec) implements Op {
    }

    record Roll() implements Op {
    }

    /**
     * Truncates to the batch boundary this far (in percent) from the log start to the log end: a
     * follower truncates to where its leader's epochs or high watermark end, always between
     * batches.
     */
    record Truncate(int percent) implements Op {
    }

    /** Moves the log start this far towards the log end and runs retention. */
    record DeleteRecords(int percent) implements Op {
    }

    record Restart() implements Op {
    }

    record Crash() implements Op {
    }

    @Provide
    Arbitrary<List<Op>> workloads() {
        Arbitrary<Op> append = Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.integers().between(0, 4))
            .as(Append::new);
        Arbitrary<Op> percent = Arbitraries.integers().between(0, 100).map(Truncate::new);
        Arbitrary<Op> delete = Arbitraries.integers().between(0, 100).map(DeleteRecords::new);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(10, append), net.jqwik.api.Tuple.of(1, Arbitraries.just(new Roll())),
            net.jqwik.api.Tuple.of(2, percent), net.jqwik.api.Tuple.of(2, delete),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(new Restart())), net.jqwik.api.Tuple.of(1, Arbitraries.just(new Crash())));
        return op.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 80)
    void anyWorkloadKeepsOffsetsContiguousAndRecordsIntact(@ForAll("workloads") List<Op> workload) throws Exception {
        ScratchLogDir scratch = new ScratchLogDir("log-props");
        ManualTime time = new ManualTime(StorageSeeds.TIMESTAMP);
        ManualScheduler scheduler = new ManualScheduler();
        LogConfig config = LogConfig.create(Map.of(), SMALL_SEGMENTS);
        File dir = scratch.dir(TP);
        Log log = Log.open(TP, dir, config, time, scheduler, true, 0, -1, -1);
        TreeMap<Long, String> model = new TreeMap<>();
        long start = 0;
        java.util.TreeSet<Long> batchStarts = new java.util.TreeSet<>();
        long end = 0;
        int written = 0;
        int dirs = 0;
        try {
            for (Op op : workload) {
                if (op instanceof Append a) {
                    String[] values = new String[a.records()];
                    SimpleRecord[] records = new SimpleRecord[a.records()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = "value-" + written++;
                        records[i] = new SimpleRecord(time.milliseconds(), null, values[i].getBytes(StandardCharsets.UTF_8));
                    }
                    LogAppendInfo info = log.appendAsLeader(MemoryRecords.withRecords(CODECS.get(a.codec()), records), 1);
                    for (int i = 0; i < values.length; i++) {
                        model.put(info.firstOffset() + i, values[i]);
                    }
                    batchStarts.add(info.firstOffset());
                    end = info.lastOffset() + 1;
                } else if (op instanceof Roll) {
                    log.roll();
                } else if (op instanceof Truncate t) {
                    long to = boundary(batchStarts, start, end, t.percent());
                    log.truncateTo(to);
                    model.tailMap(to, true).clear();
                    batchStarts.tailSet(to, true).clear();
                    end = to;
                } else if (op instanceof DeleteRecords d) {
                    log.updateHighWatermark(log.logEndOffsetMetadata());
                    long to = start + (end - start) * d.percent() / 100;
                    start = Math.max(start, log.maybeIncrementLogStartOffset(to));
                    log.deleteOldSegments();
                    model.headMap(start, false).clear();
                } else if (op instanceof Restart) {
                    long hw = log.highWatermark();
                    log.close();
                    log = Log.open(TP, dir, config, time, scheduler, true, log.recoveryPoint(), start, hw);
                } else if (op instanceof Crash) {
                    // The files as they are at this moment, reopened without a clean shutdown.
                    File copy = scratch.root().resolve("crash-" + dirs++).resolve(TP.topic() + "-" + TP.partition()).toFile();
                    copyFiles(dir, copy);
                    long hw = log.highWatermark();
                    long recoveryPoint = log.recoveryPoint();
                    log.close();
                    dir = copy;
                    log = Log.open(TP, dir, config, time, scheduler, false, recoveryPoint, start, hw);
                }
                scheduler.runPending();
                assertLogMatches(log, start, end, model, op);
            }
        } finally {
            log.close();
            scratch.delete();
        }
    }

    /** The batch start (or the log end) {@code percent} of the way from {@code start} to {@code end}. */
    private static long boundary(java.util.TreeSet<Long> batchStarts, long start, long end, int percent) {
        long target = start + (end - start) * percent / 100;
        Long floor = batchStarts.floor(target);
        Long ceiling = batchStarts.ceiling(target);
        long candidate = ceiling == null ? end : ceiling;
        if (floor != null && floor >= start && target - floor <= candidate - target) {
            candidate = floor;
        }
        return Math.max(candidate, start);
    }

    private static void assertLogMatches(Log log, long start, long end, TreeMap<Long, String> model, Op after) throws IOException {
        assertThat(log.logStartOffset()).as("log start after %s", after).isEqualTo(start);
        assertThat(log.logEndOffset()).as("log end after %s", after).isEqualTo(end);
        assertThat(log.highWatermark()).as("high watermark after %s", after).isBetween(start, end);
        assertThat(model.size()).as("records from the log start to the log end after %s", after).isEqualTo(end - start);
        TreeMap<Long, String> read = new TreeMap<>();
        for (Record r : records(log, start)) {
            if (r.offset() >= start) {
                assertThat(read.put(r.offset(), value(r))).as("offset %d read twice", r.offset()).isNull();
            }
        }
        assertThat(read).as("records after %s", after).isEqualTo(model);
        long previous = -1;
        for (LogSegment segment : log.segments()) {
            assertThat(segment.baseOffset()).as("segment bases increase").isGreaterThan(previous);
            previous = segment.baseOffset();
        }
    }

    @Property(tries = 150)
    void offsetForTimestampFindsTheFirstRecordAtOrAfterTheTarget(
        @ForAll @Size(min = 1, max = 60) List<@LongRange(min = 0, max = 1_000) Long> timestamps,
        @ForAll @Size(min = 1, max = 10) List<@LongRange(min = -5, max = 1_010) Long> targets) throws Exception {
        ScratchLogDir scratch = new ScratchLogDir("time-props");
        ManualTime time = new ManualTime(StorageSeeds.TIMESTAMP + 1_000);
        Log log = Log.open(TP, scratch.dir(TP), LogConfig.create(Map.of(), SMALL_SEGMENTS), time, new ManualScheduler(), true, 0, -1, -1);
        try {
            List<Long> byOffset = new ArrayList<>();
            for (int at = 0; at < timestamps.size(); at += 3) {
                List<SimpleRecord> batch = new ArrayList<>();
                for (int i = at; i < Math.min(at + 3, timestamps.size()); i++) {
                    long ts = StorageSeeds.TIMESTAMP + timestamps.get(i);
                    batch.add(new SimpleRecord(ts, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
                    byOffset.add(ts);
                }
                log.appendAsLeader(MemoryRecords.withRecords(CODECS.get(at % CODECS.size()), batch.toArray(new SimpleRecord[0])), 0);
            }
            log.updateHighWatermark(log.logEndOffsetMetadata());
            for (long t : targets) {
                long target = StorageSeeds.TIMESTAMP + t;
                TimestampOffset expected = TimestampOffset.UNKNOWN;
                for (int offset = 0; offset < byOffset.size(); offset++) {
                    if (byOffset.get(offset) >= target) {
                        expected = new TimestampOffset(byOffset.get(offset), offset);
                        break;
                    }
                }
                assertThat(log.offsetForTimestamp(target)).as("offset for timestamp +%d", t).isEqualTo(expected);
            }
        } finally {
            log.close();
            scratch.delete();
        }
    }

    @Property(tries = 60)
    void recoveringACleanlyWrittenLogChangesNothing(
        @ForAll @Size(min = 1, max = 40) List<@LongRange(min = 1, max = 5) Long> batchSizes) throws Exception {
        ScratchLogDir scratch = new ScratchLogDir("recovery-props");
        ManualTime time = new ManualTime(StorageSeeds.TIMESTAMP);
        LogConfig config = LogConfig.create(Map.of(), SMALL_SEGMENTS);
        File dir = scratch.dir(TP);
        File copy = scratch.root().resolve("crashed").resolve(TP.topic() + "-" + TP.partition()).toFile();
        try {
            Log written = Log.open(TP, dir, config, time, new ManualScheduler(), true, 0, -1, -1);
            int n = 0;
            for (long size : batchSizes) {
                SimpleRecord[] records = new SimpleRecord[(int) size];
                for (int i = 0; i < size; i++) {
                    records[i] = new SimpleRecord(time.milliseconds() + n, ("k" + n).getBytes(StandardCharsets.UTF_8),
                        ("v" + n).getBytes(StandardCharsets.UTF_8));
                    n++;
                }
                written.appendAsLeader(MemoryRecords.withRecords(CODECS.get(n % CODECS.size()), records), 2);
            }
            copyFiles(dir, copy);
            long end = written.logEndOffset();
            written.close();

            Log recovered = Log.open(TP, copy, config, time, new ManualScheduler(), false, 0, -1, -1);
            assertThat(recovered.logEndOffset()).isEqualTo(end);
            assertThat(recovered.numberOfSegments()).isEqualTo(segmentFiles(dir).stream().filter(f -> f.endsWith(".log")).count());
            recovered.close();
            for (String name : segmentFiles(dir)) {
                assertThat(Files.readAllBytes(copy.toPath().resolve(name))).as("%s after recovery", name)
                    .isEqualTo(Files.readAllBytes(dir.toPath().resolve(name)));
            }
        } finally {
            scratch.delete();
        }
    }

    private static List<String> segmentFiles(File dir) {
        List<String> names = new ArrayList<>();
        for (String name : dir.list()) {
            if (name.endsWith(".log") || name.endsWith(".index") || name.endsWith(".timeindex")) {
                names.add(name);
            }
        }
        names.sort(null);
        return names;
    }

    private static void copyFiles(File from, File to) throws IOException {
        Files.createDirectories(to.toPath());
        for (File f : from.listFiles()) {
            if (f.isFile()) {
                Files.copy(f.toPath(), to.toPath().resolve(f.getName()));
            }
        }
    }

    private static List<Record> records(Log log, long from) throws IOException {
        List<Record> out = new ArrayList<>();
        long offset = from;
        while (offset < log.logEndOffset()) {
            MemoryRecords read = log.read(offset, Integer.MAX_VALUE, FetchIsolation.LOG_END, true).toMemoryRecords();
            if (read.sizeInBytes() == 0) {
                break;
            }
            for (MutableRecordBatch batch : read.batches()) {
                for (Record r : batch) {
                    out.add(r);
                }
                offset = batch.lastOffset() + 1;
            }
        }
        return out;
    }

    private static String value(Record r) {
        return StandardCharsets.UTF_8.decode(r.value().duplicate()).toString();
    }
}
