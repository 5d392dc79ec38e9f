package io.gregor.storage.producer;

import io.gregor.storage.log.LogFiles;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotent-producer state of one partition: for every producer id, its epoch and last batches.
 *
 * <p>Rules (Kafka's): a batch from an older epoch is rejected (INVALID_PRODUCER_EPOCH); the first
 * batch of a new epoch must start at sequence 0; within an epoch a batch must continue the last
 * sequence (wrapping after {@code Integer.MAX_VALUE}) unless it repeats one of the last five
 * batches, in which case it is a duplicate and the original offsets are returned. A producer the
 * partition does not know (new, or expired) may start at any sequence.
 *
 * <p>Snapshots ({@code <offset>.snapshot}, written at segment roll and clean shutdown) hold the
 * state as of that offset; after a restart the state is the latest valid snapshot plus the batch
 * headers of the log after it. Snapshot format: {@code int32 version=1 | int32 crc32c(rest) |
 * int32 producers | per producer: int64 id, int16 epoch, int64 lastTimestamp, int32 batches,
 * per batch: int32 firstSeq, int32 lastSeq, int64 firstOffset, int64 lastOffset, int64 timestamp}.
 *
 * <p>Not thread-safe: guarded by the owning log's lock.
 */
public final class ProducerStateManager {
    private static final Logger log = LoggerFactory.getLogger(ProducerStateManager.class);
    private static final int SNAPSHOT_VERSION = 1;

    private final File dir;
    private final Map<Long, ProducerStateEntry> producers = new HashMap<>();

    public ProducerStateManager(File dir) {
        this.dir = dir;
    }

    /** The outcome of checking a batch. */
    public sealed interface Check permits Accept, Duplicate {
    }

    public record Accept() implements Check {
    }

    public record Duplicate(BatchMetadata original) implements Check {
    }

    private static final Accept ACCEPT = new Accept();

    /**
     * Validates an incoming idempotent batch against the state, without changing it.
     *
     * @throws InvalidProducerEpochException for a stale epoch
     * @throws OutOfOrderSequenceException   for a sequence gap
     */
    public Check check(long producerId, short epoch, int firstSeq, int lastSeq) {
        ProducerStateEntry entry = producers.get(producerId);
        if (entry == null) {
            return ACCEPT;
        }
        if (epoch < entry.epoch()) {
            throw new InvalidProducerEpochException("Epoch " + epoch + " of producer " + producerId
                + " is older than the last seen epoch " + entry.epoch());
        }
        if (epoch > entry.epoch()) {
            if (firstSeq != 0) {
                throw new OutOfOrderSequenceException("Invalid sequence number for new epoch " + epoch + " of producer "
                    + producerId + ": " + firstSeq + " (expected 0)");
            }
            return ACCEPT;
        }
        BatchMetadata duplicate = entry.findDuplicate(firstSeq, lastSeq);
        if (duplicate != null) {
            return new Duplicate(duplicate);
        }
        int last = entry.lastSeq();
        if (last >= 0 && !inSequence(last, firstSeq)) {
            throw new OutOfOrderSequenceException("Out of order sequence number for producer " + producerId
                + " at epoch " + epoch + ": " + firstSeq + " (incoming), " + last + " (last appended)");
        }
        return ACCEPT;
    }

    private static boolean inSequence(int lastSeq, int nextSeq) {
        return nextSeq == lastSeq + 1 || (lastSeq == Integer.MAX_VALUE && nextSeq == 0);
    }

    /** Records an appended batch (leader appends, follower appends and replay all come here). */
    public void update(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {
        if (producerId == RecordBatch.NO_PRODUCER_ID) {
            return;
        }
        ProducerStateEntry entry = producers.computeIfAbsent(producerId, id -> new ProducerStateEntry(id, epoch));
        entry.add(epoch, new BatchMetadata(firstSeq, lastSeq, firstOffset, lastOffset, timestamp));
    }

    public ProducerStateEntry entry(long producerId) {
        return producers.get(producerId);
    }

    public Map<Long, ProducerStateEntry> producers() {
        return producers;
    }

    public void clear() {
        producers.clear();
    }

    /** Removes producers not heard of for {@code producer.id.expiration.ms}. */
    public int removeExpired(long nowMs, long expirationMs) {
        int before = producers.size();
        producers.values().removeIf(e -> nowMs - e.lastTimestamp() >= expirationMs);
        return before - producers.size();
    }

    /** Removes producers whose last write is below the log start offset (retention, DeleteRecords). */
    public void removeBefore(long logStartOffset) {
        producers.values().removeIf(e -> e.lastOffset() < logStartOffset);
    }

    // ---- snapshots ----

    /** Writes a snapshot of the state at {@code offset} (atomically: temp file, fsync, rename). */
    public void takeSnapshot(long offset) throws IOException {
        int size = 12;
        for (ProducerStateEntry e : producers.values()) {
            size += 8 + 2 + 8 + 4 + e.batches().size() * 32;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putInt(SNAPSHOT_VERSION).putInt(0).putInt(producers.size());
        for (ProducerStateEntry e : producers.values()) {
            buf.putLong(e.producerId()).putShort(e.epoch()).putLong(e.lastTimestamp()).putInt(e.batches().size());
            for (BatchMetadata b : e.batches()) {
                buf.putInt(b.firstSeq()).putInt(b.lastSeq()).putLong(b.firstOffset()).putLong(b.lastOffset()).putLong(b.timestamp());
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 8, size - 8);
        buf.putInt(4, (int) crc.getValue());
        buf.flip();
        File target = LogFiles.snapshotFile(dir, offset);
        File tmp = new File(target.getPath() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp.toPath(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp.toPath(), target.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Snapshot files by offset. */
    public TreeMap<Long, File> snapshots() {
        TreeMap<Long, File> files = new TreeMap<>();
        File[] list = dir.listFiles((d, name) -> name.endsWith(LogFiles.SNAPSHOT_SUFFIX));
        if (list != null) {
            for (File f : list) {
                try {
                    files.put(LogFiles.offsetFromFileName(f.getName()), f);
                } catch (NumberFormatException ignored) {
                    // Not one of ours.
                }
            }
        }
        return files;
    }

    /**
     * Loads the latest valid snapshot at or below {@code maxOffset}; deletes snapshots above it and
     * unreadable ones.
     *
     * @return the snapshot's offset (replay the log from there), or -1 when none was loaded
     */
    public long loadLatestSnapshot(long maxOffset) {
        producers.clear();
        TreeMap<Long, File> files = snapshots();
        for (File above : files.tailMap(maxOffset, false).values()) {
            deleteQuietly(above);
        }
        Iterator<Map.Entry<Long, File>> it = files.headMap(maxOffset, true).descendingMap().entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, File> candidate = it.next();
            try {
                read(candidate.getValue());
                return candidate.getKey();
            } catch (IOException | RuntimeException e) {
                log.warn("Ignoring unreadable producer snapshot {}: {}", candidate.getValue(), e.toString());
                producers.clear();
                deleteQuietly(candidate.getValue());
            }
        }
        return -1;
    }

    private void read(File file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file.toPath()));
        if (buf.remaining() < 12 || buf.getInt(0) != SNAPSHOT_VERSION) {
            throw new IOException("bad header");
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 8, buf.limit() - 8);
        if ((int) crc.getValue() != buf.getInt(4)) {
            throw new IOException("checksum mismatch");
        }
        buf.position(8);
        int count = buf.getInt();
        for (int i = 0; i < count; i++) {
            long id = buf.getLong();
            short epoch = buf.getShort();
            buf.getLong();
            int batches = buf.getInt();
            ProducerStateEntry entry = new ProducerStateEntry(id, epoch);
            for (int b = 0; b < batches; b++) {
                entry.add(epoch, new BatchMetadata(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
            }
            producers.put(id, entry);
        }
    }

    /** Keeps the newest {@code keep} snapshots and none below {@code logStartOffset} except the newest. */
    public void cleanSnapshots(long logStartOffset, int keep) {
        TreeMap<Long, File> files = snapshots();
        List<Long> offsets = new ArrayList<>(files.descendingKeySet());
        for (int i = 0; i < offsets.size(); i++) {
            long offset = offsets.get(i);
            if (i >= keep || (i > 0 && offset < logStartOffset)) {
                deleteQuietly(files.get(offset));
            }
        }
    }

    public void deleteSnapshotsAbove(long offset) {
        for (File f : snapshots().tailMap(offset, false).values()) {
            deleteQuietly(f);
        }
    }

    private static void deleteQuietly(File f) {
        try {
            Files.deleteIfExists(f.toPath());
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", f, e.toString());
        }
    }
}
