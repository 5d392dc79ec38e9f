package io.gregor.faults;

import io.gregor.faults.Anomaly.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Utils;

/**
 * After healing, with every broker stopped: each partition's replicas, read from the brokers' log
 * directories ({@code <topic>-<partition>/<base offset>.log} with kafka-clients' {@link FileRecords},
 * high watermarks from {@code replication-offset-checkpoint}), must hold the same records (offset,
 * leader epoch, producer id and sequence, timestamp, key, value) up to the partition's end, and
 * every replica's checkpointed high watermark must have reached it. Stateless.
 */
final class ReplicaCheck {
    private ReplicaCheck() {
    }

    /** One record as stored. */
    record StoredRecord(long offset, int leaderEpoch, long producerId, int sequence, long timestamp, String key, String value) {
    }

    /**
     * Compares the replicas of each partition in {@code logDirs} (broker id to log dir) up to
     * {@code endOffsets}, the end the final drain saw.
     */
    static CheckResult compare(Map<Integer, Path> logDirs, Map<TopicPartition, Long> endOffsets) throws IOException {
        CheckResult result = new CheckResult();
        for (Map.Entry<TopicPartition, Long> e : endOffsets.entrySet()) {
            TopicPartition tp = e.getKey();
            long end = e.getValue();
            List<StoredRecord> reference = null;
            int referenceBroker = -1;
            for (Map.Entry<Integer, Path> dir : logDirs.entrySet()) {
                if (!Files.isDirectory(dir.getValue().resolve(tp.topic() + "-" + tp.partition()))) {
                    continue;
                }
                result.count("replicas compared", 1);
                OptionalLong hw = checkpointedHighWatermark(dir.getValue(), tp);
                if (hw.isEmpty() || hw.getAsLong() < end) {
                    result.add(Kind.REPLICA_DIVERGENCE, tp + " on broker " + dir.getKey() + ": checkpointed high watermark "
                        + (hw.isEmpty() ? "missing" : hw.getAsLong()) + " below the end offset " + end + " after healing");
                }
                List<StoredRecord> records = read(dir.getValue(), tp, end);
                result.count("replica records compared", records.size());
                if (records.size() != end || (!records.isEmpty() && records.get(records.size() - 1).offset() != end - 1)) {
                    result.add(Kind.REPLICA_DIVERGENCE, tp + " on broker " + dir.getKey() + ": " + records.size()
                        + " records below the end offset " + end);
                }
                if (reference == null) {
                    reference = records;
                    referenceBroker = dir.getKey();
                    continue;
                }
                String difference = firstDifference(reference, records);
                if (difference != null) {
                    result.add(Kind.REPLICA_DIVERGENCE, tp + ": broker " + dir.getKey() + " differs from broker " + referenceBroker + " " + difference);
                }
            }
        }
        return result;
    }

    private static String firstDifference(List<StoredRecord> a, List<StoredRecord> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!Objects.equals(a.get(i), b.get(i))) {
                return "at offset " + a.get(i).offset() + ": " + a.get(i) + " vs " + b.get(i);
            }
        }
        return a.size() == b.size() ? null : "in length: " + a.size() + " vs " + b.size() + " records";
    }

    /** The high watermark of {@code tp} in {@code logDir}'s checkpoint file (version, count, then {@code topic partition offset} lines). */
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

    /** The records of {@code tp} in {@code logDir} below {@code endOffset}, in offset order. */
    static List<StoredRecord> read(Path logDir, TopicPartition tp, long endOffset) throws IOException {
        List<Path> segments;
        try (Stream<Path> files = Files.list(logDir.resolve(tp.topic() + "-" + tp.partition()))) {
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
