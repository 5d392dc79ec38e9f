package io.gregor.protocol.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * Reads what a pipeline wrote: the outbound buffers are concatenated (and released) and split
 * into size-prefixed responses.
 */
public final class Responses {
    private Responses() {
    }

    /** One response as the client sees it. */
    public record Response(int correlationId, ByteBuffer body) {
        /** Parses the body as {@code key}'s response at {@code version}. */
        @SuppressWarnings("unchecked")
        public <T extends ApiMessage> T as(ApiKeys key, short version) {
            ApiMessage message = key.messageType.newResponse();
            ByteBuffer copy = body.duplicate();
            message.read(new ByteBufferAccessor(copy), version);
            assertThat(copy.remaining()).as("bytes after the %s v%d body", key, version).isZero();
            return (T) message;
        }
    }

    /**
     * Every response written so far, in wire order. All outbound messages must be byte buffers;
     * each is released here.
     *
     * @param headerVersions the response header version of each expected response, in order
     */
    public static List<Response> drain(EmbeddedChannel channel, short... headerVersions) {
        ByteBuffer bytes = outboundBytes(channel);
        List<Response> out = new ArrayList<>();
        int i = 0;
        while (bytes.hasRemaining()) {
            int size = bytes.getInt();
            ByteBuffer frame = bytes.slice();
            frame.limit(size);
            bytes.position(bytes.position() + size);
            short headerVersion = i < headerVersions.length ? headerVersions[i] : headerVersions[headerVersions.length - 1];
            ResponseHeader header = ResponseHeader.parse(frame, headerVersion);
            out.add(new Response(header.correlationId(), frame.slice()));
            i++;
        }
        return out;
    }

    /** The concatenated outbound bytes; releases each buffer. */
    public static ByteBuffer outboundBytes(EmbeddedChannel channel) {
        List<byte[]> chunks = new ArrayList<>();
        int total = 0;
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            assertThat(msg).isInstanceOf(ByteBuf.class);
            ByteBuf buf = (ByteBuf) msg;
            byte[] chunk = new byte[buf.readableBytes()];
            buf.readBytes(chunk);
            buf.release();
            chunks.add(chunk);
            total += chunk.length;
        }
        ByteBuffer all = ByteBuffer.allocate(total);
        chunks.forEach(all::put);
        return all.flip();
    }
}
