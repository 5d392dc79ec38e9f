package io.gregor.storage.cleaner;

import io.gregor.storage.log.BatchHeader;
import io.gregor.storage.log.LogSegment;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads a segment front to back through a bounded buffer, as whole batches: one at a time
 * ({@link #next()}) or as many whole batches as fit the buffer ({@link #nextChunk()}). A batch
 * larger than the buffer is read on its own. Returned buffers are only valid until the next call.
 */
final class BatchStream {
    private final LogSegment segment;
    private final int bufferBytes;
    private final int end;
    private int position;
    private ByteBuffer chunk = ByteBuffer.allocate(0);

    BatchStream(LogSegment segment, int bufferBytes) {
        this.segment = segment;
        this.bufferBytes = Math.max(bufferBytes, BatchHeader.SIZE);
        this.end = segment.size();
    }

    /** The next whole batch, positioned at 0, or null at the end. */
    ByteBuffer next() throws IOException {
        if (!chunk.hasRemaining()) {
            ByteBuffer c = nextChunk();
            if (c == null) {
                return null;
            }
            chunk = c;
        }
        int size = BatchHeader.totalSize(chunk, chunk.position());
        ByteBuffer batch = chunk.duplicate();
        batch.limit(chunk.position() + size);
        chunk.position(chunk.position() + size);
        return batch.slice();
    }

    /** The next run of whole batches, or null at the end. */
    ByteBuffer nextChunk() throws IOException {
        if (position + BatchHeader.LOG_OVERHEAD > end) {
            return null;
        }
        ByteBuffer buf = segment.readBytes(position, Math.min(bufferBytes, end - position));
        int wholeBytes = 0;
        while (wholeBytes + BatchHeader.LOG_OVERHEAD <= buf.limit()) {
            int size = BatchHeader.totalSize(buf, wholeBytes);
            if (size < BatchHeader.SIZE || wholeBytes + size > buf.limit()) {
                break;
            }
            wholeBytes += size;
        }
        if (wholeBytes == 0) {
            int size = buf.getInt(BatchHeader.LENGTH) + BatchHeader.LOG_OVERHEAD;
            if (size < BatchHeader.SIZE || position + size > end) {
                return null;
            }
            buf = segment.readBytes(position, size);
            wholeBytes = size;
        }
        buf.limit(wholeBytes);
        position += wholeBytes;
        return buf;
    }
}
