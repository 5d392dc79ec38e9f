package io.gregor.server.handlers.group;

import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.coordinator.group.OffsetOps;
import io.gregor.metadata.MetadataView;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.TopicImage;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** OffsetDelete: removes committed offsets of topics the group no longer subscribes to. */
public final class OffsetDeleteHandler implements ApiHandler<OffsetDeleteRequestData> {
    private final MetadataView cache;
    private final GroupCoordinator coordinator;

    public OffsetDeleteHandler(MetadataView cache, GroupCoordinator coordinator) {
        this.cache = cache;
        this.coordinator = coordinator;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.OFFSET_DELETE, 0, 0);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetDeleteRequestData request) {
        MetadataImage image = cache.image();
        Map<TopicPartition, Errors> rejected = new LinkedHashMap<>();
        List<TopicPartition> valid = new ArrayList<>();
        List<TopicPartition> all = new ArrayList<>();
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : request.topics()) {
            TopicImage topic = image.topic(t.name());
            for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
                TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
                all.add(tp);
                if (topic == null || topic.partition(p.partitionIndex()) == null) {
                    rejected.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    valid.add(tp);
                }
            }
        }
        return coordinator.deleteOffsets(request.groupId(), valid).thenApply(result -> {
            OffsetDeleteResponseData response = new OffsetDeleteResponseData();
            if (result.groupError() != Errors.NONE) {
                return response.setErrorCode(result.groupError().code());
            }
            for (TopicPartition tp : all) {
                OffsetDeleteResponseData.OffsetDeleteResponseTopic topic = response.topics().find(tp.topic());
                if (topic == null) {
                    topic = new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(tp.topic());
                    response.topics().add(topic);
                }
                Errors error = rejected.getOrDefault(tp, result.partitions().getOrDefault(tp, Errors.NONE));
                if (topic.partitions().find(tp.partition()) == null) {
                    topic.partitions().add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                        .setPartitionIndex(tp.partition()).setErrorCode(error.code()));
                }
            }
            return response;
        });
    }

}
