package io.gregor.server.handlers;

import io.gregor.metadata.MetadataView;
import io.gregor.metadata.TopicImage;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.replication.Partition;
import io.gregor.replication.ReplicaManager;
import io.gregor.storage.epoch.EpochEndOffset;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetsForLeaderEpoch (KIP-101, KIP-320): the end offset of a leader epoch in the leader's
 * log. Followers use it to truncate divergent records after a leader change; consumers use it to
 * check that their position still exists after one.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler<OffsetForLeaderEpochRequestData> {
    private final MetadataView cache;
    private final ReplicaManager replicaManager;

    public OffsetForLeaderEpochHandler(MetadataView cache, ReplicaManager replicaManager) {
        this.cache = cache;
        this.replicaManager = replicaManager;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetForLeaderEpochRequestData request) {
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic t : request.topics()) {
            OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult topicResult =
                new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic(t.topic());
            response.topics().add(topicResult);
            TopicImage topic = cache.image().topic(t.topic());
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : t.partitions()) {
                OffsetForLeaderEpochResponseData.EpochEndOffset out = new OffsetForLeaderEpochResponseData.EpochEndOffset()
                    .setPartition(p.partition()).setLeaderEpoch(-1).setEndOffset(-1);
                topicResult.partitions().add(out);
                Partition partition = replicaManager.partition(new TopicPartition(t.topic(), p.partition()));
                if (topic == null || topic.partition(p.partition()) == null) {
                    out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else if (partition == null) {
                    out.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
                } else {
                    try {
                        EpochEndOffset end = partition.endOffsetForEpoch(p.leaderEpoch(), p.currentLeaderEpoch());
                        out.setLeaderEpoch(end.epoch()).setEndOffset(end.endOffset());
                    } catch (RuntimeException e) {
                        out.setErrorCode(Errors.forException(e).code());
                    }
                }
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
