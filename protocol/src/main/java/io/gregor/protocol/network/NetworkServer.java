package io.gregor.protocol.network;

import io.gregor.protocol.ApiRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's listening sockets. Uses Linux epoll when available (sendfile for file regions,
 * fewer copies), NIO otherwise. One event loop group serves accepts and connections: on a
 * small machine, extra threads only add hand-offs. All listeners share one
 * {@link RequestMemoryPool} ({@code queued.max.request.bytes}), as Kafka's data plane shares one.
 */
public final class NetworkServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NetworkServer.class);

    /**
     * Socket settings, named after Kafka's broker configs: {@code socket.send.buffer.bytes},
     * {@code socket.receive.buffer.bytes}, {@code socket.request.max.bytes},
     * {@code connections.max.idle.ms} and Gregor's {@code socket.request.receive.timeout.ms}
     * (0 or less disables either timeout).
     */
    public record SocketSettings(int sendBufferBytes, int receiveBufferBytes, int maxRequestBytes,
                                 long connectionsMaxIdleMs, long requestReceiveTimeoutMs) {
        /** Kafka's {@code connections.max.idle.ms} default. */
        public static final long DEFAULT_CONNECTIONS_MAX_IDLE_MS = 600_000;
        /** Gregor's {@code socket.request.receive.timeout.ms} default: the clients' {@code request.timeout.ms}. */
        public static final long DEFAULT_REQUEST_RECEIVE_TIMEOUT_MS = 30_000;

        /** With the default timeouts. */
        public SocketSettings(int sendBufferBytes, int receiveBufferBytes, int maxRequestBytes) {
            this(sendBufferBytes, receiveBufferBytes, maxRequestBytes, DEFAULT_CONNECTIONS_MAX_IDLE_MS,
                DEFAULT_REQUEST_RECEIVE_TIMEOUT_MS);
        }
    }

    /** A listener to bind: name (e.g. PLAINTEXT), host ("" or null = all interfaces) and port (0 = any). */
    public record Listener(String name, String host, int port) {
    }

    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> channelClass;
    private final List<Channel> channels = new ArrayList<>();
    private final RequestMemoryPool memoryPool;

    /** Without a bound on request memory (Kafka's {@code queued.max.request.bytes=-1}). */
    public NetworkServer(int threads) {
        this(threads, RequestMemoryPool.unbounded());
    }

    public NetworkServer(int threads, RequestMemoryPool memoryPool) {
        this.memoryPool = memoryPool;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("gregor-network", true), factory);
        this.channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        log.debug("Network transport: {}", epoll ? "epoll" : "nio");
    }

    /** Binds a listener and returns the bound address (with the real port when 0 was asked). */
    public InetSocketAddress bind(Listener listener, ApiRegistry registry, SocketSettings settings) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channel(channelClass)
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(new KafkaChannelInitializer(registry, listener.name(), settings, memoryPool));
        if (settings.sendBufferBytes() > 0) {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, settings.sendBufferBytes());
        }
        if (settings.receiveBufferBytes() > 0) {
            bootstrap.childOption(ChannelOption.SO_RCVBUF, settings.receiveBufferBytes());
        }
        InetSocketAddress address = listener.host() == null || listener.host().isEmpty()
            ? new InetSocketAddress(listener.port())
            : new InetSocketAddress(listener.host(), listener.port());
        Channel channel = bootstrap.bind(address).sync().channel();
        synchronized (channels) {
            channels.add(channel);
        }
        return (InetSocketAddress) channel.localAddress();
    }

    public RequestMemoryPool memoryPool() {
        return memoryPool;
    }

    /** Stops accepting connections; existing connections stay open until {@link #close()}. */
    public void stopAccepting() {
        synchronized (channels) {
            for (Channel channel : channels) {
                channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            channels.clear();
        }
    }

    @Override
    public void close() {
        stopAccepting();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
