package io.gregor.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gregor.protocol.RequestDecoder.Decoded;
import io.gregor.protocol.RequestDecoder.Dispatch;
import io.gregor.protocol.RequestDecoder.Reply;
import io.gregor.protocol.network.ConnectionHandler;
import io.gregor.protocol.network.FrameDecoder;
import io.gregor.protocol.network.RequestMemoryPool;
import io.gregor.protocol.testing.AdvertisedApis;
import io.gregor.protocol.testing.Frames;
import io.gregor.protocol.testing.RecordingAllocator;
import io.gregor.protocol.testing.Responses;
import io.gregor.protocol.testing.TestHandler;
import io.gregor.testsupport.AllocationBudget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Coverage-guided fuzzing of request decoding: {@link RequestDecoder} on its own, and the whole
 * connection pipeline ({@link FrameDecoder}, {@link ConnectionHandler}) around it, with a
 * registry that handles exactly what Gregor advertises ({@link AdvertisedApis}). Each handler
 * fails its request, so every request that decodes is answered through the error-response path
 * a real handler's failure takes.
 *
 * <p>Input: one request frame without its size prefix (header and body), as a client writes it.
 * Seeds ({@code RequestDecoderFuzzTestInputs}) are one request for every advertised API and
 * version, written by kafka-clients' own serialisation ({@code RequestSeeds}): produce requests
 * carry record batches of every compression codec.
 *
 * <p>For every input:
 * <ul>
 *   <li>{@link RequestDecoder#decode} returns, or throws {@link InvalidRequestException} (the
 *       connection closes); nothing else;</li>
 *   <li>the connection then either closes without writing anything (exactly when decoding threw,
 *       or when the failed request has no error answer: an acks=0 produce), or writes exactly
 *       one response: the request's correlation id, parseable as that API's response at the
 *       version decoding chose, with no byte left over; and then answers an ApiVersions request
 *       pipelined behind it (a request never stalls the connection);</li>
 *   <li>every buffer is released, nothing reaches the end of the pipeline, and heap allocation
 *       stays within {@link #BUDGET} of the input's size.</li>
 * </ul>
 */
class RequestDecoderFuzzTest {
    /** Parsed requests are object trees: a few hundred bytes of heap per input byte at most. */
    static final AllocationBudget BUDGET = new AllocationBudget(512 * 1024, 512);

    private static final ApiRegistry REGISTRY = failingRegistry();
    private static final RequestDecoder DECODER = new RequestDecoder(REGISTRY);
    private static final int FOLLOW_UP_ID = 0x7e57_0001;
    private static final short FOLLOW_UP_VERSION = 3;
    private static final byte[] FOLLOW_UP = frame(Frames.request(new ApiVersionsRequestData().setClientSoftwareName("fuzz")
        .setClientSoftwareVersion("1"), FOLLOW_UP_VERSION, FOLLOW_UP_ID));

    static {
        // Every frame that closes the connection or fails in its handler is logged; a million of
        // those lines would be most of a fuzzing run's time.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ConnectionHandler.class)).setLevel(Level.OFF);
    }

    @FuzzTest
    void answersOnceOrClosesForAnyFrame(byte[] frame) throws Exception {
        Run run = new Run();
        BUDGET.check(frame.length, () -> run.send(frame));

        if (run.decoded == null || !hasErrorResponse(run.decoded)) {
            assertThat(run.open).as("connection open after a request without an answer").isFalse();
            assertThat(run.written.remaining()).as("bytes written for a request without an answer").isZero();
        } else {
            assertThat(run.open).as("connection open after a valid request").isTrue();
            assertAnswer(run.decoded, run.written);
            assertFollowUpAnswered(run.written);
        }
        assertThat(run.read.refCnt()).as("request buffer released").isZero();
        assertThat(run.allocator.allocated()).as("pipeline buffers released").allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    /** The frame decoded on its own, then sent through a new connection; a second run starts over. */
    private static final class Run {
        Decoded decoded;
        RecordingAllocator allocator;
        ByteBuf read;
        ByteBuffer written;
        boolean open;

        void send(byte[] frame) {
            try {
                decoded = DECODER.decode(ByteBuffer.wrap(frame));
            } catch (InvalidRequestException e) {
                decoded = null;
            }
            allocator = new RecordingAllocator();
            // The request, then an ApiVersions pipelined behind it: the connection must go on answering.
            read = Unpooled.buffer(8 + frame.length + FOLLOW_UP.length).writeInt(frame.length).writeBytes(frame)
                .writeInt(FOLLOW_UP.length).writeBytes(FOLLOW_UP);
            // Handlers in place before the channel is active, as the channel initializer puts them.
            EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(Math.max(frame.length, FOLLOW_UP.length), RequestMemoryPool.unbounded(), 0), new ConnectionHandler(REGISTRY, "PLAINTEXT"));
            channel.config().setAllocator(allocator);
            channel.writeInbound(read);
            channel.runPendingTasks();
            open = channel.isOpen();
            written = Responses.outboundBytes(channel);
            channel.checkException();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void shouldHandleEveryAdvertisedVersion() {
        for (ApiVersionRange range : AdvertisedApis.handled()) {
            for (short version = range.min(); version <= range.max(); version++) {
                assertThat(REGISTRY.handler(range.key(), version)).as("%s v%d handled", range.key(), version).isNotNull();
            }
        }
    }

    /** A dispatched request fails in its handler: does its API have an error answer for it? */
    private static boolean hasErrorResponse(Decoded decoded) {
        return !(decoded instanceof Dispatch dispatch)
            || dispatch.request().getErrorResponse(0, new UnknownServerException("fuzzed request")) != null;
    }

    /** Reads the request's answer off {@code written}, leaving what follows it. */
    private static void assertAnswer(Decoded decoded, ByteBuffer written) {
        short version;
        short headerVersion;
        if (decoded instanceof Reply reply) {
            version = reply.responseVersion();
            headerVersion = reply.responseHeaderVersion();
        } else {
            version = decoded.header().apiVersion();
            headerVersion = decoded.header().apiKey().responseHeaderVersion(version);
        }
        ApiKeys key = decoded.header().apiKey();
        ByteBuffer response = nextResponse(written);
        ResponseHeader header = ResponseHeader.parse(response, headerVersion);
        assertThat(header.correlationId()).isEqualTo(decoded.header().correlationId());
        ApiMessage body = key.messageType.newResponse();
        body.read(new ByteBufferAccessor(response), version);
        assertThat(response.remaining()).as("bytes after the %s v%d response", key, version).isZero();
    }

    private static void assertFollowUpAnswered(ByteBuffer written) {
        ByteBuffer response = nextResponse(written);
        assertThat(ResponseHeader.parse(response, (short) 0).correlationId()).as("follow-up answered").isEqualTo(FOLLOW_UP_ID);
        ApiVersionsResponseData body = new ApiVersionsResponseData();
        body.read(new ByteBufferAccessor(response), FOLLOW_UP_VERSION);
        assertThat(body.errorCode()).isZero();
        assertThat(written.remaining()).as("bytes after the follow-up's answer").isZero();
    }

    private static ByteBuffer nextResponse(ByteBuffer written) {
        assertThat(written.remaining()).as("a response written").isGreaterThanOrEqualTo(4);
        int size = written.getInt();
        assertThat(written.remaining()).as("a whole response of %d bytes", size).isGreaterThanOrEqualTo(size);
        ByteBuffer response = written.slice().limit(size);
        written.position(written.position() + size);
        return response;
    }

    private static byte[] frame(ByteBuffer request) {
        byte[] bytes = new byte[request.remaining()];
        request.get(bytes);
        return bytes;
    }

    /** Handles what Gregor advertises; every handler fails its request, as a handler meeting bad input does. */
    private static ApiRegistry failingRegistry() {
        ApiRegistry.Builder builder = ApiRegistry.builder();
        List<ApiVersionRange> advertised = AdvertisedApis.handled();
        for (ApiVersionRange range : advertised) {
            if (range.key() != ApiKeys.API_VERSIONS) {
                builder.register(new TestHandler<ApiMessage>(range.key(), range.min(), range.max(),
                    (context, request) -> CompletableFuture.failedFuture(new UnknownServerException("fuzzed request"))));
            }
        }
        return builder.build();
    }
}
