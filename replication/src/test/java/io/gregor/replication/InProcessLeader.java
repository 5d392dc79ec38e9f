package io.gregor.replication;

import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.ApiRegistry;
import io.gregor.protocol.FileRegionRecords;
import io.gregor.protocol.RequestContext;
import io.gregor.protocol.network.NetworkServer;
import io.gregor.storage.epoch.EpochEndOffset;
import io.gregor.storage.log.FetchDataInfo;
import io.gregor.storage.log.FetchIsolation;
import io.gregor.storage.log.FileRecordsSlice;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * The leader side of a replica fetch for tests: protocol's real {@link NetworkServer} with Fetch
 * and OffsetsForLeaderEpoch handlers that serve one real leader {@link Partition}, as the
 * broker's handlers do through the replica manager (records go out as file regions of the
 * segment). Empty fetches are answered after {@code maxWaitMs}, a stand-in for long polling,
 * so that a caught-up follower does not spin.
 *
 * <p>{@link #stop()} and {@link #start()} take the listener away and bring it back on the same
 * port. Not thread-safe: driven by the test thread; the handlers run on the server's event loop.
 */
final class InProcessLeader implements AutoCloseable {
    private final Partition partition;
    private final AtomicInteger fetches = new AtomicInteger();
    private NetworkServer server;
    private int port;

    InProcessLeader(Partition partition) {
        this.partition = partition;
    }

    /** Binds on {@code port}, e.g. one a follower already tries to reach. */
    InProcessLeader startOn(int port) throws InterruptedException {
        this.port = port;
        return start();
    }

    /** Binds (again) on the port of the first start, or any free port the first time. */
    InProcessLeader start() throws InterruptedException {
        ApiRegistry registry = ApiRegistry.builder().register(new FetchHandler()).register(new EpochHandler()).build();
        server = new NetworkServer(1);
        InetSocketAddress bound = server.bind(new NetworkServer.Listener("REPLICATION", "127.0.0.1", port), registry,
            new NetworkServer.SocketSettings(0, 0, 100 * 1024 * 1024));
        port = bound.getPort();
        return this;
    }

    void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    int port() {
        return port;
    }

    /** Fetch requests answered so far. */
    int fetches() {
        return fetches.get();
    }

    @Override
    public void close() {
        stop();
    }

    private final class FetchHandler implements ApiHandler<FetchRequestData> {
        @Override
        public ApiVersionRange versions() {
            return ApiVersionRange.of(ApiKeys.FETCH, 13, 18);
        }

        @Override
        public CompletableFuture<ApiMessage> handle(RequestContext context, FetchRequestData request) {
            fetches.incrementAndGet();
            int replicaId = request.replicaState().replicaId();
            FetchResponseData response = new FetchResponseData().setSessionId(0);
            boolean empty = true;
            for (FetchRequestData.FetchTopic t : request.topics()) {
                FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse().setTopicId(t.topicId());
                response.responses().add(topic);
                for (FetchRequestData.FetchPartition p : t.partitions()) {
                    FetchResponseData.PartitionData data = new FetchResponseData.PartitionData().setPartitionIndex(p.partition());
                    try {
                        FetchDataInfo info = partition.read(p.fetchOffset(), p.partitionMaxBytes(), FetchIsolation.LOG_END, true,
                            p.currentLeaderEpoch(), replicaId);
                        empty &= info.records().sizeInBytes() == 0;
                        data.setRecords(wire(info.records()));
                    } catch (RuntimeException e) {
                        data.setErrorCode(Errors.forException(e).code()).setRecords(MemoryRecords.EMPTY);
                    }
                    topic.partitions().add(data.setHighWatermark(partition.highWatermark())
                        .setLastStableOffset(partition.highWatermark()).setLogStartOffset(partition.logStartOffset()));
                }
            }
            if (!empty) {
                return CompletableFuture.completedFuture(response);
            }
            CompletableFuture<ApiMessage> later = new CompletableFuture<>();
            context.eventLoop().schedule(() -> later.complete(response), request.maxWaitMs(), TimeUnit.MILLISECONDS);
            return later;
        }

        private BaseRecords wire(BaseRecords records) {
            return records instanceof FileRecordsSlice slice
                ? new FileRegionRecords(slice.channel(), slice.position(), slice.sizeInBytes())
                : records;
        }
    }

    private final class EpochHandler implements ApiHandler<OffsetForLeaderEpochRequestData> {
        @Override
        public ApiVersionRange versions() {
            return ApiVersionRange.of(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 3, 4);
        }

        @Override
        public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetForLeaderEpochRequestData request) {
            OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic t : request.topics()) {
                OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult topic =
                    new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic(t.topic());
                response.topics().add(topic);
                for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : t.partitions()) {
                    OffsetForLeaderEpochResponseData.EpochEndOffset out =
                        new OffsetForLeaderEpochResponseData.EpochEndOffset().setPartition(p.partition());
                    try {
                        EpochEndOffset end = partition.endOffsetForEpoch(p.leaderEpoch(), p.currentLeaderEpoch());
                        out.setLeaderEpoch(end.epoch()).setEndOffset(end.endOffset());
                    } catch (RuntimeException e) {
                        out.setErrorCode(Errors.forException(e).code());
                    }
                    topic.partitions().add(out);
                }
            }
            return CompletableFuture.completedFuture(response);
        }
    }
}
