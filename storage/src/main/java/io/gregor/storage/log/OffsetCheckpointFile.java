package io.gregor.storage.log;

import java.io.BufferedWriter;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * A per-log-directory file mapping partitions to offsets (recovery points, log start offsets,
 * high watermarks), in Kafka's text format: a version line ({@code 0}), an entry count, then
 * {@code topic partition offset} lines. Written atomically (temp file, fsync, rename); a missing
 * or unreadable file reads as empty.
 */
public final class OffsetCheckpointFile {
    private final File file;

    public OffsetCheckpointFile(File file) {
        this.file = file;
    }

    public Map<TopicPartition, Long> read() {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (!file.exists()) {
            return offsets;
        }
        try {
            List<String> lines = Files.readAllLines(file.toPath(), StandardCharsets.UTF_8);
            if (lines.size() < 2 || !"0".equals(lines.get(0).trim())) {
                return offsets;
            }
            int count = Integer.parseInt(lines.get(1).trim());
            for (int i = 0; i < count && i + 2 < lines.size(); i++) {
                String[] parts = lines.get(i + 2).trim().split(" ");
                if (parts.length == 3) {
                    offsets.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
                }
            }
        } catch (IOException | RuntimeException e) {
            offsets.clear();
        }
        return offsets;
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
