package io.gregor.protocol.network;

import io.gregor.common.Futures;
import io.gregor.protocol.ApiRegistry;
import io.gregor.protocol.RequestContext;
import io.gregor.protocol.RequestDecoder;
import io.gregor.protocol.RequestDecoder.Decoded;
import io.gregor.protocol.RequestDecoder.Dispatch;
import io.gregor.protocol.RequestDecoder.Reply;
import io.gregor.protocol.ResponseEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the requests of one connection and writes their responses strictly in request order.
 *
 * <p>Requests are pipelined: each is dispatched as soon as it is decoded, and its response
 * waits in a queue until every earlier one has been written. A handler that answers "no
 * response" (acks=0 produce) still takes its place in the queue. When too many responses are
 * outstanding the connection stops reading until the queue drains (back-pressure).
 *
 * <p>Event-loop confined; handler futures may complete on any thread and are hopped back.
 */
public final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    private static final AtomicLong CONNECTION_IDS = new AtomicLong();
    private static final int MAX_OUTSTANDING = 256;

    private final RequestDecoder decoder;
    private final String listenerName;
    private final ArrayDeque<Pending> outstanding = new ArrayDeque<>();
    private String connectionId;
    private ChannelHandlerContext ctx;
    private boolean closeAfterDrain;

    public ConnectionHandler(ApiRegistry registry, String listenerName) {
        this.decoder = new RequestDecoder(registry);
        this.listenerName = listenerName;
    }

    /** One request's slot in the response queue. */
    private static final class Pending {
        final RequestHeader header;
        boolean done;
        ApiMessage response;
        short version;
        short headerVersion;

        Pending(RequestHeader header) {
            this.header = header;
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        this.connectionId = ctx.channel().localAddress() + "-" + ctx.channel().remoteAddress() + "-" + CONNECTION_IDS.incrementAndGet();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        Decoded decoded;
        try {
            decoded = decoder.decode(frame.nioBuffer());
        } catch (InvalidRequestException e) {
            frame.release();
            log.warn("Closing connection {}: {}", connectionId, e.getMessage());
            ctx.close();
            return;
        }
        Pending pending = new Pending(decoded.header());
        outstanding.add(pending);
        if (decoded instanceof Reply reply) {
            frame.release();
            complete(pending, reply.response(), reply.responseVersion(), reply.responseHeaderVersion());
            return;
        }
        Dispatch dispatch = (Dispatch) decoded;
        CompletableFuture<ApiMessage> result;
        try {
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            RequestContext context = new RequestContext(dispatch.header(), connectionId,
                remote == null ? null : remote.getAddress(), listenerName, ctx.channel().eventLoop(),
                () -> ctx.executor().execute(() -> {
                    closeAfterDrain = true;
                    maybeCloseAfterDrain();
                }));
            result = dispatch.handler().handle(context, dispatch.body());
        } catch (Throwable t) {
            result = CompletableFuture.failedFuture(t);
        } finally {
            frame.release();
        }
        if (result.isDone() && ctx.executor().inEventLoop()) {
            onHandled(pending, dispatch, result.getNow(null), null);
        } else {
            result.whenComplete((response, error) -> ctx.executor().execute(() -> onHandled(pending, dispatch, response, error)));
        }
        if (outstanding.size() >= MAX_OUTSTANDING) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void onHandled(Pending pending, Dispatch dispatch, ApiMessage response, Throwable error) {
        short version = dispatch.header().apiVersion();
        if (error != null) {
            Throwable cause = Futures.unwrap(error);
            log.error("Error handling {} v{} from {} (client {})", dispatch.header().apiKey(), version, connectionId,
                dispatch.header().clientId(), cause);
            response = dispatch.request().getErrorResponse(0, cause).data();
        }
        complete(pending, response, version, dispatch.header().apiKey().responseHeaderVersion(version));
    }

    private void complete(Pending pending, ApiMessage response, short version, short headerVersion) {
        try {
            pending.response = response;
            pending.version = version;
            pending.headerVersion = headerVersion;
            pending.done = true;
            boolean wrote = false;
            while (!outstanding.isEmpty() && outstanding.peekFirst().done) {
                Pending head = outstanding.pollFirst();
                if (head.response != null && ctx.channel().isActive()) {
                    List<Object> parts = ResponseEncoder.encode(ctx.alloc(), head.header.correlationId(),
                        head.headerVersion, head.response, head.version);
                    for (Object part : parts) {
                        ctx.write(part, ctx.voidPromise());
                    }
                    wrote = true;
                }
            }
            if (wrote) {
                ctx.flush();
            }
            maybeCloseAfterDrain();
            if (!ctx.channel().config().isAutoRead() && outstanding.size() < MAX_OUTSTANDING / 2) {
                ctx.channel().config().setAutoRead(true);
            }
        } catch (RuntimeException e) {
            log.error("Failed to encode a response on {}; closing the connection", connectionId, e);
            ctx.close();
        }
    }

    private void maybeCloseAfterDrain() {
        if (closeAfterDrain && outstanding.isEmpty()) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("Connection {} failed: {}", connectionId, cause.toString());
        } else {
            log.warn("Closing connection {} after an unexpected error", connectionId, cause);
        }
        ctx.close();
    }
}
