package io.gregor.benchmarks;

import io.gregor.storage.config.LogConfig;
import io.gregor.storage.log.RecordValidator;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What validating a produced batch costs: {@link RecordValidator#validateFromClient} of one batch
 * holding 64 KiB of 1 KiB records before compression ({@code validate}), against checking only its
 * CRC ({@code crcOnly}), which is all the validator did for a compressed batch of a topic that is
 * not compacted before it walked every record. One op = one batch, so MiB/s of record data =
 * 64 * 10^6 / (us/op) / 1024. Batches come from a ring of {@value #RING}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ValidateBenchmark {
    static final int RING = 64;

    @Param({"none", "lz4", "zstd", "snappy", "gzip"})
    public String codec;

    private final LogConfig config = LogConfig.create(Map.of(), Map.of());
    private MemoryRecords[] batches;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        long now = System.currentTimeMillis();
        batches = new MemoryRecords[RING];
        for (int i = 0; i < RING; i++) {
            MemoryRecords plain = BenchRecords.batch(BenchRecords.BATCH_BYTES, BenchRecords.RECORD_BYTES, RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH, i, now);
            batches[i] = "none".equals(codec) ? plain : compressed(plain, CompressionType.forName(codec), now);
        }
    }

    private static MemoryRecords compressed(MemoryRecords plain, CompressionType type, long now) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(2 * plain.sizeInBytes()), RecordBatch.MAGIC_VALUE_V2,
            Compression.of(type).build(), TimestampType.CREATE_TIME, 0L, now);
        for (Record r : plain.records()) {
            builder.append(r.timestamp(), r.key(), r.value());
        }
        return builder.build();
    }

    private MemoryRecords nextBatch() {
        MemoryRecords batch = batches[next];
        next = (next + 1) % RING;
        return batch;
    }

    @Benchmark
    public RecordValidator.Validated validate() {
        return RecordValidator.validateFromClient(nextBatch(), config, System.currentTimeMillis());
    }

    @Benchmark
    public RecordBatch crcOnly() {
        RecordBatch batch = nextBatch().batches().iterator().next();
        batch.ensureValid();
        return batch;
    }
}
