package io.gregor.storage.log;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;

/**
 * Sparse map from timestamps to offsets ({@code .timeindex}).
 *
 * <p>Format (Kafka's): 12-byte entries of {@code timestamp int64 | relativeOffset int32}. An
 * entry is appended only when the segment's max timestamp grows, so both columns increase; the
 * entry says "records up to this offset have timestamps up to this value". When a segment is
 * rolled, a final entry records its max timestamp, so the segment's largest timestamp (used by
 * time-based retention) is known after a restart without reading the log.
 */
public final class TimeIndex extends AbstractIndex {
    static final int ENTRY_SIZE = 12;

    private volatile TimestampOffset lastEntry;

    public TimeIndex(File file, long baseOffset, int maxIndexSize, boolean writable) throws IOException {
        super(file, baseOffset, maxIndexSize, writable);
        refreshLastEntry();
    }

    @Override
    int entrySize() {
        return ENTRY_SIZE;
    }

    @Override
    protected long keyAt(MappedByteBuffer idx, int n) {
        return idx.getLong(n * ENTRY_SIZE);
    }

    /** The last entry, or {@code (-1, baseOffset)} when empty. */
    public TimestampOffset lastEntry() {
        return lastEntry;
    }

    @Override
    void refreshLastEntry() {
        int n = entries;
        MappedByteBuffer idx = mmap;
        lastEntry = n == 0 ? new TimestampOffset(-1L, baseOffset)
            : new TimestampOffset(idx.getLong((n - 1) * ENTRY_SIZE), baseOffset + idx.getInt((n - 1) * ENTRY_SIZE + 8));
    }

    /**
     * The offset to start scanning from to find the first record with timestamp {@code >= target}:
     * the entry of the largest timestamp below {@code target}, or the segment start.
     */
    public TimestampOffset lookup(long target) {
        int slot = largestLowerBound(target - 1);
        if (slot < 0) {
            return new TimestampOffset(-1L, baseOffset);
        }
        MappedByteBuffer idx = mmap;
        return new TimestampOffset(idx.getLong(slot * ENTRY_SIZE), baseOffset + idx.getInt(slot * ENTRY_SIZE + 8));
    }

    /** Appends when the timestamp grows (and, unless forced, there is room). Caller holds the log lock. */
    void maybeAppend(long timestamp, long offset, boolean force) {
        int n = entries;
        if (n > 0) {
            TimestampOffset last = lastEntry();
            if (timestamp <= last.timestamp() || offset < last.offset()) {
                return;
            }
            if (offset == last.offset()) {
                // Same offset, larger timestamp: replace the last entry.
                mmap.putLong((n - 1) * ENTRY_SIZE, timestamp);
                lastEntry = new TimestampOffset(timestamp, offset);
                return;
            }
        }
        if (isFull()) {
            if (!force) {
                return;
            }
            try {
                resizeForAppends();
            } catch (IOException e) {
                return;
            }
            if (isFull()) {
                return;
            }
        }
        MappedByteBuffer idx = mmap;
        idx.putLong(n * ENTRY_SIZE, timestamp);
        idx.putInt(n * ENTRY_SIZE + 8, relativeOffset(offset));
        lastEntry = new TimestampOffset(timestamp, offset);
        entries = n + 1;
    }

    /** Removes entries for offsets {@code >= offset}. */
    void truncateTo(long offset) {
        MappedByteBuffer idx = mmap;
        int n = entries;
        int keep = n;
        while (keep > 0 && baseOffset + idx.getInt((keep - 1) * ENTRY_SIZE + 8) >= offset) {
            keep--;
        }
        truncateToEntries(keep);
    }

    boolean isSane() {
        int n = entries;
        MappedByteBuffer idx = mmap;
        for (int i = Math.max(1, n - 2); i < n; i++) {
            if (idx.getLong(i * ENTRY_SIZE) < idx.getLong((i - 1) * ENTRY_SIZE)
                || idx.getInt(i * ENTRY_SIZE + 8) < idx.getInt((i - 1) * ENTRY_SIZE + 8)) {
                return false;
            }
        }
        return true;
    }
}
