package io.gregor.benchmarks;

import io.gregor.storage.config.LogConfig;
import io.gregor.storage.log.Log;
import io.gregor.storage.log.LogAppendInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
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
 * The leader's produce append: {@code Log.appendAsLeader} of one 64 KiB batch of 1 KiB records
 * (validate: framing and CRC; producer sequence check; offset assignment in place; write to the
 * segment file; index entries). One op = one 64 KiB batch, so MiB/s = 64 * 10^6 / (us/op) / 1024.
 *
 * <p>Batches come from a ring of {@value #RING} distinct pre-built batches (64 MiB, like fresh
 * network buffers, not one cache-hot buffer). Appending rewrites the base offset in place; it is
 * reset to 0 before each append (it is not covered by the CRC). After each lap of the ring the
 * log is truncated and its files deleted, so the benchmark writes at most 64 MiB to the page
 * cache before starting over; that reset (unlink + new segment with preallocated indexes) is
 * amortised over the lap's {@value #RING} appends. Files go to {@code java.io.tmpdir} (or
 * {@code -Dgregor.bench.dir=DIR}); nothing is fsynced.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ProduceAppendBenchmark {
    static final int RING = 1024;

    /** Idempotent producer batches (producer id, epoch, sequences checked and tracked), as with acks=all. */
    @Param({"false", "true"})
    public boolean idempotent;

    private Path dir;
    private QueueScheduler scheduler;
    private Log log;
    private MemoryRecords[] batches;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchRecords.tempDir("gregor-jmh-append");
        scheduler = new QueueScheduler();
        log = Log.open(new TopicPartition("bench", 0), dir.resolve("bench-0").toFile(),
            LogConfig.create(Map.of(), Map.of()), Time.SYSTEM, scheduler, true, 0, -1, -1);
        long producerId = idempotent ? 4242L : RecordBatch.NO_PRODUCER_ID;
        short epoch = idempotent ? (short) 0 : RecordBatch.NO_PRODUCER_EPOCH;
        batches = new MemoryRecords[RING];
        int sequence = 0;
        long now = System.currentTimeMillis();
        for (int i = 0; i < RING; i++) {
            batches[i] = BenchRecords.batch(BenchRecords.BATCH_BYTES, BenchRecords.RECORD_BYTES, producerId, epoch,
                idempotent ? sequence : RecordBatch.NO_SEQUENCE, now);
            sequence += BenchRecords.recordCount(batches[i]);
        }
    }

    @Benchmark
    public LogAppendInfo append() {
        if (next == RING) {
            // Start over: fresh producer state, so the sequences of the ring are valid again.
            log.truncateFullyAndStartAt(log.logEndOffset());
            scheduler.runPending();
            next = 0;
        }
        MemoryRecords records = batches[next++];
        records.buffer().putLong(records.buffer().position(), 0L);
        return log.appendAsLeader(records, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        log.close();
        scheduler.close();
        BenchRecords.deleteRecursively(dir);
    }
}
