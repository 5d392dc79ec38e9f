package io.gregor.storage.log;

import io.gregor.storage.util.CheckpointLines.CorruptCheckpointException;
import io.gregor.storage.util.CheckpointLines;
import java.io.BufferedWriter;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A per-log-directory file mapping partitions to offsets (recovery points, log start offsets,
 * high watermarks, cleaner positions), in Kafka's text format: a version line ({@code 0}), an
 * entry count, then {@code topic partition offset} lines. Written atomically (temp file, fsync,
 * rename). A missing file has no entries; a damaged one is {@link CorruptCheckpointException}
 * ({@link #read}) or, for callers that have a safe fallback, a warning naming the file and the
 * line ({@link #readIfValid}), never silently empty.
 */
public final class OffsetCheckpointFile {
    private static final Logger log = LoggerFactory.getLogger(OffsetCheckpointFile.class);

    private final File file;

    public OffsetCheckpointFile(File file) {
        this.file = file;
    }

    public File file() {
        return file;
    }

    /**
     * @throws CorruptCheckpointException when the file is not in the format
     * @throws IOException                when it cannot be read
     */
    public Map<TopicPartition, Long> read() throws IOException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        int line = 3;
        for (String[] entry : CheckpointLines.read(file, 3, 2)) {
            try {
                offsets.put(new TopicPartition(entry[0], Integer.parseInt(entry[1])), Long.parseLong(entry[2]));
            } catch (NumberFormatException e) {
                throw new CorruptCheckpointException(file, line, "partition '" + entry[1] + "' is not a partition number");
            }
            line++;
        }
        return offsets;
    }

    /**
     * The entries, or empty when the file cannot be read or is damaged, which is logged at WARN
     * with the file, the line and {@code fallback}: what the caller does instead.
     */
    public Optional<Map<TopicPartition, Long>> readIfValid(String fallback) {
        try {
            return Optional.of(read());
        } catch (IOException e) {
            log.warn("{}; {}", e.getMessage(), fallback);
            return Optional.empty();
        }
    }

    public void write(Map<TopicPartition, Long> offsets) throws IOException {
        File tmp = new File(file.getPath() + ".tmp");
        try (FileOutputStream out = new FileOutputStream(tmp);
             BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8))) {
            writer.write("0\n");
            writer.write(offsets.size() + "\n");
            for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
                writer.write(e.getKey().topic() + " " + e.getKey().partition() + " " + e.getValue() + "\n");
            }
            writer.flush();
            out.getFD().sync();
        }
        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
