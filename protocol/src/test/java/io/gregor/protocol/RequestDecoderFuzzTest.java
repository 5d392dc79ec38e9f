package io.gregor.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gregor.protocol.RequestDecoder.Decoded;
import io.gregor.protocol.RequestDecoder.Reply;
import io.gregor.protocol.network.ConnectionHandler;
import io.gregor.protocol.network.FrameDecoder;
import io.gregor.protocol.testing.AdvertisedApis;
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
 *   <li>the connection then either closes without writing anything (exactly when decoding threw)
 *       or writes exactly one response: the request's correlation id, parseable as that API's
 *       response at the version decoding chose, with no byte left over;</li>
 *   <li>every buffer is released, nothing reaches the end of the pipeline, and heap allocation
 *       stays within {@link #BUDGET} of the input's size.</li>
 * </ul>
 */
class RequestDecoderFuzzTest {
    /** Parsed requests are object trees: a few hundred bytes of heap per input byte at most. */
    static final AllocationBudget BUDGET = new AllocationBudget(512 * 1024, 512);

    private static final ApiRegistry REGISTRY = failingRegistry();
    private static final RequestDecoder DECODER = new RequestDecoder(REGISTRY);

    static {
        // Every frame that closes the connection or fails in its handler is logged; a million of
        // those lines would be most of a fuzzing run's time.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ConnectionHandler.class)).setLevel(Level.OFF);
    }

    @FuzzTest
    void answersOnceOrClosesForAnyFrame(byte[] frame) throws Exception {
        Run run = new Run();
        BUDGET.check(frame.length, () -> run.send(frame));

        if (run.decoded == null) {
            assertThat(run.open).as("connection open after an invalid request").isFalse();
            assertThat(run.written.remaining()).as("bytes written for an invalid request").isZero();
        } else {
            assertThat(run.open).as("connection open after a valid request").isTrue();
            assertAnswer(run.decoded, run.written);
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
            read = Unpooled.buffer(4 + frame.length).writeInt(frame.length).writeBytes(frame);
            // Handlers in place before the channel is active, as the channel initializer puts them.
            EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(frame.length), new ConnectionHandler(REGISTRY, "PLAINTEXT"));
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
        for (ApiVersionRange range : AdvertisedApis.load()) {
            for (short version = range.min(); version <= range.max(); version++) {
                assertThat(REGISTRY.handler(range.key(), version)).as("%s v%d handled", range.key(), version).isNotNull();
            }
        }
    }

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
        assertThat(written.remaining()).as("response written").isGreaterThanOrEqualTo(4);
        int size = written.getInt();
        assertThat(written.remaining()).as("one response of %d bytes", size).isEqualTo(size);
        ResponseHeader header = ResponseHeader.parse(written, headerVersion);
        assertThat(header.correlationId()).isEqualTo(decoded.header().correlationId());
        ApiMessage response = key.messageType.newResponse();
        response.read(new ByteBufferAccessor(written), version);
        assertThat(written.remaining()).as("bytes after the %s v%d response", key, version).isZero();
    }

    /** Handles what Gregor advertises; every handler fails its request, as a handler meeting bad input does. */
    private static ApiRegistry failingRegistry() {
        ApiRegistry.Builder builder = ApiRegistry.builder();
        List<ApiVersionRange> advertised = AdvertisedApis.load();
        for (ApiVersionRange range : advertised) {
            if (range.key() != ApiKeys.API_VERSIONS) {
                builder.register(new TestHandler<ApiMessage>(range.key(), range.min(), range.max(),
                    (context, request) -> CompletableFuture.failedFuture(new UnknownServerException("fuzzed request"))));
            }
        }
        return builder.build();
    }
}
