package io.gregor.storage.log;

import io.gregor.storage.config.LogConfig;
import io.gregor.storage.util.Scheduler;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.utils.Time;

/**
 * A directory for the logs of a fuzz target or property, which open many logs or append to one
 * for a million inputs: in memory ({@code /dev/shm}) where the machine has it, so the run
 * measures the code and not the disk, else in the temporary directory. The caller deletes it.
 */
final class ScratchLogDir {
    private final Path root;

    ScratchLogDir(String name) {
        try {
            Path shm = Path.of("/dev/shm");
            root = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "gregor-" + name + "-")
                : Files.createTempDirectory("gregor-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path root() {
        return root;
    }

    /** The directory of {@code tp}'s log. */
    File dir(TopicPartition tp) {
        return root.resolve(tp.topic() + "-" + tp.partition()).toFile();
    }

    /** Opens (creating) {@code tp}'s log, as after a clean shutdown. */
    Log open(TopicPartition tp, LogConfig config, Time time, Scheduler scheduler) {
        try {
            return Log.open(tp, dir(tp), config, time, scheduler, true, 0, -1, -1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void delete() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Every batch of {@code log} from {@code from} to its end, across segments, as stored. */
    static ByteBuffer readAll(Log log, long from) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long offset = from;
        while (offset < log.logEndOffset()) {
            MemoryRecords read = log.read(offset, Integer.MAX_VALUE, FetchIsolation.LOG_END, true).toMemoryRecords();
            if (read.sizeInBytes() == 0) {
                break;
            }
            for (MutableRecordBatch batch : read.batches()) {
                offset = batch.lastOffset() + 1;
            }
            ByteBuffer bytes = read.buffer();
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        }
        return ByteBuffer.wrap(out.toByteArray());
    }
}
