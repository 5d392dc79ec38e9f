package io.gregor.protocol.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.protocol.testing.RecordingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    private static final int MAX_FRAME = 64;

    private final RecordingAllocator allocator = new RecordingAllocator();

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

    private EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast(new FrameDecoder(MAX_FRAME));
        return channel;
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
