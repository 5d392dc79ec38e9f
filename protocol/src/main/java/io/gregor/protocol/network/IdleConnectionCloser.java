package io.gregor.protocol.network;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection on which nothing was read or written for {@code connections.max.idle.ms},
 * as Kafka's socket server expires idle connections. A response still draining to a slow reader
 * counts as activity (Netty's {@code observeOutput}). Time is the event loop's ticker.
 */
final class IdleConnectionCloser extends IdleStateHandler {
    private static final Logger log = LoggerFactory.getLogger(IdleConnectionCloser.class);

    private final long idleMs;

    IdleConnectionCloser(long idleMs) {
        super(true, 0, 0, idleMs, TimeUnit.MILLISECONDS);
        this.idleMs = idleMs;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        log.debug("Closing connection from {}: idle for {} ms (connections.max.idle.ms)", ctx.channel().remoteAddress(), idleMs);
        ctx.close();
    }
}
