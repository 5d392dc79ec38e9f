package io.gregor.protocol.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the byte stream into Kafka frames: an int32 size followed by that many bytes.
 *
 * <p>The size is checked against {@code socket.request.max.bytes} before anything is buffered;
 * a negative or oversized frame closes the connection. A frame that arrived whole in one read
 * is passed on as a retained slice of the read buffer (no copy); a frame split across reads is
 * assembled in a buffer allocated once at its exact size (no re-growing).
 *
 * <p>Emits {@link ByteBuf}s holding exactly one frame without the size prefix; the next handler
 * owns (and releases) each one. One instance per channel; event-loop confined.
 */
public final class FrameDecoder extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);

    private final int maxFrameBytes;
    private int sizeBytesRead;
    private int pendingSize;
    private ByteBuf partial;

    public FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            while (in.isReadable() && ctx.channel().isActive()) {
                if (partial != null) {
                    int n = Math.min(partial.writableBytes(), in.readableBytes());
                    partial.writeBytes(in, n);
                    if (!partial.isWritable()) {
                        ByteBuf frame = partial;
                        partial = null;
                        ctx.fireChannelRead(frame);
                    }
                    continue;
                }
                if (sizeBytesRead == 0 && in.readableBytes() >= 4) {
                    pendingSize = in.readInt();
                    sizeBytesRead = 4;
                } else {
                    while (sizeBytesRead < 4 && in.isReadable()) {
                        pendingSize = (pendingSize << 8) | in.readUnsignedByte();
                        sizeBytesRead++;
                    }
                    if (sizeBytesRead < 4) {
                        return;
                    }
                }
                int size = pendingSize;
                sizeBytesRead = 0;
                pendingSize = 0;
                if (size < 0 || size > maxFrameBytes) {
                    log.warn("Closing connection from {}: request size {} is outside 0..{} (socket.request.max.bytes)",
                        ctx.channel().remoteAddress(), size, maxFrameBytes);
                    ctx.close();
                    return;
                }
                if (in.readableBytes() >= size) {
                    ctx.fireChannelRead(in.readRetainedSlice(size));
                } else {
                    partial = ctx.alloc().buffer(size, size);
                    partial.writeBytes(in);
                }
            }
        } finally {
            in.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (partial != null) {
            partial.release();
            partial = null;
        }
        super.channelInactive(ctx);
    }
}
