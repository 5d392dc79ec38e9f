package io.gregor.benchmarks;

import io.gregor.storage.config.LogConfig;
import io.gregor.storage.log.FetchDataInfo;
import io.gregor.storage.log.FetchIsolation;
import io.gregor.storage.log.Log;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The consumer's fetch read: {@code Log.read} from an offset up to the high watermark with a
 * 1 MiB partition budget (the consumer's {@code max.partition.fetch.bytes}). A read is an
 * offset-index lookup, a scan of batch headers from the indexed position (positional reads
 * of the segment file) and the creation of a zero-copy file slice; no record bytes are read.
 *
 * <p>The log holds {@code segmentMiB} MiB of 64 KiB batches of 1 KiB records in one segment,
 * indexed every {@code index.interval.bytes} (Kafka's default, 4096).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FetchReadBenchmark {
    private static final int MAX_BYTES = 1024 * 1024;

    @Param({"128"})
    public int segmentMiB;

    private Path dir;
    private QueueScheduler scheduler;
    private Log log;
    private long[] offsets;
    private int next;
    private long tailOffset;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchRecords.tempDir("gregor-jmh-fetch");
        scheduler = new QueueScheduler();
        log = Log.open(new TopicPartition("bench", 0), dir.resolve("bench-0").toFile(),
            LogConfig.create(Map.of(), Map.of()), Time.SYSTEM, scheduler, true, 0, -1, -1);
        MemoryRecords template = BenchRecords.batch(BenchRecords.BATCH_BYTES, BenchRecords.RECORD_BYTES,
            RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, System.currentTimeMillis());
        int batches = segmentMiB * 1024 * 1024 / BenchRecords.BATCH_BYTES;
        for (int i = 0; i < batches; i++) {
            template.buffer().putLong(template.buffer().position(), 0L);
            tailOffset = log.logEndOffset();
            log.appendAsLeader(template, 0);
        }
        log.updateHighWatermark(log.logEndOffsetMetadata());
        Random random = new Random(1);
        offsets = new long[4096];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = (long) (random.nextDouble() * log.logEndOffset());
        }
    }

    /** A consumer catching up: a random offset anywhere in the segment. */
    @Benchmark
    public FetchDataInfo readRandomOffset() {
        long offset = offsets[next++ & (offsets.length - 1)];
        return log.read(offset, MAX_BYTES, FetchIsolation.HIGH_WATERMARK, true);
    }

    /** A consumer at the tail: the first offset of the last batch. */
    @Benchmark
    public FetchDataInfo readTail() {
        return log.read(tailOffset, MAX_BYTES, FetchIsolation.HIGH_WATERMARK, true);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        log.close();
        scheduler.close();
        BenchRecords.deleteRecursively(dir);
    }
}
