package io.gregor.storage.log;

import io.gregor.storage.util.FileChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The scan that recovery runs over a segment's {@code .log} file: it reads the file from the
 * start in 1 MiB chunks (a larger buffer only for a larger batch) and finds where the valid
 * batches end. A batch is valid when its size lies between the 61-byte v2 header and
 * {@code maxBatchSize} and within the file, its magic is v2, its CRC matches, its offsets lie
 * after the previous batch's and within the segment's relative-offset range. Everything from the
 * first batch that is not valid on is considered torn or corrupt: nothing after it is trusted.
 *
 * <p>Not thread-safe: used by {@link LogSegment#recover} while no one else uses the segment.
 */
final class SegmentRecoveryScan {
    private static final int CHUNK_BYTES = 1024 * 1024;

    /** Sees each valid batch in file order. */
    interface Visitor {
        /** @param batch the whole batch; its bytes are only valid during the call */
        void onBatch(RecordBatch batch, int position, int size);
    }

    private SegmentRecoveryScan() {
    }

    /**
     * @param baseOffset the segment's base offset (offsets must fit in an int relative to it)
     * @return the length of the valid prefix of the file
     */
    static int validBytes(FileChannel channel, long baseOffset, int maxBatchSize, Visitor visitor) throws IOException {
        long fileSize = channel.size();
        int validBytes = 0;
        long lastOffset = baseOffset - 1;
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
        long chunkStart = 0;
        chunk.limit(0);
        while (validBytes + BatchHeader.SIZE <= fileSize) {
            int at = (int) (validBytes - chunkStart);
            if (at < 0 || at + BatchHeader.LOG_OVERHEAD > chunk.limit()) {
                chunkStart = validBytes;
                fill(channel, chunk, chunkStart, fileSize);
                at = 0;
            }
            int batchSize = chunk.getInt(at + BatchHeader.LENGTH) + BatchHeader.LOG_OVERHEAD;
            if (batchSize < BatchHeader.SIZE || batchSize > maxBatchSize || validBytes + (long) batchSize > fileSize) {
                break;
            }
            if (at + batchSize > chunk.limit()) {
                if (batchSize > chunk.capacity()) {
                    chunk = ByteBuffer.allocate(batchSize);
                }
                chunkStart = validBytes;
                fill(channel, chunk, chunkStart, fileSize);
                at = 0;
            }
            ByteBuffer slice = chunk.duplicate();
            slice.position(at).limit(at + batchSize);
            slice = slice.slice();
            if (BatchHeader.magic(slice, 0) != RecordBatch.MAGIC_VALUE_V2 || BatchHeader.baseOffset(slice, 0) <= lastOffset) {
                break;
            }
            MutableRecordBatch batch = MemoryRecords.readableRecords(slice).batches().iterator().next();
            if (!batch.isValid() || batch.lastOffset() < batch.baseOffset()
                || !LogSegment.fitsRelativeOffset(batch.lastOffset(), baseOffset)) {
                break;
            }
            visitor.onBatch(batch, validBytes, batchSize);
            lastOffset = batch.lastOffset();
            validBytes += batchSize;
        }
        return validBytes;
    }

    private static void fill(FileChannel channel, ByteBuffer chunk, long from, long fileSize) throws IOException {
        chunk.clear();
        chunk.limit((int) Math.min(chunk.capacity(), fileSize - from));
        FileChannels.readUpTo(channel, chunk, from);
        chunk.flip();
    }
}
