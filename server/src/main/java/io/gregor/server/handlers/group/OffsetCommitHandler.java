package io.gregor.server.handlers.group;

import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.coordinator.group.OffsetOps;
import io.gregor.metadata.MetadataView;
import io.gregor.metadata.MetadataImage;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.server.handlers.TopicRef;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetCommit: validates topics (unknown ones get UNKNOWN_TOPIC_OR_PARTITION, or UNKNOWN_TOPIC_ID
 * from v10), then lets the coordinator check generation and membership and store the offsets.
 */
public final class OffsetCommitHandler implements ApiHandler<OffsetCommitRequestData> {
    private final MetadataView cache;
    private final GroupCoordinator coordinator;

    public OffsetCommitHandler(MetadataView cache, GroupCoordinator coordinator) {
        this.cache = cache;
        this.coordinator = coordinator;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.OFFSET_COMMIT, 2, 10);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetCommitRequestData request) {
        boolean byId = context.apiVersion() >= 10;
        MetadataImage image = cache.image();
        Map<TopicPartition, Errors> rejected = new LinkedHashMap<>();
        Map<TopicPartition, OffsetOps.Commit> commits = new LinkedHashMap<>();
        Map<String, Uuid> ids = new LinkedHashMap<>();
        Map<TopicPartition, String> responseNames = new LinkedHashMap<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic t : request.topics()) {
            TopicRef topic = TopicRef.resolve(image, byId, t.topicId(), t.name());
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                responseNames.put(tp, byId ? "" : t.name());
                ids.put(topic.name(), t.topicId());
                Errors error = topic.partitionError(p.partitionIndex());
                if (error != Errors.NONE) {
                    rejected.put(tp, error);
                } else {
                    commits.put(tp, new OffsetOps.Commit(p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata()));
                }
            }
        }
        CompletableFuture<OffsetOps.CommitResult> result = commits.isEmpty()
            ? CompletableFuture.completedFuture(new OffsetOps.CommitResult(Errors.NONE, Map.of()))
            : coordinator.commitOffsets(request.groupId(), request.generationIdOrMemberEpoch(), request.memberId(),
                request.groupInstanceId(), context.apiVersion() >= 2 && context.apiVersion() <= 4 ? request.retentionTimeMs() : -1, commits);
        return result.thenApply(r -> {
            OffsetCommitResponseData response = new OffsetCommitResponseData();
            Map<String, OffsetCommitResponseTopic> topics = new LinkedHashMap<>();
            for (Map.Entry<TopicPartition, String> e : responseNames.entrySet()) {
                TopicPartition tp = e.getKey();
                Errors error = rejected.containsKey(tp) ? rejected.get(tp)
                    : r.groupError() != Errors.NONE ? r.groupError() : r.partitions().getOrDefault(tp, Errors.NONE);
                OffsetCommitResponseTopic topic = topics.computeIfAbsent(tp.topic(), n -> {
                    OffsetCommitResponseTopic created = new OffsetCommitResponseTopic().setName(e.getValue())
                        .setTopicId(byId ? ids.get(n) : Uuid.ZERO_UUID);
                    response.topics().add(created);
                    return created;
                });
                topic.partitions().add(new OffsetCommitResponsePartition().setPartitionIndex(tp.partition()).setErrorCode(error.code()));
            }
            return response;
        });
    }
}
