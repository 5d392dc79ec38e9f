package io.gregor.protocol.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the byte stream into Kafka frames (an int32 size followed by that many bytes) without
 * trusting the size with memory.
 *
 * <ul>
 *   <li>The size is checked against {@code socket.request.max.bytes} first: a negative or larger
 *       one closes the connection, as Kafka does, with one WARN naming the peer and the size.
 *   <li>A frame that arrived whole in one read is passed on as a retained slice of the read
 *       buffer (no copy).
 *   <li>A frame split across reads is gathered in a buffer that grows as its bytes arrive: it
 *       starts at what the first read holds (at least {@value #MIN_BUFFER_BYTES} bytes, at most
 *       the frame) and grows {@value #GROWTH_FACTOR}-fold, up to the frame's size, when the bytes
 *       do not fit. A peer that announces 100 MB and sends a few bytes holds a few KiB, one that
 *       sent N bytes at most 4N. The regrowth copies about a third of a large frame once more
 *       (with doubling, the whole frame: in {@code RequestDecodeBenchmark}, assembling a 64 KiB
 *       frame from 16 KiB reads took 4.6 us doubling, 3.8 us fourfold, 2.7 us trusting the size).
 *   <li>Every byte buffered is first reserved in the broker's {@link RequestMemoryPool}
 *       ({@code queued.max.request.bytes}) and given back once the next handler has handled the
 *       frame, that is when {@code fireChannelRead} returns: the next handler must be done with
 *       the frame by then, as {@link ConnectionHandler} is. When the pool refuses, the connection
 *       stops reading ({@link ReadGate.Reason#MEMORY}), keeps what it has read so far, and goes
 *       on once the pool grants the bytes.
 *   <li>A frame still incomplete {@code socket.request.receive.timeout.ms} after its first byte
 *       closes the connection, which releases its memory. Time is the event loop's
 *       {@link io.netty.util.concurrent.Ticker} (a test moves it with
 *       {@code EmbeddedChannel.advanceTimeBy}).
 * </ul>
 *
 * <p>Emits {@link ByteBuf}s holding exactly one frame without the size prefix; the next handler
 * owns (and releases) each one. One instance per channel; event-loop confined, except for the
 * pool's grant callback, which hops to the event loop.
 */
public final class FrameDecoder extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);
    static final int MIN_BUFFER_BYTES = 4096;
    static final int GROWTH_FACTOR = 4;

    private enum Step { FRAME, MORE, WAIT }

    private final int maxFrameBytes;
    private final RequestMemoryPool pool;
    private final long receiveTimeoutNanos;
    private final Runnable onGranted = this::onGranted;
    private ChannelHandlerContext ctx;

    private int sizeBytesRead;
    private int pendingSize;
    /** Size of the frame whose body is being read; -1 while a size is read. */
    private int frameSize = -1;
    /** The body of a frame split across reads, so far; null when none. */
    private ByteBuf partial;
    /** Pool bytes reserved for the current frame. */
    private long reserved;
    /** Bytes read but not decoded, because the pool has not granted memory yet; null unless waiting. */
    private CompositeByteBuf backlog;
    /** What the pool was asked for while {@link #backlog} waits. */
    private long awaited;
    /** The current frame's receive time is running, from {@link #frameStartNanos}. */
    private boolean timing;
    private long frameStartNanos;
    private Future<?> timeoutCheck;
    private boolean closed;

    /**
     * @param maxFrameBytes {@code socket.request.max.bytes}
     * @param pool the broker's request memory, shared by every connection
     * @param receiveTimeoutMs {@code socket.request.receive.timeout.ms}; 0 or less: no limit
     */
    public FrameDecoder(int maxFrameBytes, RequestMemoryPool pool, long receiveTimeoutMs) {
        this.maxFrameBytes = maxFrameBytes;
        this.pool = pool;
        this.receiveTimeoutNanos = receiveTimeoutMs > 0 ? TimeUnit.MILLISECONDS.toNanos(receiveTimeoutMs) : 0;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (closed) {
            in.release();
            return;
        }
        if (backlog != null) {
            // Read before the pause took effect: it waits behind what is already waiting.
            backlog.addComponent(true, in);
            return;
        }
        boolean wait = false;
        try {
            wait = decode(in);
        } finally {
            if (!wait) {
                in.release();
            }
        }
        if (wait) {
            backlog = ctx.alloc().compositeBuffer(Integer.MAX_VALUE).addComponent(true, in);
            ReadGate.pause(ctx.channel(), ReadGate.Reason.MEMORY);
        }
        maybeScheduleTimeoutCheck();
    }

    /** Decodes what {@code in} holds; true when the pool makes it wait with bytes of {@code in} left. Never releases {@code in}. */
    private boolean decode(ByteBuf in) {
        while (!closed && ctx.channel().isActive()) {
            if (frameSize < 0 && !readSize(in)) {
                return false;
            }
            Step step = readBody(in);
            if (step != Step.FRAME) {
                return step == Step.WAIT;
            }
        }
        return false;
    }

    /** Reads (the rest of) a size prefix; false when more bytes are needed or the size closed the connection. */
    private boolean readSize(ByteBuf in) {
        if (sizeBytesRead == 0 && in.readableBytes() >= 4) {
            pendingSize = in.readInt();
            sizeBytesRead = 4;
        } else {
            while (sizeBytesRead < 4 && in.isReadable()) {
                pendingSize = (pendingSize << 8) | in.readUnsignedByte();
                sizeBytesRead++;
            }
            if (sizeBytesRead < 4) {
                return false;
            }
        }
        int size = pendingSize;
        sizeBytesRead = 0;
        pendingSize = 0;
        if (size < 0 || size > maxFrameBytes) {
            log.warn("Closing connection from {}: request size {} is outside 0..{} (socket.request.max.bytes)",
                ctx.channel().remoteAddress(), size, maxFrameBytes);
            closed = true;
            timing = false;
            ctx.close();
            return false;
        }
        frameSize = size;
        return true;
    }

    private Step readBody(ByteBuf in) {
        int available = in.readableBytes();
        if (partial == null) {
            if (available >= frameSize) {
                if (!reserve(frameSize)) {
                    return Step.WAIT;
                }
                emit(in.readRetainedSlice(frameSize));
                return Step.FRAME;
            }
            if (available == 0) {
                // Only the size has come: nothing to buffer yet.
                return Step.MORE;
            }
            int initial = Math.min(frameSize, Math.max(available, MIN_BUFFER_BYTES));
            if (!reserve(initial)) {
                return Step.WAIT;
            }
            partial = ctx.alloc().buffer(initial, frameSize);
        }
        int n = Math.min(frameSize - partial.writerIndex(), available);
        int needed = partial.writerIndex() + n;
        if (needed > partial.capacity()) {
            int grown = (int) Math.min(frameSize, Math.max((long) GROWTH_FACTOR * partial.capacity(), needed));
            if (!reserve(grown)) {
                return Step.WAIT;
            }
            partial.capacity(grown);
        }
        partial.writeBytes(in, n);
        if (partial.writerIndex() < frameSize) {
            return Step.MORE;
        }
        ByteBuf frame = partial;
        partial = null;
        emit(frame);
        return Step.FRAME;
    }

    /** Makes the current frame's reservation {@code total} bytes; false when the pool makes it wait. */
    private boolean reserve(long total) {
        long more = total - reserved;
        if (more <= 0) {
            return true;
        }
        if (pool.tryReserve(this, more, onGranted)) {
            reserved += more;
            return true;
        }
        awaited = more;
        return false;
    }

    private void emit(ByteBuf frame) {
        long frameReserved = reserved;
        reserved = 0;
        frameSize = -1;
        timing = false;
        try {
            ctx.fireChannelRead(frame);
        } finally {
            if (frameReserved > 0) {
                pool.release(this, frameReserved, true);
            }
        }
    }

    /** Called by the pool, on any thread, once {@link #awaited} bytes are reserved for this decoder. */
    private void onGranted() {
        try {
            ctx.executor().execute(this::resumeAfterGrant);
        } catch (RejectedExecutionException e) {
            // The event loop is shutting down with the broker; the connection goes with it.
            log.debug("Event loop of {} is shutting down; dropping a memory grant", ctx.channel());
        }
    }

    private void resumeAfterGrant() {
        long granted = awaited;
        awaited = 0;
        if (closed || backlog == null) {
            // The connection closed while the grant was on its way.
            pool.release(this, granted, true);
            return;
        }
        reserved += granted;
        CompositeByteBuf waiting = backlog;
        backlog = null;
        boolean wait = false;
        try {
            wait = decode(waiting);
        } finally {
            if (!wait) {
                waiting.release();
            }
        }
        if (wait) {
            backlog = waiting;
        } else if (!closed) {
            ReadGate.resume(ctx.channel(), ReadGate.Reason.MEMORY);
        }
        maybeScheduleTimeoutCheck();
    }

    private boolean frameInProgress() {
        return sizeBytesRead > 0 || frameSize >= 0;
    }

    private void maybeScheduleTimeoutCheck() {
        if (closed || receiveTimeoutNanos == 0 || !frameInProgress()) {
            return;
        }
        if (!timing) {
            timing = true;
            frameStartNanos = ctx.executor().ticker().nanoTime();
        }
        if (timeoutCheck == null) {
            long remaining = frameStartNanos + receiveTimeoutNanos - ctx.executor().ticker().nanoTime();
            timeoutCheck = ctx.executor().schedule(this::checkReceiveTimeout, Math.max(0, remaining), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * One check per connection is scheduled at a time: when it finds a later frame than the one
     * it was scheduled for, it schedules itself for that frame's deadline instead.
     */
    private void checkReceiveTimeout() {
        timeoutCheck = null;
        if (closed || !timing) {
            return;
        }
        long elapsed = ctx.executor().ticker().nanoTime() - frameStartNanos;
        if (elapsed < receiveTimeoutNanos) {
            maybeScheduleTimeoutCheck();
            return;
        }
        log.info("Closing connection from {}: a request ({}) did not arrive within {} ms (socket.request.receive.timeout.ms)",
            ctx.channel().remoteAddress(), progress(), TimeUnit.NANOSECONDS.toMillis(receiveTimeoutNanos));
        closed = true;
        ctx.close();
    }

    private String progress() {
        if (frameSize < 0) {
            return sizeBytesRead + " of the 4 size bytes";
        }
        int received = partial == null ? 0 : partial.writerIndex();
        return received + " of " + frameSize + " bytes received" + (backlog != null ? ", waiting for request memory" : "");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseAll();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    /** Gives back every buffer and every byte of the pool this connection holds; idempotent. */
    private void releaseAll() {
        closed = true;
        timing = false;
        if (timeoutCheck != null) {
            timeoutCheck.cancel(false);
            timeoutCheck = null;
        }
        if (backlog != null) {
            if (pool.cancel(this)) {
                awaited = 0;
            }
            // Otherwise the grant is on its way, and resumeAfterGrant gives it back.
            backlog.release();
            backlog = null;
        }
        if (partial != null) {
            partial.release();
            partial = null;
        }
        if (reserved > 0) {
            long frameReserved = reserved;
            reserved = 0;
            pool.release(this, frameReserved, true);
        }
    }
}
