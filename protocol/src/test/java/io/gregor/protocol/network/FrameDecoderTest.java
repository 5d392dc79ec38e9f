package io.gregor.protocol.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.protocol.testing.RecordingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    private static final int MAX_FRAME = 64;
    /** Kafka's socket.request.max.bytes default. */
    private static final int KAFKA_MAX_FRAME = 104_857_600;

    private final RecordingAllocator allocator = new RecordingAllocator();
    private final List<EmbeddedChannel> opened = new ArrayList<>();

    @Test
    void shouldEmitTheSameFramesWhenTheStreamIsSplitAtEveryByteBoundary() {
        byte[] stream = concat(sized("first"), sized(""), sized("second frame"));
        for (int split = 0; split <= stream.length; split++) {
            // Given
            EmbeddedChannel channel = channel();
            ByteBuf head = buf(Arrays.copyOfRange(stream, 0, split));
            ByteBuf tail = buf(Arrays.copyOfRange(stream, split, stream.length));

            // When
            channel.writeInbound(head);
            channel.writeInbound(tail);

            // Then
            assertThat(readFrames(channel)).as("split at %d", split).containsExactly("first", "", "second frame");
            assertThat(head.refCnt()).as("first read released").isZero();
            assertThat(tail.refCnt()).as("second read released").isZero();
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void shouldEmitTheSameFramesWhenEveryByteArrivesAlone() {
        byte[] stream = concat(sized("abc"), sized("defgh"));
        EmbeddedChannel channel = channel();
        List<ByteBuf> reads = new ArrayList<>();

        for (byte b : stream) {
            ByteBuf read = buf(new byte[] {b});
            reads.add(read);
            channel.writeInbound(read);
        }

        assertThat(readFrames(channel)).containsExactly("abc", "defgh");
        assertThat(reads).allSatisfy(read -> assertThat(read.refCnt()).isZero());
        assertThat(allocator.allocated()).as("one buffer per split frame, each at its exact size")
            .extracting(ByteBuf::maxCapacity).containsExactly(3, 5);
        assertThat(allocator.allocated()).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    @Test
    void shouldEmitEveryFrameWithoutCopyingWhenSeveralArriveInOneRead() {
        EmbeddedChannel channel = channel();
        ByteBuf read = buf(concat(sized("one"), sized("two"), sized("three")));

        channel.writeInbound(read);

        List<ByteBuf> frames = new ArrayList<>();
        ByteBuf frame;
        while ((frame = channel.readInbound()) != null) {
            frames.add(frame);
        }
        assertThat(frames).extracting(f -> f.toString(StandardCharsets.UTF_8)).containsExactly("one", "two", "three");
        assertThat(allocator.allocated()).as("frames are slices of the read buffer").isEmpty();
        assertThat(read.refCnt()).as("each frame holds the read buffer").isEqualTo(3);
        frames.forEach(ByteBuf::release);
        assertThat(read.refCnt()).isZero();
    }

    @Test
    void shouldCloseWithoutBufferingWhenTheSizeExceedsTheMaximum() {
        EmbeddedChannel channel = channel();
        ByteBuffer header = ByteBuffer.allocate(4 + 10).putInt(MAX_FRAME + 1);
        ByteBuf read = buf(header.array());

        channel.writeInbound(read);

        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(allocator.allocated()).as("nothing allocated for the oversized frame").isEmpty();
        assertThat(read.refCnt()).isZero();
    }

    @Test
    void shouldAcceptAFrameOfExactlyTheMaximumSize() {
        EmbeddedChannel channel = channel();
        String body = "x".repeat(MAX_FRAME);

        channel.writeInbound(buf(sized(body)));

        assertThat(readFrames(channel)).containsExactly(body);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldCloseWhenTheSizeIsNegativeEvenIfItArrivesByteByByte() {
        EmbeddedChannel channel = channel();
        byte[] negative = ByteBuffer.allocate(4).putInt(-1).array();

        for (byte b : negative) {
            channel.writeInbound(buf(new byte[] {b}));
        }

        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(allocator.allocated()).isEmpty();
    }

    @Test
    void shouldReleaseAPartialFrameWhenTheConnectionCloses() {
        // Given half a frame
        EmbeddedChannel channel = channel();
        byte[] frame = sized("half of this frame never comes");
        channel.writeInbound(buf(Arrays.copyOf(frame, 12)));
        assertThat(allocator.allocated()).hasSize(1);
        ByteBuf partial = allocator.allocated().get(0);
        assertThat(partial.refCnt()).isEqualTo(1);

        // When
        channel.close();

        // Then
        assertThat(partial.refCnt()).isZero();
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void shouldDropBytesThatArriveAfterTheConnectionWasClosedForAnOversizedFrame() {
        EmbeddedChannel channel = channel();
        ByteBuf oversized = buf(concat(ByteBuffer.allocate(4).putInt(MAX_FRAME * 2).array(), sized("after")));

        channel.writeInbound(oversized);

        assertThat((Object) channel.readInbound()).as("nothing after the bad size is decoded").isNull();
        assertThat(oversized.refCnt()).isZero();
    }

    // ---- memory: buffers that grow with the bytes, the broker-wide pool ----

    @Test
    void shouldHoldOnlyASmallBufferWhenTheSizeAnnouncesAHugeFrameAndFewBytesCome() {
        // Given
        RequestMemoryPool pool = RequestMemoryPool.bounded(1L << 30);
        EmbeddedChannel channel = channel(KAFKA_MAX_FRAME, pool, 0);

        // When a peer announces 100 MB and sends ten bytes of it
        channel.writeInbound(buf(concat(size(KAFKA_MAX_FRAME), new byte[10])));

        // Then
        assertThat(allocator.allocated()).singleElement()
            .satisfies(b -> assertThat(b.capacity()).isEqualTo(FrameDecoder.MIN_BUFFER_BYTES));
        assertThat(pool.used()).isEqualTo(FrameDecoder.MIN_BUFFER_BYTES);
        channel.close();
        assertThat(pool.used()).isZero();
        assertThat(allocator.allocated()).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void shouldGrowTheBufferToAtMostFourTimesWhatArrivedWhenAHugeFrameComesInPieces() {
        // Given a frame announced at 100 MB
        RequestMemoryPool pool = RequestMemoryPool.bounded(1L << 30);
        EmbeddedChannel channel = channel(KAFKA_MAX_FRAME, pool, 0);
        channel.writeInbound(buf(size(KAFKA_MAX_FRAME)));
        assertThat(allocator.allocated()).as("nothing buffered for the size alone").isEmpty();

        long received = 0;
        for (int read = 0; read < 64; read++) {
            // When another 64 KiB arrives
            channel.writeInbound(buf(new byte[64 * 1024]));
            received += 64 * 1024;

            // Then one buffer, at most four times the bytes received, all of it reserved in the pool
            assertThat(allocator.allocated()).hasSize(1);
            int capacity = allocator.allocated().get(0).capacity();
            assertThat((long) capacity).as("after %d bytes", received).isBetween(received, FrameDecoder.GROWTH_FACTOR * received);
            assertThat(pool.used()).isEqualTo(capacity);
        }
        channel.close();
        assertThat(pool.used()).isZero();
        assertThat(allocator.allocated()).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void shouldEmitTheExactBytesOfALargeFrameThatArrivesInUnevenPieces() {
        // Given a 300 KB frame, then a small one, split at arbitrary points
        RequestMemoryPool pool = RequestMemoryPool.bounded(1L << 30);
        EmbeddedChannel channel = channel(KAFKA_MAX_FRAME, pool, 0);
        byte[] body = new byte[300_000];
        new Random(42).nextBytes(body);
        byte[] stream = concat(size(body.length), body, sized("next"));
        Random splits = new Random(7);

        // When
        for (int from = 0; from < stream.length; ) {
            int to = Math.min(stream.length, from + 1 + splits.nextInt(70_000));
            channel.writeInbound(buf(Arrays.copyOfRange(stream, from, to)));
            from = to;
        }

        // Then
        ByteBuf first = channel.readInbound();
        assertThat(ByteBufUtil.getBytes(first)).isEqualTo(body);
        first.release();
        assertThat(readFrames(channel)).containsExactly("next");
        assertThat(pool.used()).as("released once the frames were handed on").isZero();
        assertThat(allocator.allocated()).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void shouldStopReadingWhenRequestMemoryIsUsedUpAndGoOnWhenItIsReleased() {
        // Given a connection whose request holds more than the whole pool (the one let past the bound)
        RequestMemoryPool pool = RequestMemoryPool.bounded(16 * 1024);
        EmbeddedChannel big = channel(1024 * 1024, pool, 0);
        EmbeddedChannel small = channel(1024 * 1024, pool, 0);
        byte[] bigBody = new byte[64 * 1024];
        new Random(1).nextBytes(bigBody);
        byte[] bigStream = concat(size(bigBody.length), bigBody);
        big.writeInbound(buf(Arrays.copyOfRange(bigStream, 0, 20 * 1024)));
        assertThat(pool.used()).isGreaterThan(16 * 1024);

        // When another connection sends a whole small request, and more after it
        ByteBuf first = buf(sized("hello"));
        small.writeInbound(first);
        small.writeInbound(buf(sized("world")));

        // Then it waits without reading, holding what it had read
        assertThat((Object) small.readInbound()).isNull();
        assertThat(small.config().isAutoRead()).isFalse();
        assertThat(pool.waiting()).isEqualTo(1);
        assertThat(first.refCnt()).isEqualTo(1);

        // When the big request completes and is handled
        big.writeInbound(buf(Arrays.copyOfRange(bigStream, 20 * 1024, bigStream.length)));
        ByteBuf bigFrame = big.readInbound();
        assertThat(ByteBufUtil.getBytes(bigFrame)).isEqualTo(bigBody);
        bigFrame.release();
        small.runPendingTasks();

        // Then the waiting connection gets its memory, decodes what it held and reads again
        assertThat(readFrames(small)).containsExactly("hello", "world");
        assertThat(small.config().isAutoRead()).isTrue();
        assertThat(pool.used()).isZero();
        assertThat(pool.waiting()).isZero();
    }

    @Test
    void shouldCompleteEveryPartialRequestWhenTogetherTheyNeedMoreThanThePool() {
        // Given four connections, each with half of a 10 KiB request: 20 KiB held of a 16 KiB pool
        RequestMemoryPool pool = RequestMemoryPool.bounded(16 * 1024);
        List<EmbeddedChannel> channels = new ArrayList<>();
        List<byte[]> streams = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            EmbeddedChannel channel = channel(1024 * 1024, pool, 0);
            byte[] body = new byte[10 * 1024];
            Arrays.fill(body, (byte) i);
            byte[] stream = concat(size(body.length), body);
            channel.writeInbound(buf(Arrays.copyOfRange(stream, 0, 4 + 5 * 1024)));
            channels.add(channel);
            streams.add(stream);
        }

        // When each sends the rest
        for (int i = 0; i < 4; i++) {
            channels.get(i).writeInbound(buf(Arrays.copyOfRange(streams.get(i), 4 + 5 * 1024, streams.get(i).length)));
        }
        // (grants hop to each connection's event loop; a few rounds deliver them all)
        List<List<byte[]>> frames = new ArrayList<>();
        channels.forEach(c -> frames.add(new ArrayList<>()));
        for (int round = 0; round < 8; round++) {
            for (int i = 0; i < 4; i++) {
                channels.get(i).runPendingTasks();
                ByteBuf frame;
                while ((frame = channels.get(i).readInbound()) != null) {
                    frames.get(i).add(ByteBufUtil.getBytes(frame));
                    frame.release();
                }
            }
        }

        // Then none is stuck: every request arrives whole, and the pool is empty again
        for (int i = 0; i < 4; i++) {
            byte[] expected = Arrays.copyOfRange(streams.get(i), 4, streams.get(i).length);
            assertThat(frames.get(i)).as("connection %d", i).singleElement().isEqualTo(expected);
            assertThat(channels.get(i).config().isAutoRead()).isTrue();
        }
        assertThat(pool.used()).isZero();
        assertThat(pool.waiting()).isZero();
    }

    @Test
    void shouldGiveBackTheMemoryOfAWaitingConnectionWhenItCloses() {
        // Given a connection waiting for memory behind one that holds the overdraft
        RequestMemoryPool pool = RequestMemoryPool.bounded(1024);
        EmbeddedChannel holder = channel(1024 * 1024, pool, 0);
        EmbeddedChannel waiter = channel(1024 * 1024, pool, 0);
        EmbeddedChannel next = channel(1024 * 1024, pool, 0);
        holder.writeInbound(buf(concat(size(8192), new byte[2048])));
        waiter.writeInbound(buf(concat(size(100), new byte[50])));
        next.writeInbound(buf(sized("next")));
        assertThat(pool.waiting()).isEqualTo(2);

        // When the waiting connection closes, and then the holder
        waiter.close();
        holder.close();
        next.runPendingTasks();

        // Then the one behind them gets its memory, and nothing stays reserved
        assertThat(readFrames(next)).containsExactly("next");
        assertThat(pool.used()).isZero();
        assertThat(pool.waiting()).isZero();
        assertThat(allocator.allocated()).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    // ---- time: socket.request.receive.timeout.ms ----

    @Test
    void shouldCloseWhenARequestIsStillIncompleteAtTheReceiveTimeout() {
        // Given a peer that announces 100 MB, sends ten bytes and stalls
        RequestMemoryPool pool = RequestMemoryPool.bounded(1L << 30);
        EmbeddedChannel channel = channel(KAFKA_MAX_FRAME, pool, 1_000);
        channel.writeInbound(buf(concat(size(KAFKA_MAX_FRAME), new byte[10])));

        // When the timeout has nearly passed, it is still open
        channel.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();

        // When it has passed
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();

        // Then the connection is closed and its memory is back
        assertThat(channel.isOpen()).isFalse();
        assertThat(pool.used()).isZero();
        assertThat(allocator.allocated()).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void shouldCloseWhenOnlyPartOfTheSizeArrivesWithinTheReceiveTimeout() {
        EmbeddedChannel channel = channel(MAX_FRAME, RequestMemoryPool.unbounded(), 1_000);

        channel.writeInbound(buf(new byte[] {0, 0}));
        channel.advanceTimeBy(1_000, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldTimeEachRequestFromItsOwnFirstByte() {
        // Given a first request that takes 600 ms to arrive, and a second that starts in its last read
        EmbeddedChannel channel = channel(MAX_FRAME, RequestMemoryPool.unbounded(), 1_000);
        byte[] first = sized("first request");
        byte[] second = sized("second");
        channel.writeInbound(buf(Arrays.copyOf(first, 6)));
        channel.advanceTimeBy(600, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.writeInbound(buf(concat(Arrays.copyOfRange(first, 6, first.length), Arrays.copyOf(second, 6))));
        assertThat(readFrames(channel)).containsExactly("first request");

        // When 1,200 ms have passed since the first began, 600 ms since the second did
        channel.advanceTimeBy(600, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        // Then the second still has time
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(400, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldKeepAConnectionOpenBetweenRequestsHoweverLongItWaits() {
        EmbeddedChannel channel = channel(MAX_FRAME, RequestMemoryPool.unbounded(), 1_000);
        byte[] frame = sized("whole");
        channel.writeInbound(buf(Arrays.copyOf(frame, 3)));
        channel.writeInbound(buf(Arrays.copyOfRange(frame, 3, frame.length)));
        assertThat(readFrames(channel)).containsExactly("whole");

        channel.advanceTimeBy(60_000, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isTrue();
    }

    private EmbeddedChannel channel() {
        return channel(MAX_FRAME, RequestMemoryPool.unbounded(), 0);
    }

    /** A channel on a frozen clock (moved by {@code advanceTimeBy}) with a frame decoder. */
    private EmbeddedChannel channel(int maxFrame, RequestMemoryPool pool, long receiveTimeoutMs) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast(new FrameDecoder(maxFrame, pool, receiveTimeoutMs));
        opened.add(channel);
        return channel;
    }

    @AfterEach
    void closeChannels() {
        opened.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private static byte[] size(int size) {
        return ByteBuffer.allocate(4).putInt(size).array();
    }

    private static List<String> readFrames(EmbeddedChannel channel) {
        List<String> frames = new ArrayList<>();
        ByteBuf frame;
        while ((frame = channel.readInbound()) != null) {
            frames.add(frame.toString(StandardCharsets.UTF_8));
            frame.release();
        }
        return frames;
    }

    /** A buffer of its own even when empty ({@code Unpooled.wrappedBuffer} returns the shared, unreleasable empty buffer). */
    private static ByteBuf buf(byte[] bytes) {
        return Unpooled.buffer(bytes.length).writeBytes(bytes);
    }

    private static byte[] sized(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer out = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            out.put(p);
        }
        return out.array();
    }
}
