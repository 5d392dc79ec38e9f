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
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the requests of one connection and writes their responses strictly in request order.
 *
 * <p>Requests are pipelined: each is dispatched as soon as it is decoded, and its response
 * waits in a queue until every earlier one has been written. A handler that answers "no
 * response" (acks=0 produce) still takes its place in the queue. When too many responses are
 * outstanding (256) the connection stops reading, and reads again once fewer than half are
 * (back-pressure, one of the {@link ReadGate} reasons).
 *
 * <p>A handler that asks to close the connection ({@link RequestContext#closeConnection()})
 * gets it closed once every response up to its own slot has been written out; nothing after
 * that slot is read, dispatched or answered. A failed request is answered with its API's error
 * response; one that has none (an acks=0 produce) closes the connection the same way.
 *
 * <p>Buffer ownership: each inbound frame is released as soon as its handler's {@code handle}
 * returns (or when the frame is answered or dropped without a handler); encoded responses pass
 * to the channel, which releases them once written.
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
    /** A handler asked to close the connection: no further request is read or dispatched. */
    private boolean closing;

    public ConnectionHandler(ApiRegistry registry, String listenerName) {
        this.decoder = new RequestDecoder(registry);
        this.listenerName = listenerName;
    }

    /** One request's slot in the response queue. */
    private static final class Pending {
        final RequestHeader header;
        boolean done;
        /** The handler asked to close the connection once this slot's turn comes. */
        boolean closeAfter;
        /** This slot's turn came: its response (if any) was written. */
        boolean drained;
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
        if (closing) {
            frame.release();
            return;
        }
        Decoded decoded;
        try {
            decoded = decoder.decode(frame.nioBuffer());
        } catch (InvalidRequestException e) {
            frame.release();
            log.warn("Closing connection {}: {}", connectionId, e.getMessage());
            ctx.close();
            return;
        } catch (RuntimeException | Error e) {
            frame.release();
            throw e;
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
            InetAddress clientAddress = ctx.channel().remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
            RequestContext context = new RequestContext(dispatch.header(), connectionId, clientAddress, listenerName,
                ctx.channel().eventLoop(), () -> onEventLoop(() -> closeAfter(pending)));
            result = dispatch.handler().handle(context, dispatch.body());
        } catch (Throwable t) {
            result = CompletableFuture.failedFuture(t);
        } finally {
            frame.release();
        }
        if (result.isDone() && ctx.executor().inEventLoop()) {
            // Runs at once. Not getNow(), which throws for a failed future instead of answering with the error.
            result.whenComplete((response, error) -> onHandled(pending, dispatch, response, error));
        } else {
            result.whenComplete((response, error) -> ctx.executor().execute(() -> onHandled(pending, dispatch, response, error)));
        }
        if (outstanding.size() >= MAX_OUTSTANDING) {
            ReadGate.pause(ctx.channel(), ReadGate.Reason.RESPONSES);
        }
    }

    private void onHandled(Pending pending, Dispatch dispatch, ApiMessage response, Throwable error) {
        short version = dispatch.header().apiVersion();
        if (error != null) {
            Throwable cause = Futures.unwrap(error);
            log.error("Error handling {} v{} from {} (client {})", dispatch.header().apiKey(), version, connectionId,
                dispatch.header().clientId(), cause);
            response = errorResponse(dispatch, cause);
            if (response == null) {
                // No error answer exists (an acks=0 produce): the client learns of the failure by the
                // connection closing, as with Kafka.
                closeAfter(pending);
            }
        }
        complete(pending, response, version, dispatch.header().apiKey().responseHeaderVersion(version));
    }

    /**
     * The request's error answer, or {@code null} when it has none or none can be built. Runs in a
     * future's callback, where an exception would vanish and leave the request's slot, and with it
     * every later response of the connection, waiting forever.
     */
    private ApiMessage errorResponse(Dispatch dispatch, Throwable cause) {
        try {
            AbstractResponse error = dispatch.request().getErrorResponse(0, cause);
            return error == null ? null : error.data();
        } catch (RuntimeException e) {
            log.error("Cannot build the error response of {} v{} on {}; closing the connection", dispatch.header().apiKey(),
                dispatch.header().apiVersion(), connectionId, e);
            return null;
        }
    }

    private void complete(Pending pending, ApiMessage response, short version, short headerVersion) {
        try {
            pending.response = response;
            pending.version = version;
            pending.headerVersion = headerVersion;
            pending.done = true;
            boolean wrote = false;
            boolean close = false;
            while (!close && !outstanding.isEmpty() && outstanding.peekFirst().done) {
                Pending head = outstanding.pollFirst();
                head.drained = true;
                if (head.response != null && ctx.channel().isActive()) {
                    List<Object> parts = ResponseEncoder.encode(ctx.alloc(), head.header.correlationId(),
                        head.headerVersion, head.response, head.version);
                    for (Object part : parts) {
                        ctx.write(part, ctx.voidPromise());
                    }
                    wrote = true;
                }
                close = head.closeAfter;
            }
            if (wrote) {
                ctx.flush();
            }
            if (close) {
                closeAfterWrites();
                return;
            }
            if (outstanding.size() < MAX_OUTSTANDING / 2 && ReadGate.isPaused(ctx.channel(), ReadGate.Reason.RESPONSES)) {
                ReadGate.resume(ctx.channel(), ReadGate.Reason.RESPONSES);
            }
        } catch (RuntimeException e) {
            log.error("Failed to encode a response on {}; closing the connection", connectionId, e);
            ctx.close();
        }
    }

    /**
     * Closes the connection right after {@code pending}'s response (and every earlier one) is
     * written. Requests after it get no answer (the client reconnects anyway); those not yet
     * dispatched are dropped, as Kafka, which reads one request at a time, never reads them.
     */
    private void closeAfter(Pending pending) {
        closing = true;
        ReadGate.pause(ctx.channel(), ReadGate.Reason.CLOSING);
        if (pending.drained) {
            closeAfterWrites();
        } else {
            pending.closeAfter = true;
        }
    }

    /**
     * {@code ctx.close()} would fail writes still in the outbound buffer (a large response the
     * socket has not taken yet); an empty write completes only after them, so closing from its
     * listener lets every queued byte go out first.
     */
    private void closeAfterWrites() {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void onEventLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
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
