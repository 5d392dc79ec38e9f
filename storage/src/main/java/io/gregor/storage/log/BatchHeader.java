package io.gregor.storage.log;

import java.nio.ByteBuffer;

/**
 * Field offsets and accessors of the v2 record batch header (magic 2), read in place from a
 * buffer at an absolute position without allocating.
 *
 * <pre>
 * baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
 * attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 |
 * producerId int64 | producerEpoch int16 | baseSequence int32 | recordCount int32 | records...
 * </pre>
 * {@code batchLength} counts the bytes after itself, so a batch occupies {@code batchLength + 12}.
 */
public final class BatchHeader {
    public static final int BASE_OFFSET = 0;
    public static final int LENGTH = 8;
    public static final int LOG_OVERHEAD = 12;
    public static final int PARTITION_LEADER_EPOCH = 12;
    public static final int MAGIC = 16;
    public static final int CRC = 17;
    public static final int ATTRIBUTES = 21;
    public static final int LAST_OFFSET_DELTA = 23;
    public static final int BASE_TIMESTAMP = 27;
    public static final int MAX_TIMESTAMP = 35;
    public static final int PRODUCER_ID = 43;
    public static final int PRODUCER_EPOCH = 51;
    public static final int BASE_SEQUENCE = 53;
    public static final int RECORD_COUNT = 57;
    public static final int SIZE = 61;

    public static final int COMPRESSION_MASK = 0x07;
    public static final int TIMESTAMP_TYPE_MASK = 0x08;
    public static final int TRANSACTIONAL_MASK = 0x10;
    public static final int CONTROL_MASK = 0x20;

    private BatchHeader() {
    }

    public static long baseOffset(ByteBuffer b, int at) {
        return b.getLong(at + BASE_OFFSET);
    }

    /** Total size of the batch in bytes, including offset and length fields. */
    public static int totalSize(ByteBuffer b, int at) {
        return b.getInt(at + LENGTH) + LOG_OVERHEAD;
    }

    public static byte magic(ByteBuffer b, int at) {
        return b.get(at + MAGIC);
    }

    public static short attributes(ByteBuffer b, int at) {
        return b.getShort(at + ATTRIBUTES);
    }

    public static int lastOffsetDelta(ByteBuffer b, int at) {
        return b.getInt(at + LAST_OFFSET_DELTA);
    }

    public static long lastOffset(ByteBuffer b, int at) {
        return baseOffset(b, at) + lastOffsetDelta(b, at);
    }

    public static long baseTimestamp(ByteBuffer b, int at) {
        return b.getLong(at + BASE_TIMESTAMP);
    }

    public static long maxTimestamp(ByteBuffer b, int at) {
        return b.getLong(at + MAX_TIMESTAMP);
    }

    public static int partitionLeaderEpoch(ByteBuffer b, int at) {
        return b.getInt(at + PARTITION_LEADER_EPOCH);
    }

    public static long producerId(ByteBuffer b, int at) {
        return b.getLong(at + PRODUCER_ID);
    }

    public static short producerEpoch(ByteBuffer b, int at) {
        return b.getShort(at + PRODUCER_EPOCH);
    }

    public static int baseSequence(ByteBuffer b, int at) {
        return b.getInt(at + BASE_SEQUENCE);
    }

    public static int recordCount(ByteBuffer b, int at) {
        return b.getInt(at + RECORD_COUNT);
    }

    public static boolean isTransactional(ByteBuffer b, int at) {
        return (attributes(b, at) & TRANSACTIONAL_MASK) != 0;
    }

    public static boolean isControl(ByteBuffer b, int at) {
        return (attributes(b, at) & CONTROL_MASK) != 0;
    }
}
