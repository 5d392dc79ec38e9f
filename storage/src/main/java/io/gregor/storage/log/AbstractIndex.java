package io.gregor.storage.log;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;

/**
 * A memory-mapped, append-only file of fixed-size entries whose keys grow monotonically, searched
 * by binary search. The file is preallocated to {@code maxIndexSize} while its segment is active
 * and trimmed to the written entries when the segment is rolled or closed.
 *
 * <p>Subclasses cache the last entry in memory (see {@link #refreshLastEntry}).
 *
 * <p>Thread-safety: one writer (the log, under its lock) appends; readers search concurrently
 * without locks, reading only the first {@link #entries} entries, which are never modified
 * again. Resizing maps a new buffer and leaves the old one to the garbage collector, because a
 * reader may still hold it; only {@link #close} and {@link #deleteIfExists} unmap eagerly, which
 * the log does after readers are gone (delayed segment deletion).
 */
abstract class AbstractIndex implements Closeable {
    protected final long baseOffset;
    private final int maxIndexSize;
    private volatile File file;
    protected volatile MappedByteBuffer mmap;
    protected volatile int entries;
    private int maxEntries;

    AbstractIndex(File file, long baseOffset, int maxIndexSize, boolean writable) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.maxIndexSize = maxIndexSize;
        boolean existed = file.exists() && file.length() > 0;
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            long existingLength = raf.length();
            if (writable) {
                raf.setLength(roundDown(Math.max(maxIndexSize, existingLength)));
            }
            this.mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, raf.length());
            this.entries = existed ? (int) (roundDown(existingLength) / entrySize()) : 0;
            this.maxEntries = mmap.limit() / entrySize();
        }
    }

    abstract int entrySize();

    private long roundDown(long bytes) {
        return bytes - bytes % entrySize();
    }

    File file() {
        return file;
    }

    int entries() {
        return entries;
    }

    boolean isFull() {
        return entries >= maxEntries;
    }

    int sizeInBytes() {
        return entries * entrySize();
    }

    int relativeOffset(long offset) {
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Offset " + offset + " does not fit an index with base " + baseOffset);
        }
        return (int) relative;
    }

    /** Makes room for appends again (a rolled segment reopened as active after truncation). */
    synchronized void resizeForAppends() throws IOException {
        resize(Math.max(maxIndexSize, sizeInBytes()));
    }

    /** Shrinks the file to the written entries. */
    synchronized void trimToValidSize() throws IOException {
        resize(sizeInBytes());
    }

    private void resize(int newSize) throws IOException {
        int rounded = (int) roundDown(newSize);
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            if (raf.length() == rounded && mmap.limit() == rounded) {
                return;
            }
            raf.setLength(rounded);
            this.mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, rounded);
            this.maxEntries = rounded / entrySize();
        }
    }

    /** Forgets entries from {@code fromEntry} on. */
    synchronized void truncateToEntries(int fromEntry) {
        entries = Math.min(entries, Math.max(0, fromEntry));
        refreshLastEntry();
    }

    /**
     * Re-reads the cached last entry from the file. Subclasses keep the last entry in memory
     * because appends check it: on a broker with thousands of partitions an index page is touched
     * rarely, and the kernel may have paged it out, so reading it would cost a disk read.
     */
    abstract void refreshLastEntry();

    void reset() {
        truncateToEntries(0);
    }

    void flush() {
        mmap.force();
    }

    void renameTo(File target) throws IOException {
        Files.move(file.toPath(), target.toPath(), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        file = target;
    }

    /** Releases the mapping without touching the file. Nobody may read the index afterwards. */
    void unmap() {
        Mmaps.unmap(mmap);
    }

    boolean deleteIfExists() throws IOException {
        Mmaps.unmap(mmap);
        return Files.deleteIfExists(file.toPath());
    }

    @Override
    public void close() throws IOException {
        trimToValidSize();
        Mmaps.unmap(mmap);
    }

    /**
     * Index of the last entry whose key is {@code <= target}, or -1 when the first entry is
     * already larger (or there are none).
     */
    protected int largestLowerBound(long target) {
        MappedByteBuffer idx = mmap;
        int n = entries;
        if (n == 0 || keyAt(idx, 0) > target) {
            return -1;
        }
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (keyAt(idx, mid) <= target) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The search key of entry {@code n}. */
    protected abstract long keyAt(MappedByteBuffer idx, int n);
}
