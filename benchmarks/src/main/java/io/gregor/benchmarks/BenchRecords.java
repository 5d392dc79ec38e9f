package io.gregor.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/** Produce-style record batches, as the Java producer builds them (null keys, no headers). */
public final class BenchRecords {
    /** The producer's {@code batch.size} in the end-to-end workloads. */
    static final int BATCH_BYTES = 64 * 1024;
    static final int RECORD_BYTES = 1024;

    private BenchRecords() {
    }

    /**
     * One uncompressed v2 batch of {@code recordBytes}-byte values, filled up to {@code batchBytes}
     * like the producer's accumulator does (about 63 records of 1 KiB in 64 KiB).
     *
     * @param producerId {@link RecordBatch#NO_PRODUCER_ID} for a non-idempotent batch
     */
    static MemoryRecords batch(int batchBytes, int recordBytes, long producerId, short epoch, int baseSequence, long timestamp) {
        ByteBuffer buffer = ByteBuffer.allocate(batchBytes);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, RecordBatch.MAGIC_VALUE_V2, Compression.NONE,
            TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, producerId, epoch, baseSequence);
        Random random = new Random(baseSequence);
        byte[] value = new byte[recordBytes];
        while (true) {
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) ('A' + random.nextInt(26));
            }
            if (!builder.hasRoomFor(timestamp, null, value, Record.EMPTY_HEADERS)) {
                break;
            }
            builder.append(timestamp, null, value);
        }
        return builder.build();
    }

    /** Number of records in a one-batch record set. */
    static int recordCount(MemoryRecords records) {
        RecordBatch batch = records.batches().iterator().next();
        return (int) (batch.lastOffset() - batch.baseOffset() + 1);
    }

    private static final List<Path> TEMP = new CopyOnWriteArrayList<>();

    static {
        // Teardown deletes eagerly; this also cleans up when a setup failed (JMH then skips teardown).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Path p : TEMP) {
                try {
                    deleteRecursively(p);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }, "gregor-bench-cleanup"));
    }

    /** A new temporary directory (or file) under {@code java.io.tmpdir} or {@code -Dgregor.bench.dir}, deleted at exit. */
    public static Path tempDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(benchDir(), prefix);
        TEMP.add(dir);
        return dir;
    }

    static Path benchDir() {
        return Path.of(System.getProperty("gregor.bench.dir", System.getProperty("java.io.tmpdir")));
    }

    public static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
