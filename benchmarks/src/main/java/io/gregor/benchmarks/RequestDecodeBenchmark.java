package io.gregor.benchmarks;

import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.ApiRegistry;
import io.gregor.protocol.RequestContext;
import io.gregor.protocol.RequestDecoder;
import io.gregor.protocol.network.FrameDecoder;
import io.gregor.protocol.network.RequestMemoryPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Request decoding of a produce request (latest version, acks=all, idempotent producer) carrying
 * one 64 KiB batch of 1 KiB records per partition, built and serialised by kafka-clients'
 * {@link ProduceRequest}.
 *
 * <ul>
 *   <li>{@code frameAndDecode}: the network path: {@link FrameDecoder} in a Netty pipeline
 *       (an {@link EmbeddedChannel}) followed by {@link RequestDecoder}, as in
 *       {@code ConnectionHandler}. {@code readChunk} = 0: the frame arrives in one read and is
 *       passed on as a slice (no copy); 16384: it arrives in 16 KiB reads and is assembled into
 *       one buffer that grows with the bytes (one copy of the frame, plus about a third of it
 *       copied again as the buffer grows);</li>
 *   <li>{@code decodeOnly}: {@link RequestDecoder#decode} of the frame bytes alone (header,
 *       body parse; the record set is a view of the frame, not copied).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RequestDecodeBenchmark {
    @Param({"1", "16"})
    public int partitions;

    private byte[] frame;
    private RequestDecoder decoder;

    /** The Netty side, only for {@code frameAndDecode}. */
    @State(Scope.Thread)
    public static class Network {
        @Param({"0", "16384"})
        public int readChunk;

        EmbeddedChannel channel;
        Sink sink;

        @Setup(Level.Trial)
        public void setUp(RequestDecodeBenchmark bench) {
            sink = new Sink(bench.decoder);
            // As the broker runs it: a bounded request memory pool and a receive timeout.
            channel = new EmbeddedChannel(new FrameDecoder(100 * 1024 * 1024, RequestMemoryPool.bounded(256L * 1024 * 1024), 30_000), sink);
            // Sanity: the frame decodes into a dispatch to the produce handler.
            if (!(bench.frameAndDecode(this) instanceof RequestDecoder.Dispatch)) {
                throw new IllegalStateException("produce request did not decode into a dispatch");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            channel.finishAndReleaseAll();
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        ApiRegistry registry = ApiRegistry.builder().register(new NoopProduceHandler()).build();
        decoder = new RequestDecoder(registry);
        short version = ApiKeys.PRODUCE.latestVersion();
        List<ProduceRequestData.PartitionProduceData> data = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            data.add(new ProduceRequestData.PartitionProduceData().setIndex(p)
                .setRecords(BenchRecords.batch(BenchRecords.BATCH_BYTES, BenchRecords.RECORD_BYTES, 4242L, (short) 0, // idempotent producer
                    p * 100, System.currentTimeMillis())));
        }
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setPartitionData(data);
        if (version >= 13) {
            topic.setTopicId(Uuid.randomUuid());
        } else {
            topic.setName("bench");
        }
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(topic);
        ProduceRequest request = new ProduceRequest.Builder(version, version, new ProduceRequestData()
            .setAcks((short) -1).setTimeoutMs(30_000).setTopicData(topics)).build(version);
        ByteBuffer serialized = request.serializeWithHeader(new RequestHeader(ApiKeys.PRODUCE, version, "producer-1", 42));
        frame = new byte[4 + serialized.remaining()];
        ByteBuffer.wrap(frame).putInt(serialized.remaining()).put(serialized);
        if (!(decodeOnly() instanceof RequestDecoder.Dispatch)) {
            throw new IllegalStateException("produce request did not decode into a dispatch");
        }
    }

    @Benchmark
    public RequestDecoder.Decoded frameAndDecode(Network net) {
        int chunk = net.readChunk <= 0 ? frame.length : net.readChunk;
        for (int at = 0; at < frame.length; at += chunk) {
            net.channel.writeInbound(Unpooled.wrappedBuffer(frame, at, Math.min(chunk, frame.length - at)));
        }
        RequestDecoder.Decoded decoded = net.sink.last;
        net.sink.last = null;
        return decoded;
    }

    @Benchmark
    public RequestDecoder.Decoded decodeOnly() {
        return decoder.decode(ByteBuffer.wrap(frame, 4, frame.length - 4));
    }

    /** The end of the pipeline: decodes each frame, as ConnectionHandler does, and releases it. */
    static final class Sink extends ChannelInboundHandlerAdapter {
        private final RequestDecoder decoder;
        RequestDecoder.Decoded last;

        Sink(RequestDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                last = decoder.decode(frame.nioBuffer());
            } finally {
                frame.release();
            }
        }
    }

    private static final class NoopProduceHandler implements ApiHandler<ProduceRequestData> {
        @Override
        public ApiVersionRange versions() {
            return ApiVersionRange.of(ApiKeys.PRODUCE, 3, 13);
        }

        @Override
        public CompletableFuture<ApiMessage> handle(RequestContext context, ProduceRequestData request) {
            return CompletableFuture.completedFuture(null);
        }
    }
}
