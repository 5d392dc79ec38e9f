package io.gregor.server.handlers;

import io.gregor.metadata.MetadataView;
import io.gregor.metadata.TopicImage;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.replication.Partition;
import io.gregor.replication.ReplicaManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DeleteRecords: moves a partition's log start offset forward ({@code -1} means up to the high
 * watermark). Records below it become unreadable at once (OFFSET_OUT_OF_RANGE); the segments
 * that lie wholly below it are removed by the next retention pass.
 */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequestData> {
    private final MetadataView cache;
    private final ReplicaManager replicaManager;
    private final Executor executor;

    /** @param executor runs the log start offset moves, which rewrite the leader epoch checkpoint file */
    public DeleteRecordsHandler(MetadataView cache, ReplicaManager replicaManager, Executor executor) {
        this.cache = cache;
        this.replicaManager = replicaManager;
        this.executor = executor;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.DELETE_RECORDS, 0, 2);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DeleteRecordsRequestData request) {
        return CompletableFuture.supplyAsync(() -> deleteRecords(request), executor);
    }

    private ApiMessage deleteRecords(DeleteRecordsRequestData request) {
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (DeleteRecordsRequestData.DeleteRecordsTopic t : request.topics()) {
            DeleteRecordsResponseData.DeleteRecordsTopicResult topicResult = new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(t.name());
            response.topics().add(topicResult);
            TopicImage topic = cache.image().topic(t.name());
            for (DeleteRecordsRequestData.DeleteRecordsPartition p : t.partitions()) {
                DeleteRecordsResponseData.DeleteRecordsPartitionResult result = new DeleteRecordsResponseData.DeleteRecordsPartitionResult()
                    .setPartitionIndex(p.partitionIndex()).setLowWatermark(-1);
                topicResult.partitions().add(result);
                Partition partition = replicaManager.partition(new TopicPartition(t.name(), p.partitionIndex()));
                if (topic == null || topic.partition(p.partitionIndex()) == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else if (partition == null || !partition.isLeader() || partition.log() == null) {
                    result.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
                } else {
                    try {
                        long target = p.offset() == -1 ? partition.highWatermark() : p.offset();
                        if (target < 0) {
                            result.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
                        } else {
                            result.setLowWatermark(partition.log().maybeIncrementLogStartOffset(target));
                        }
                    } catch (RuntimeException e) {
                        result.setErrorCode(Errors.forException(e).code());
                    }
                }
            }
        }
        return response;
    }
}
