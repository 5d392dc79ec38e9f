package io.gregor.storage.epoch;

import io.gregor.storage.util.CheckpointLines;
import java.io.BufferedWriter;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which leader epoch wrote which offsets (KIP-101): an ordered list of (epoch, start offset),
 * persisted in {@code leader-epoch-checkpoint} in Kafka's text format ({@code 0}, entry count,
 * then {@code epoch startOffset} lines).
 *
 * <p>A follower that has been partitioned away, or an old leader coming back, asks the current
 * leader for the end offset of its own latest epoch ({@link #endOffsetFor}) and truncates
 * anything beyond it, so replicas never silently diverge after a failover.
 *
 * <p>Invariants: epochs and start offsets strictly increase. Thread-safe (synchronized, but
 * {@link #assign} of an epoch already recorded and {@link #latestEpoch} take no lock); the file
 * is rewritten atomically (temporary file, rename) on every change.
 *
 * <p>Durability: a new epoch ({@link #assign}) is written without fsync, as Kafka does since
 * KAFKA-15046: a broker becoming leader of 10,000 partitions would otherwise wait for 10,000
 * fsyncs. Nothing is lost by a crash: the log fsyncs this file ({@link #sync}) before it moves its
 * recovery point, and recovery re-assigns the epochs of every batch above the recovery point from
 * the batches themselves. Truncations are fsynced at once, so that a removed epoch never returns.
 */
public final class LeaderEpochCache {
    private static final Logger log = LoggerFactory.getLogger(LeaderEpochCache.class);
    public static final String FILE_NAME = "leader-epoch-checkpoint";
    public static final int UNDEFINED_EPOCH = -1;
    public static final long UNDEFINED_OFFSET = -1L;

    private final File file;
    private final List<EpochEntry> entries = new ArrayList<>();
    /** Whether the file holds changes that were not fsynced. */
    private boolean unsynced;
    /**
     * The latest epoch, readable without the lock: an append (on a network thread) finds its
     * epoch recorded almost always, and must not wait while {@link #sync} fsyncs the file.
     */
    private volatile int latest = UNDEFINED_EPOCH;

    public LeaderEpochCache(File partitionDir) {
        this.file = new File(partitionDir, FILE_NAME);
        load();
    }

    /**
     * Reads the file. A damaged one (Kafka's reader refuses it as well) is read as empty with a
     * warning naming the file and the line: the log loader then rebuilds the epochs from the
     * batches' partition leader epochs, which is what the file records.
     */
    private void load() {
        try {
            for (String[] entry : CheckpointLines.read(file, 2, 2)) {
                add(new EpochEntry(Integer.parseInt(entry[0]), Long.parseLong(entry[1])));
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("{}; the leader epochs of {} are rebuilt from its record batches", e.getMessage(), file.getParentFile());
            entries.clear();
        }
        latest = latestOf(entries);
    }

    private static int latestOf(List<EpochEntry> entries) {
        return entries.isEmpty() ? UNDEFINED_EPOCH : entries.get(entries.size() - 1).epoch();
    }

    private void add(EpochEntry e) {
        while (!entries.isEmpty() && (entries.get(entries.size() - 1).epoch() >= e.epoch()
            || entries.get(entries.size() - 1).startOffset() >= e.startOffset())) {
            entries.remove(entries.size() - 1);
        }
        entries.add(e);
    }

    /** Whether any epoch is known (a log written before epochs were tracked has none). */
    public synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    public synchronized List<EpochEntry> entries() {
        return List.copyOf(entries);
    }

    /** Records that {@code epoch} starts at {@code startOffset}; ignored unless the epoch is new. */
    public void assign(int epoch, long startOffset) {
        if (epoch < 0 || epoch <= latest) {
            return;
        }
        assignNew(epoch, startOffset);
    }

    private synchronized void assignNew(int epoch, long startOffset) {
        EpochEntry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        if (last != null && last.epoch() >= epoch) {
            return;
        }
        add(new EpochEntry(epoch, startOffset));
        write(false);
    }

    /** Fsyncs the file if it holds changes written without fsync. */
    public synchronized void sync() {
        if (unsynced) {
            write(true);
        }
    }

    public int latestEpoch() {
        return latest;
    }

    /**
     * The largest epoch {@code <=} the requested one and the offset where it ended (the start of
     * the next epoch, or the log end for the latest epoch). Unknown (older than anything kept):
     * {@code (UNDEFINED_EPOCH, UNDEFINED_OFFSET)}.
     */
    public synchronized EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        if (requestedEpoch == UNDEFINED_EPOCH || entries.isEmpty() || requestedEpoch < entries.get(0).epoch()) {
            return new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_OFFSET);
        }
        for (int i = entries.size() - 1; i >= 0; i--) {
            EpochEntry e = entries.get(i);
            if (e.epoch() <= requestedEpoch) {
                long end = i == entries.size() - 1 ? logEndOffset : entries.get(i + 1).startOffset();
                return new EpochEndOffset(e.epoch(), end);
            }
        }
        return new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_OFFSET);
    }

    /** Forgets epochs that start at or after {@code endOffset} (the log was truncated there). */
    public synchronized void truncateFromEnd(long endOffset) {
        boolean changed = entries.removeIf(e -> e.startOffset() >= endOffset);
        if (changed) {
            flush();
        }
    }

    /** The log now starts at {@code startOffset}: older epochs collapse into the one covering it. */
    public synchronized void truncateFromStart(long startOffset) {
        int covering = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).startOffset() <= startOffset) {
                covering = i;
            }
        }
        if (covering < 0 || (covering == 0 && entries.get(0).startOffset() == startOffset)) {
            return;
        }
        EpochEntry kept = new EpochEntry(entries.get(covering).epoch(), startOffset);
        entries.subList(0, covering + 1).clear();
        entries.add(0, kept);
        flush();
    }

    public synchronized void clear() {
        entries.clear();
        flush();
    }

    private void flush() {
        write(true);
    }

    private void write(boolean fsync) {
        latest = latestOf(entries);
        File tmp = new File(file.getPath() + ".tmp");
        try (FileOutputStream out = new FileOutputStream(tmp);
             BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8))) {
            w.write("0\n" + entries.size() + "\n");
            for (EpochEntry e : entries) {
                w.write(e.epoch() + " " + e.startOffset() + "\n");
            }
            w.flush();
            if (fsync) {
                out.getFD().sync();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        try {
            Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        unsynced = !fsync;
    }
}
