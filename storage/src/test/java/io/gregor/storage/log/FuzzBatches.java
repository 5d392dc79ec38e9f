package io.gregor.storage.log;

import java.nio.ByteBuffer;

/**
 * Helpers of the storage fuzz targets. A fuzzer cannot forge a CRC-32C by mutation, so left alone
 * it would only ever test the CRC check; a target that is told to (a bit of its input) lets
 * {@link #fixCrcs} give each batch a valid CRC first, so that mutations reach everything the
 * checks after the CRC guard.
 */
final class FuzzBatches {
    private FuzzBatches() {
    }

    /**
     * Rewrites the CRC of every v2 batch that the length fields frame from the buffer's position
     * on, stopping at the first length that does not fit.
     */
    static void fixCrcs(ByteBuffer buf) {
        int at = buf.position();
        int end = buf.limit();
        while (end - at >= BatchHeader.SIZE) {
            int size = BatchHeader.totalSize(buf, at);
            if (size < BatchHeader.SIZE || size > end - at) {
                return;
            }
            if (BatchHeader.magic(buf, at) == 2) {
                TestRecords.rewriteCrc(buf, at);
            }
            at += size;
        }
    }

    /** The flag bits of an input's first byte. */
    static boolean flag(byte flags, int bit) {
        return (flags & (1 << bit)) != 0;
    }
}
