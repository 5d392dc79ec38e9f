package io.gregor.storage.log;

import java.nio.ByteBuffer;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The part of a fetch response a follower may append: the whole, valid batches that continue its
 * log.
 *
 * <p>A leader answers a fetch with a byte range of its segment files cut at the fetch's byte
 * limit, so the last batch may be cut short (Kafka's leaders do the same and clients drop it).
 * That partial batch is left out here; the follower's next fetch starts at its log end and gets it
 * whole. A trailing piece too short to hold a batch's length field is left out the same way.
 *
 * <p>Every whole batch is checked before anything is appended, so one bad batch rejects the whole
 * response and the log stays as it was:
 * <ul>
 *   <li>size: at least the 61-byte v2 header, at most {@link LogLoader#MAX_RECOVERY_BATCH_BYTES}
 *       (recovery would cut a larger batch off): {@link CorruptRecordException};</li>
 *   <li>magic v2, the only format Gregor stores: {@link InvalidRecordException};</li>
 *   <li>CRC: {@link CorruptRecordException};</li>
 *   <li>last offset {@code >=} base offset: {@link InvalidRecordException};</li>
 *   <li>offsets: the first batch starts at or after the log end, each next one after the last
 *       offset of the one before, and all within 2^31 of the first (what one segment indexes):
 *       {@link InvalidRecordException}. Gaps are legal: compaction on
 *       the leader removes whole batches, and leaves batches whose records do not fill their
 *       offset range, so neither the next base offset nor the record count is implied.</li>
 * </ul>
 *
 * <p>Stateless; thread-safe. Buffer ownership: the caller's buffer is read between its position
 * and limit and not changed; {@link Checked#batches()} is a view of the same bytes.
 */
final class FollowerBatches {
    private FollowerBatches() {
    }

    /**
     * The whole batches of a response, ready to append.
     *
     * @param batches      the whole batches (position to limit), or an empty buffer
     * @param lastOffset   last offset of the last batch, or -1 when there is none
     * @param maxTimestamp largest batch max timestamp, or {@link RecordBatch#NO_TIMESTAMP}
     * @param offsetCount  sum of the batches' offset ranges (what {@code flush.messages} counts)
     * @param droppedBytes bytes of the partial trailing batch left out
     */
    record Checked(ByteBuffer batches, int batchCount, long lastOffset, long maxTimestamp, int offsetCount, int droppedBytes) {
        boolean isEmpty() {
            return batchCount == 0;
        }
    }

    /**
     * @param logEndOffset the follower's log end: the first batch must start at or after it
     * @throws CorruptRecordException a whole batch with a bad size field or CRC
     * @throws InvalidRecordException a batch that is not v2, or whose offsets do not continue the log
     */
    static Checked check(TopicPartition topicPartition, MemoryRecords records, long logEndOffset) {
        ByteBuffer buf = records.buffer();
        int start = buf.position();
        int end = buf.limit();
        int at = start;
        int batchCount = 0;
        long lastOffset = -1;
        long nextAllowed = logEndOffset;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        int offsetCount = 0;
        while (end - at >= BatchHeader.LOG_OVERHEAD) {
            int size = BatchHeader.totalSize(buf, at);
            if (size < BatchHeader.SIZE || size > LogLoader.MAX_RECOVERY_BATCH_BYTES) {
                throw new CorruptRecordException(topicPartition + ": fetched batch at byte " + (at - start) + " has invalid size " + size);
            }
            if (size > end - at) {
                break;
            }
            checkBatch(topicPartition, buf, at, size, nextAllowed);
            lastOffset = BatchHeader.lastOffset(buf, at);
            if (batchCount > 0 && !LogSegment.fitsRelativeOffset(lastOffset, BatchHeader.baseOffset(buf, start))) {
                // A leader serves one segment's range at a time; more would not fit the segment appended to.
                throw new InvalidRecordException(topicPartition + ": fetched batches span offsets " + BatchHeader.baseOffset(buf, start)
                    + " to " + lastOffset + ", more than one segment can index");
            }
            nextAllowed = lastOffset + 1;
            maxTimestamp = Math.max(maxTimestamp, BatchHeader.maxTimestamp(buf, at));
            offsetCount += BatchHeader.lastOffsetDelta(buf, at) + 1;
            batchCount++;
            at += size;
        }
        ByteBuffer whole = buf.duplicate();
        whole.position(start).limit(at);
        return new Checked(whole, batchCount, lastOffset, maxTimestamp, offsetCount, end - at);
    }

    private static void checkBatch(TopicPartition topicPartition, ByteBuffer buf, int at, int size, long nextAllowed) {
        long baseOffset = BatchHeader.baseOffset(buf, at);
        byte magic = BatchHeader.magic(buf, at);
        if (magic != RecordBatch.MAGIC_VALUE_V2) {
            throw new InvalidRecordException(topicPartition + ": fetched batch at offset " + baseOffset + " has magic " + magic
                + "; only v2 batches can be stored");
        }
        ByteBuffer slice = buf.duplicate();
        slice.position(at).limit(at + size);
        MutableRecordBatch batch = MemoryRecords.readableRecords(slice.slice()).batches().iterator().next();
        if (!batch.isValid()) {
            throw new CorruptRecordException(topicPartition + ": fetched batch at offset " + baseOffset + " is corrupt (stored crc "
                + batch.checksum() + ")");
        }
        int lastOffsetDelta = BatchHeader.lastOffsetDelta(buf, at);
        if (lastOffsetDelta < 0) {
            throw new InvalidRecordException(topicPartition + ": fetched batch at offset " + baseOffset
                + " has a negative last offset delta " + lastOffsetDelta);
        }
        if (baseOffset < nextAllowed) {
            throw new InvalidRecordException(topicPartition + ": fetched batch at offset " + baseOffset
                + " overlaps what the log already holds (next offset " + nextAllowed + ")");
        }
    }
}
