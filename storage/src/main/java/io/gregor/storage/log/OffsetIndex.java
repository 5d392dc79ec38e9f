package io.gregor.storage.log;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;

/**
 * Sparse map from offsets to byte positions in a segment's log file ({@code .index}).
 *
 * <p>Format (Kafka's): 8-byte entries of {@code relativeOffset int32 | position int32}, the offset
 * relative to the segment's base offset. An entry is added for a batch's last offset once at
 * least {@code index.interval.bytes} were appended since the previous entry; both columns
 * strictly increase. Lost or torn entries are harmless: the index is rebuilt from the log during
 * recovery.
 */
public final class OffsetIndex extends AbstractIndex {
    static final int ENTRY_SIZE = 8;

    private volatile OffsetPosition lastEntry;

    public OffsetIndex(File file, long baseOffset, int maxIndexSize, boolean writable) throws IOException {
        super(file, baseOffset, maxIndexSize, writable);
        refreshLastEntry();
    }

    @Override
    int entrySize() {
        return ENTRY_SIZE;
    }

    @Override
    protected long keyAt(MappedByteBuffer idx, int n) {
        return baseOffset + idx.getInt(n * ENTRY_SIZE);
    }

    /** The position to start scanning from for {@code targetOffset}: the largest entry at or below it. */
    public OffsetPosition lookup(long targetOffset) {
        MappedByteBuffer idx = mmap;
        int slot = largestLowerBound(targetOffset);
        if (slot < 0) {
            return new OffsetPosition(baseOffset, 0);
        }
        return new OffsetPosition(baseOffset + idx.getInt(slot * ENTRY_SIZE), idx.getInt(slot * ENTRY_SIZE + 4));
    }

    /** The last entry, or {@code (baseOffset, 0)} when empty. */
    public OffsetPosition lastEntry() {
        return lastEntry;
    }

    @Override
    void refreshLastEntry() {
        int n = entries;
        MappedByteBuffer idx = mmap;
        lastEntry = n == 0 ? new OffsetPosition(baseOffset, 0)
            : new OffsetPosition(baseOffset + idx.getInt((n - 1) * ENTRY_SIZE), idx.getInt((n - 1) * ENTRY_SIZE + 4));
    }

    /** Appends an entry; ignored unless both offset and position advance. Caller holds the log lock. */
    void append(long offset, int position) {
        int n = entries;
        if (n > 0) {
            OffsetPosition last = lastEntry();
            if (offset <= last.offset() || position <= last.position()) {
                return;
            }
        }
        if (isFull()) {
            return;
        }
        MappedByteBuffer idx = mmap;
        idx.putInt(n * ENTRY_SIZE, relativeOffset(offset));
        idx.putInt(n * ENTRY_SIZE + 4, position);
        lastEntry = new OffsetPosition(offset, position);
        entries = n + 1;
    }

    /** Removes entries for offsets {@code >= offset}. */
    void truncateTo(long offset) {
        int slot = largestLowerBound(offset);
        if (slot < 0) {
            reset();
            return;
        }
        long key = keyAt(mmap, slot);
        truncateToEntries(key == offset ? slot : slot + 1);
    }

    /** Checks the invariants after loading from disk; false means "rebuild me". */
    boolean isSane() {
        int n = entries;
        MappedByteBuffer idx = mmap;
        for (int i = Math.max(1, n - 2); i < n; i++) {
            if (idx.getInt(i * ENTRY_SIZE) <= idx.getInt((i - 1) * ENTRY_SIZE)
                || idx.getInt(i * ENTRY_SIZE + 4) <= idx.getInt((i - 1) * ENTRY_SIZE + 4)) {
                return false;
            }
        }
        return true;
    }
}
