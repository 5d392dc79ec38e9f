package io.gregor.protocol.network;

import io.gregor.protocol.ApiRegistry;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/**
 * The whole per-connection pipeline in one place:
 * {@code frameDecoder} (size-checked framing) → {@code requestHandler} (decode, dispatch,
 * in-order responses). Responses are written as ready-made buffers and file regions, so no
 * outbound encoder stage is needed.
 */
public final class KafkaChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final ApiRegistry registry;
    private final String listenerName;
    private final int maxRequestBytes;

    public KafkaChannelInitializer(ApiRegistry registry, String listenerName, int maxRequestBytes) {
        this.registry = registry;
        this.listenerName = listenerName;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
            .addLast("frameDecoder", new FrameDecoder(maxRequestBytes))
            .addLast("requestHandler", new ConnectionHandler(registry, listenerName));
    }
}
