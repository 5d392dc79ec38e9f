package io.gregor.benchmarks;

import io.gregor.protocol.FileRegionRecords;
import io.gregor.protocol.ResponseEncoder;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
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
 * {@link ResponseEncoder#encode} of a Fetch response (latest version) whose partitions each carry
 * a 1 MiB zero-copy segment slice ({@link FileRegionRecords}), as the fetch handler builds it:
 * sizing, the fixed fields into a pooled buffer, one file region per partition. The parts are
 * released afterwards (what the channel does once they are written); no bytes are sent.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FetchResponseEncodeBenchmark {
    private static final int SLICE = 1024 * 1024;

    @Param({"1", "16"})
    public int partitions;

    private Path dir;
    private FileChannel channel;
    private FetchResponseData response;
    private short version;
    private short headerVersion;
    private ByteBufAllocator alloc;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchRecords.tempDir("gregor-jmh-encode");
        channel = FileChannel.open(dir.resolve("segment.log"), StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        channel.write(ByteBuffer.allocate(1), (long) partitions * SLICE - 1); // sparse file of the right length
        version = ApiKeys.FETCH.latestVersion();
        headerVersion = ApiKeys.FETCH.responseHeaderVersion(version);
        alloc = ByteBufAllocator.DEFAULT;
        List<FetchResponseData.PartitionData> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(new FetchResponseData.PartitionData().setPartitionIndex(p)
                .setHighWatermark(1_000_000L).setLastStableOffset(1_000_000L).setLogStartOffset(0L)
                .setAbortedTransactions(null).setPreferredReadReplica(-1)
                .setRecords(new FileRegionRecords(channel, (long) p * SLICE, SLICE)));
        }
        List<FetchResponseData.FetchableTopicResponse> topics = new ArrayList<>();
        topics.add(new FetchResponseData.FetchableTopicResponse().setTopic(version >= 13 ? "" : "bench")
            .setTopicId(version >= 13 ? Uuid.randomUuid() : Uuid.ZERO_UUID).setPartitions(parts));
        response = new FetchResponseData().setThrottleTimeMs(0).setErrorCode((short) 0).setSessionId(0).setResponses(topics);
    }

    @Benchmark
    public int encode() {
        List<Object> out = ResponseEncoder.encode(alloc, 42, headerVersion, response, version);
        int n = out.size();
        for (Object part : out) {
            ReferenceCountUtil.release(part);
        }
        return n;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        channel.close();
        BenchRecords.deleteRecursively(dir);
    }
}
