package io.gregor.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Utils;

/**
 * A stopped broker's replica of a partition, read from its log directory with kafka-clients'
 * {@link FileRecords}: the records of every segment ({@code <topic>-<partition>/<base offset>.log})
 * and the high watermark from {@code replication-offset-checkpoint} (Kafka's text format: version,
 * entry count, then {@code topic partition offset} lines).
 */
final class ReplicaLogs {
    private ReplicaLogs() {
    }

    /**
     * One record as stored, with what must match on every replica: its offset, the leader
     * epoch and producer sequence of its batch, timestamp, key and value.
     */
    record StoredRecord(long offset, int leaderEpoch, long producerId, int sequence, long timestamp, String key, String value) {
    }

    /** The high watermark of {@code tp} in the checkpoint file of {@code logDir}, if it has one. */
    static OptionalLong checkpointedHighWatermark(Path logDir, TopicPartition tp) throws IOException {
        Path file = logDir.resolve("replication-offset-checkpoint");
        if (!Files.exists(file)) {
            return OptionalLong.empty();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
            String[] parts = line.trim().split(" ");
            if (parts.length == 3 && parts[0].equals(tp.topic()) && Integer.parseInt(parts[1]) == tp.partition()) {
                return OptionalLong.of(Long.parseLong(parts[2]));
            }
        }
        return OptionalLong.empty();
    }

    /** The records of {@code tp} in {@code logDir} with offsets below {@code endOffset}, in offset order. */
    static List<StoredRecord> read(Path logDir, TopicPartition tp, long endOffset) throws IOException {
        Path partitionDir = logDir.resolve(tp.topic() + "-" + tp.partition());
        List<Path> segments;
        try (Stream<Path> files = Files.list(partitionDir)) {
            segments = files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        List<StoredRecord> records = new ArrayList<>();
        for (Path segment : segments) {
            try (FileRecords fileRecords = FileRecords.open(segment.toFile(), false)) {
                for (RecordBatch batch : fileRecords.batches()) {
                    for (Record r : batch) {
                        if (r.offset() >= endOffset) {
                            return records;
                        }
                        int sequence = batch.baseSequence() < 0 ? -1 : batch.baseSequence() + (int) (r.offset() - batch.baseOffset());
                        records.add(new StoredRecord(r.offset(), batch.partitionLeaderEpoch(), batch.producerId(), sequence, r.timestamp(),
                            r.hasKey() ? Utils.utf8(r.key()) : null, r.hasValue() ? Utils.utf8(r.value()) : null));
                    }
                }
            }
        }
        return records;
    }
}
