package io.gregor.protocol;

import java.nio.channels.FileChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

/**
 * A byte range of a log segment file, put into a response as-is.
 *
 * <p>The response encoder turns it into a Netty {@code FileRegion}, so that on a plaintext
 * connection the bytes go from the page cache to the socket with {@code sendfile} and never
 * enter the Java heap. The channel is owned by the log segment; the encoder never closes it.
 * Segments that are deleted while a slice is in flight stay open until their delayed deletion
 * ({@code file.delete.delay.ms}), which is what makes handing out slices without a lock safe.
 *
 * @param channel      the segment's file channel (not owned)
 * @param position     absolute file position of the first byte
 * @param sizeInBytes  number of bytes to send
 */
public record FileRegionRecords(FileChannel channel, long position, int sizeInBytes) implements BaseRecords {

    public FileRegionRecords {
        if (position < 0 || sizeInBytes < 0) {
            throw new IllegalArgumentException("Invalid file slice " + position + "+" + sizeInBytes);
        }
    }

    /**
     * Kafka's own {@code Send} machinery is never used for Gregor responses: the Netty
     * encoder ({@link ResponseEncoder}) transfers this slice itself.
     */
    @Override
    public RecordsSend<? extends BaseRecords> toSend() {
        throw new IllegalStateException("FileRegionRecords are sent by the Netty response encoder");
    }
}
