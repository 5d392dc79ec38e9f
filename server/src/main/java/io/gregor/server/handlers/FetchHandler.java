package io.gregor.server.handlers;

import io.gregor.metadata.MetadataView;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.PartitionImage;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.FileRegionRecords;
import io.gregor.protocol.RequestContext;
import io.gregor.replication.FetchParams;
import io.gregor.replication.PartitionFetch;
import io.gregor.replication.PartitionFetchResult;
import io.gregor.replication.ReplicaManager;
import io.gregor.storage.log.FetchIsolation;
import io.gregor.storage.log.FileRecordsSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Fetch for consumers: long polling ({@code fetch.min.bytes} / {@code fetch.max.wait.ms}),
 * per-partition and per-response byte limits (the first batch always whole), topic ids from v13,
 * and read_uncommitted / read_committed isolation. Record bytes are sent from the segment files
 * without being copied into the heap.
 *
 * <p>Fetch sessions (KIP-227) are not kept: every response carries session id 0, which tells the
 * client to keep sending full fetch requests; a request naming a session gets
 * FETCH_SESSION_ID_NOT_FOUND, upon which clients start over without one.
 */
public final class FetchHandler implements ApiHandler<FetchRequestData> {
    private final MetadataView cache;
    private final ReplicaManager replicaManager;

    public FetchHandler(MetadataView cache, ReplicaManager replicaManager) {
        this.cache = cache;
        this.replicaManager = replicaManager;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.FETCH, 4, 18);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, FetchRequestData request) {
        short version = context.apiVersion();
        if (request.sessionId() != 0) {
            return CompletableFuture.completedFuture(new FetchResponseData()
                .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code()).setSessionId(0));
        }
        MetadataImage image = cache.image();
        FetchIsolation isolation = request.isolationLevel() == 1 ? FetchIsolation.TXN_COMMITTED : FetchIsolation.HIGH_WATERMARK;
        List<PartitionFetch> fetches = new ArrayList<>();
        List<PartitionFetchResult> rejected = new ArrayList<>();
        for (FetchRequestData.FetchTopic t : request.topics()) {
            TopicRef topic = TopicRef.resolve(image, version >= 13, t.topicId(), t.topic());
            for (FetchRequestData.FetchPartition p : t.partitions()) {
                PartitionFetch fetch = new PartitionFetch(new TopicPartition(topic.name(), p.partition()), t.topicId(), p.fetchOffset(),
                    p.partitionMaxBytes(), p.currentLeaderEpoch(), p.logStartOffset());
                Errors error = topic.partitionError(p.partition());
                if (error != Errors.NONE) {
                    rejected.add(PartitionFetchResult.error(fetch, error, null));
                } else {
                    fetches.add(fetch);
                }
            }
        }
        int replicaId = version >= 15 && request.replicaState() != null ? request.replicaState().replicaId() : request.replicaId();
        FetchParams params = new FetchParams(replicaId, rejected.isEmpty() ? request.maxWaitMs() : 0, request.minBytes(),
            request.maxBytes(), replicaId >= 0 ? FetchIsolation.LOG_END : isolation);
        return replicaManager.fetch(params, fetches, context.eventLoop()).thenApply(results -> {
            List<PartitionFetchResult> all = new ArrayList<>(rejected);
            all.addAll(results);
            return response(version, all, isolation, cache.image());
        });
    }

    /** A segment slice goes out as a zero-copy file region; anything else as it is. */
    private static BaseRecords wireRecords(BaseRecords records) {
        if (records instanceof FileRecordsSlice slice) {
            return new FileRegionRecords(slice.channel(), slice.position(), slice.sizeInBytes());
        }
        return records;
    }

    private static ApiMessage response(short version, List<PartitionFetchResult> results, FetchIsolation isolation, MetadataImage image) {
        FetchResponseData response = new FetchResponseData().setSessionId(0).setErrorCode(Errors.NONE.code());
        FetchResponseData.FetchableTopicResponse current = null;
        for (PartitionFetchResult r : results) {
            TopicPartition tp = r.request().topicPartition();
            Uuid id = r.request().topicId();
            boolean sameTopic = current != null && (version >= 13 ? current.topicId().equals(id) : current.topic().equals(tp.topic()));
            if (!sameTopic) {
                current = new FetchResponseData.FetchableTopicResponse()
                    .setTopic(version >= 13 ? "" : tp.topic())
                    .setTopicId(version >= 13 ? id : Uuid.ZERO_UUID);
                response.responses().add(current);
            }
            FetchResponseData.PartitionData data = new FetchResponseData.PartitionData()
                .setPartitionIndex(tp.partition())
                .setErrorCode(r.error().code())
                .setHighWatermark(r.highWatermark())
                .setLastStableOffset(r.lastStableOffset())
                .setLogStartOffset(r.logStartOffset())
                .setAbortedTransactions(isolation == FetchIsolation.TXN_COMMITTED ? new ArrayList<>() : null)
                .setPreferredReadReplica(-1)
                .setRecords(r.error() == Errors.NONE ? wireRecords(r.records()) : MemoryRecords.EMPTY);
            if (r.error() == Errors.NOT_LEADER_OR_FOLLOWER || r.error() == Errors.FENCED_LEADER_EPOCH) {
                PartitionImage p = image.partition(tp);
                if (p != null && p.hasLeader()) {
                    data.setCurrentLeader(new FetchResponseData.LeaderIdAndEpoch().setLeaderId(p.leader()).setLeaderEpoch(p.leaderEpoch()));
                }
            }
            current.partitions().add(data);
        }
        return response;
    }
}
