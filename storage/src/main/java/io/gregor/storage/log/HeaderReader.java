package io.gregor.storage.log;

import io.gregor.storage.util.FileChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.errors.CorruptRecordException;

/**
 * Reads batch headers from a segment file through a window, so that scanning many small batches
 * costs one read per window rather than one per batch. The window starts small (a lookup usually
 * needs one header) and grows as a scan goes on. Not thread-safe; create one per scan.
 */
final class HeaderReader {
    private static final int FIRST_WINDOW = 256;
    private static final int MAX_WINDOW = 16 * 1024;

    private final FileChannel channel;
    private final int end;
    private ByteBuffer window = ByteBuffer.allocate(FIRST_WINDOW);
    private long windowStart = -1;
    private int windowLength;

    /** @param end file position beyond which nothing is read (the segment's committed size) */
    HeaderReader(FileChannel channel, int end) {
        this.channel = channel;
        this.end = end;
    }

    /**
     * Makes the header at {@code position} readable and returns its index in {@link #buffer()},
     * or -1 when no complete header starts there before {@code end}.
     *
     * @throws CorruptRecordException when the header's size field is smaller than a header (a
     *         file corrupted where no recovery checked it)
     */
    int locate(int position) throws IOException {
        if (position < 0) {
            throw new CorruptRecordException("Corrupt index or batch size: a batch header at position " + position);
        }
        if (position + BatchHeader.SIZE > end) {
            return -1;
        }
        if (windowStart < 0 || position < windowStart || position + BatchHeader.SIZE > windowStart + windowLength) {
            if (windowStart >= 0 && window.capacity() < MAX_WINDOW) {
                // Scanning on: read ahead more each time (most lookups need a single header).
                window = ByteBuffer.allocate(Math.min(MAX_WINDOW, window.capacity() * 4));
            }
            window.clear();
            int want = Math.min(window.capacity(), end - position);
            window.limit(want);
            FileChannels.readFully(channel, window, position);
            windowStart = position;
            windowLength = want;
        }
        int at = (int) (position - windowStart);
        if (BatchHeader.totalSize(window, at) < BatchHeader.SIZE) {
            // A scan steps by this size: smaller than a header it would stand still or go back.
            throw new CorruptRecordException("Corrupt record batch at position " + position + ": size "
                + BatchHeader.totalSize(window, at));
        }
        return at;
    }

    ByteBuffer buffer() {
        return window;
    }
}
