package io.gregor.protocol.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gregor.protocol.testing.RecordingAllocator;
import io.gregor.testsupport.AllocationBudget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link FrameDecoder}, through its behaviour in a channel only (bytes
 * in, frames out, the channel closed or not), so that it holds for any implementation of the
 * decoder.
 *
 * <p>Input: byte 0 picks the frame size limit ({@code 64 * b}, up to 16 KiB), byte 1 how the
 * stream is cut into reads (0: one read; otherwise reads of 1 to 64 bytes in a pattern it
 * seeds); the rest is the byte stream a client sends. Seeds ({@code FrameDecoderFuzzTestInputs})
 * are streams of real client requests written by {@code RequestSeeds}.
 *
 * <p>For every input:
 * <ul>
 *   <li>the frames that come out are exactly those of a reference framer over the whole
 *       stream, wherever the reads are cut, and the channel is closed exactly when the framer
 *       meets a size outside {@code 0..limit};</li>
 *   <li>every buffer is released: each read, each frame (by this test), and every buffer the
 *       decoder allocated, once the channel is closed;</li>
 *   <li>nothing is thrown into the pipeline, and heap allocation stays within
 *       {@link #BUDGET} of the input's size. The limit is at most 16 KiB here, so a decoder that
 *       allocates a pending frame from its size prefix stays within the fixed part; what a
 *       100 MB prefix costs at the real {@code socket.request.max.bytes} is a test of its own.</li>
 * </ul>
 */
class FrameDecoderFuzzTest {
    /** An embedded channel costs a few KiB; each input byte may be copied a few times. */
    static final AllocationBudget BUDGET = new AllocationBudget(256 * 1024, 64);

    @FuzzTest
    void framesAnyStreamAsTheReferenceFramerDoes(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        int limit = 64 * (input[0] & 0xff);
        int pattern = input[1] & 0xff;
        byte[] stream = Arrays.copyOfRange(input, 2, input.length);
        Expected expected = Expected.frame(stream, limit);

        Run run = new Run();
        BUDGET.check(input.length, () -> run.feed(stream, limit, pattern));

        assertThat(run.frames).as("frames").usingElementComparator(Arrays::compare).containsExactlyElementsOf(expected.frames());
        assertThat(run.open).as("channel open").isEqualTo(!expected.closed());
        assertThat(run.reads).as("reads released").allSatisfy(read -> assertThat(read.refCnt()).isZero());
        assertThat(run.allocator.allocated()).as("decoder buffers released").allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    /** One pass of the stream through a new channel; a second pass starts over. */
    private static final class Run {
        RecordingAllocator allocator;
        List<ByteBuf> reads;
        List<byte[]> frames;
        boolean open;

        void feed(byte[] stream, int limit, int pattern) {
            allocator = new RecordingAllocator();
            reads = new ArrayList<>();
            frames = new ArrayList<>();
            EmbeddedChannel channel = new EmbeddedChannel();
            channel.config().setAllocator(allocator);
            channel.pipeline().addLast(new FrameDecoder(limit, RequestMemoryPool.unbounded(), 0));
            int at = 0;
            for (int i = 0; at < stream.length && channel.isOpen(); i++) {
                int length = Math.min(stream.length - at, readLength(pattern, i, stream.length));
                ByteBuf read = Unpooled.buffer(length).writeBytes(stream, at, length);
                reads.add(read);
                channel.writeInbound(read);
                drainFrames(channel, frames);
                at += length;
            }
            open = channel.isOpen();
            channel.checkException();
            channel.finishAndReleaseAll();
        }
    }

    private static int readLength(int pattern, int i, int streamLength) {
        if (pattern == 0) {
            return streamLength;
        }
        return 1 + ((pattern * 31 + i * 17 + (i * i) % 7) & 0x3f);
    }

    private static void drainFrames(EmbeddedChannel channel, List<byte[]> frames) {
        ByteBuf frame;
        while ((frame = channel.readInbound()) != null) {
            try {
                frames.add(ByteBufUtil.getBytes(frame));
            } finally {
                frame.release();
            }
        }
    }

    /** What the reference framer makes of a whole stream. */
    record Expected(List<byte[]> frames, boolean closed) {
        static Expected frame(byte[] stream, int limit) {
            ByteBuffer in = ByteBuffer.wrap(stream);
            List<byte[]> frames = new ArrayList<>();
            while (in.remaining() >= 4) {
                int size = in.getInt();
                if (size < 0 || size > limit) {
                    return new Expected(frames, true);
                }
                if (in.remaining() < size) {
                    break;
                }
                byte[] frame = new byte[size];
                in.get(frame);
                frames.add(frame);
            }
            return new Expected(frames, false);
        }
    }
}
