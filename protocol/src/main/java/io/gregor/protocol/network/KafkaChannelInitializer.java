package io.gregor.protocol.network;

import io.gregor.protocol.ApiRegistry;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;

/**
 * The whole per-connection pipeline in one place:
 * {@code idleTimeout} ({@code connections.max.idle.ms}; left out when disabled) →
 * {@code frameDecoder} (size-checked framing into the broker's request memory, receive timeout) →
 * {@code requestHandler} (decode, dispatch, in-order responses). Responses are written as
 * ready-made buffers and file regions, so no outbound encoder stage is needed; the idle stage
 * sits first so that it sees every read and every write.
 */
public final class KafkaChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final ApiRegistry registry;
    private final String listenerName;
    private final NetworkServer.SocketSettings settings;
    private final RequestMemoryPool memoryPool;

    public KafkaChannelInitializer(ApiRegistry registry, String listenerName, NetworkServer.SocketSettings settings,
                                   RequestMemoryPool memoryPool) {
        this.registry = registry;
        this.listenerName = listenerName;
        this.settings = settings;
        this.memoryPool = memoryPool;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline pipeline = ch.pipeline();
        if (settings.connectionsMaxIdleMs() > 0) {
            pipeline.addLast("idleTimeout", new IdleConnectionCloser(settings.connectionsMaxIdleMs()));
        }
        pipeline
            .addLast("frameDecoder", new FrameDecoder(settings.maxRequestBytes(), memoryPool, settings.requestReceiveTimeoutMs()))
            .addLast("requestHandler", new ConnectionHandler(registry, listenerName));
    }
}
