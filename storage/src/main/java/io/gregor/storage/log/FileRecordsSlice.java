package io.gregor.storage.log;

import io.gregor.storage.util.FileChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

/**
 * A byte range of a segment's {@code .log} file: what a read returns, so that fetched bytes can
 * go from the page cache to a socket without entering the heap (the network layer turns the
 * range into a {@code sendfile}), or be copied in with {@link #readFully()} where records must
 * be parsed (coordinator loading, tests).
 *
 * <p>The channel belongs to the segment and is never closed through a slice. A segment removed
 * while a slice of it is in flight stays open until its delayed deletion
 * ({@code file.delete.delay.ms}), which is what makes handing out slices without a lock safe.
 *
 * @param channel     the segment's file channel (not owned)
 * @param position    absolute file position of the first byte
 * @param sizeInBytes number of bytes in the range
 */
public record FileRecordsSlice(FileChannel channel, long position, int sizeInBytes) implements BaseRecords {

    public FileRecordsSlice {
        if (position < 0 || sizeInBytes < 0) {
            throw new IllegalArgumentException("Invalid file slice " + position + "+" + sizeInBytes);
        }
    }

    /** The range's bytes in a new heap buffer, as records (a trailing partial batch included). */
    public MemoryRecords readFully() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(sizeInBytes);
        FileChannels.readFully(channel, buffer, position);
        buffer.flip();
        return MemoryRecords.readableRecords(buffer);
    }

    /** Kafka's {@code Send} machinery is never used by Gregor: the network layer transfers the range itself. */
    @Override
    public RecordsSend<? extends BaseRecords> toSend() {
        throw new UnsupportedOperationException("A FileRecordsSlice is sent by the network layer as a file region");
    }
}
