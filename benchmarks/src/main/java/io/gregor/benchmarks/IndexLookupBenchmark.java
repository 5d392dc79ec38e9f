package io.gregor.benchmarks;

import io.gregor.storage.log.OffsetIndex;
import io.gregor.storage.log.OffsetPosition;
import io.gregor.storage.log.TimeIndex;
import io.gregor.storage.log.TimestampOffset;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * Offset-index and time-index lookups (binary search over a memory-mapped file) for random
 * targets. {@code entries} = 262144 is a full 1 GiB segment indexed every 4 KiB (a 2 MiB
 * {@code .index}); 1024 is a small, cache-resident index.
 *
 * <p>The index files are written directly in Kafka's format and opened read-only, as the
 * indexes of a rolled segment are.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class IndexLookupBenchmark {
    private static final long BASE_OFFSET = 1_000_000L;
    private static final int OFFSETS_PER_ENTRY = 63;
    private static final long START_MS = 1_700_000_000_000L;

    @Param({"1024", "262144"})
    public int entries;

    private Path dir;
    private OffsetIndex offsetIndex;
    private TimeIndex timeIndex;
    private long[] offsetTargets;
    private long[] timeTargets;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchRecords.tempDir("gregor-jmh-index");
        File offsetFile = dir.resolve("00000000000001000000.index").toFile();
        File timeFile = dir.resolve("00000000000001000000.timeindex").toFile();
        ByteBuffer offsets = ByteBuffer.allocate(entries * 8);
        ByteBuffer times = ByteBuffer.allocate(entries * 12);
        for (int i = 0; i < entries; i++) {
            int relative = i * OFFSETS_PER_ENTRY + OFFSETS_PER_ENTRY - 1;
            offsets.putInt(relative).putInt(i * 4096 + 4096);
            times.putLong(START_MS + i * 10L).putInt(relative);
        }
        write(offsetFile, offsets.flip());
        write(timeFile, times.flip());
        offsetIndex = new OffsetIndex(offsetFile, BASE_OFFSET, 10 * 1024 * 1024, false);
        timeIndex = new TimeIndex(timeFile, BASE_OFFSET, 10 * 1024 * 1024, false);
        Random random = new Random(7);
        offsetTargets = new long[4096];
        timeTargets = new long[4096];
        for (int i = 0; i < offsetTargets.length; i++) {
            offsetTargets[i] = BASE_OFFSET + (long) (random.nextDouble() * entries * OFFSETS_PER_ENTRY);
            timeTargets[i] = START_MS + (long) (random.nextDouble() * entries * 10L);
        }
    }

    private static void write(File file, ByteBuffer content) throws IOException {
        try (FileChannel ch = FileChannel.open(file.toPath(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            while (content.hasRemaining()) {
                ch.write(content);
            }
        }
    }

    @Benchmark
    public OffsetPosition offsetIndexLookup() {
        return offsetIndex.lookup(offsetTargets[next++ & (offsetTargets.length - 1)]);
    }

    @Benchmark
    public TimestampOffset timeIndexLookup() {
        return timeIndex.lookup(timeTargets[next++ & (timeTargets.length - 1)]);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        offsetIndex.close();
        timeIndex.close();
        BenchRecords.deleteRecursively(dir);
    }
}
