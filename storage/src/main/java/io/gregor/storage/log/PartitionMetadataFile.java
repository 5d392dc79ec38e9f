package io.gregor.storage.log;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import org.apache.kafka.common.Uuid;

/**
 * {@code partition.metadata}: the topic id a partition directory belongs to (Kafka's format:
 * {@code version: 0} and {@code topic_id: <id>} lines). It tells a log of a deleted topic from
 * one of a re-created topic with the same name.
 */
public final class PartitionMetadataFile {
    public static final String NAME = "partition.metadata";

    private PartitionMetadataFile() {
    }

    public static Uuid read(File dir) {
        File file = new File(dir, NAME);
        if (!file.exists()) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(file.toPath(), StandardCharsets.UTF_8)) {
                if (line.startsWith("topic_id:")) {
                    return Uuid.fromString(line.substring("topic_id:".length()).trim());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    public static void write(File dir, Uuid topicId) throws IOException {
        File file = new File(dir, NAME);
        File tmp = new File(dir, NAME + ".tmp");
        Files.writeString(tmp.toPath(), "version: 0\ntopic_id: " + topicId + "\n", StandardCharsets.UTF_8);
        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
