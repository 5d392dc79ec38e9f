package io.gregor.server.handlers;

import io.gregor.metadata.MetadataView;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.TopicImage;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.replication.Partition;
import io.gregor.replication.ReplicaManager;
import io.gregor.storage.log.FetchIsolation;
import io.gregor.storage.log.TimestampOffset;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListOffsets: earliest (-2), latest (-1), max timestamp (-3), earliest local (-4, the same as
 * earliest without tiered storage), or the first offset at or after a timestamp. Answers are
 * bounded by the high watermark (read_uncommitted) or last stable offset (read_committed).
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequestData> {
    private final MetadataView cache;
    private final ReplicaManager replicaManager;

    public ListOffsetsHandler(MetadataView cache, ReplicaManager replicaManager) {
        this.cache = cache;
        this.replicaManager = replicaManager;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.LIST_OFFSETS, 1, 11);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ListOffsetsRequestData request) {
        MetadataImage image = cache.image();
        // LeaderEpoch exists from v4 on and is not ignorable: setting it in an older version's
        // answer makes the response unencodable (and the connection is closed).
        boolean withLeaderEpoch = context.apiVersion() >= 4;
        FetchIsolation isolation = request.replicaId() >= 0 ? FetchIsolation.LOG_END
            : request.isolationLevel() == 1 ? FetchIsolation.TXN_COMMITTED : FetchIsolation.HIGH_WATERMARK;
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsRequestData.ListOffsetsTopic t : request.topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(t.name());
            TopicImage topic = image.topic(t.name());
            for (ListOffsetsRequestData.ListOffsetsPartition p : t.partitions()) {
                ListOffsetsPartitionResponse out = new ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex())
                    .setTimestamp(-1).setOffset(-1);
                TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
                Partition partition = replicaManager.partition(tp);
                if (topic == null || topic.partition(p.partitionIndex()) == null) {
                    out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else if (partition == null) {
                    out.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
                } else if (p.timestamp() < -4) {
                    out.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
                } else {
                    try {
                        TimestampOffset found = partition.offsetForTimestamp(p.timestamp(), isolation, p.currentLeaderEpoch());
                        out.setTimestamp(found.timestamp()).setOffset(found.offset());
                        if (withLeaderEpoch && found.offset() >= 0) {
                            out.setLeaderEpoch(partition.leaderEpoch());
                        }
                    } catch (RuntimeException e) {
                        out.setErrorCode(Errors.forException(e).code());
                    }
                }
                topicResponse.partitions().add(out);
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(response);
    }
}
