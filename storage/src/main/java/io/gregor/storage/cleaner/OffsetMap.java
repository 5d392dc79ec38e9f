package io.gregor.storage.cleaner;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A fixed-size map from record keys to the latest offset seen for them, used to deduplicate a
 * log during compaction. Keys are stored as their 128-bit MD5 digest (as Kafka does): the memory
 * is bounded by {@code log.cleaner.dedupe.buffer.size} regardless of key sizes. Two keys with
 * the same digest would be treated as one key; with 128 bits that is negligibly unlikely, the
 * same trade-off Kafka makes.
 *
 * <p>Open addressing with linear probing; 24 bytes per slot; fills up to {@code loadFactor}.
 * Not thread-safe: one map per cleaner thread.
 */
final class OffsetMap {
    private final long memoryBytes;
    private final long[] hi;
    private final long[] lo;
    private final long[] offsets;
    private final int mask;
    private final int maxEntries;
    private final MessageDigest md5;
    private int size;
    private long latestOffset = -1;

    OffsetMap(long memoryBytes, double loadFactor) {
        this.memoryBytes = memoryBytes;
        int slots = Integer.highestOneBit((int) Math.max(16, Math.min(Integer.MAX_VALUE / 2, memoryBytes / 24)));
        this.hi = new long[slots];
        this.lo = new long[slots];
        this.offsets = new long[slots];
        this.mask = slots - 1;
        this.maxEntries = (int) (slots * loadFactor);
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        clear();
    }

    void clear() {
        java.util.Arrays.fill(offsets, -1L);
        size = 0;
        latestOffset = -1;
    }

    int size() {
        return size;
    }

    long memoryBytes() {
        return memoryBytes;
    }

    /** How many keys fit before the map is full. */
    int capacity() {
        return maxEntries;
    }

    boolean isFull() {
        return size >= maxEntries;
    }

    long latestOffset() {
        return latestOffset;
    }

    private int slot(long h, long l) {
        int i = (int) (h ^ (h >>> 32) ^ l) & mask;
        while (offsets[i] >= 0 && (hi[i] != h || lo[i] != l)) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private long[] digest(ByteBuffer key) {
        md5.reset();
        md5.update(key.duplicate());
        ByteBuffer d = ByteBuffer.wrap(md5.digest());
        return new long[] {d.getLong(), d.getLong()};
    }

    /** Records that {@code key} was seen at {@code offset} (offsets must not decrease). */
    void put(ByteBuffer key, long offset) {
        long[] d = digest(key);
        int i = slot(d[0], d[1]);
        if (offsets[i] < 0) {
            if (isFull()) {
                throw new IllegalStateException("Offset map is full");
            }
            hi[i] = d[0];
            lo[i] = d[1];
            size++;
        }
        offsets[i] = offset;
        latestOffset = offset;
    }

    /** The latest offset of {@code key}, or -1 if not seen. */
    long get(ByteBuffer key) {
        long[] d = digest(key);
        return offsets[slot(d[0], d[1])];
    }
}
