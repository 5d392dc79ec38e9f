package io.gregor.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * Serialises a response (size prefix, header, body) into the parts that go on the wire.
 * Record sets in the body are not copied (see {@link NettyWritable}).
 */
public final class ResponseEncoder {
    private ResponseEncoder() {
    }

    /**
     * @return buffers and file regions in wire order; ownership passes to the caller
     * @throws RuntimeException when the body cannot be written at {@code version} (nothing is
     *         left allocated then)
     */
    public static List<Object> encode(ByteBufAllocator alloc, int correlationId, short headerVersion,
                                      ApiMessage body, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.addSize(size, cache, headerVersion);
        body.addSize(size, cache, version);
        ByteBuf head = alloc.buffer(4 + size.sizeExcludingZeroCopy());
        head.writeInt(size.totalSize());
        NettyWritable writable = new NettyWritable(head);
        try {
            header.write(writable, cache, headerVersion);
            body.write(writable, cache, version);
        } catch (RuntimeException e) {
            // E.g. a field the version does not have: the parts cut so far would otherwise leak.
            writable.releaseAll();
            throw e;
        }
        return writable.parts();
    }
}
