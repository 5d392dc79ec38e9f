package io.gregor.server.handlers;

import io.gregor.metadata.PartitionImage;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.server.admin.PartitionAdmin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** ListPartitionReassignments: the reassignments in progress, with adding and removing replicas. */
public final class ListPartitionReassignmentsHandler implements ApiHandler<ListPartitionReassignmentsRequestData> {
    private final PartitionAdmin admin;

    public ListPartitionReassignmentsHandler(PartitionAdmin admin) {
        this.admin = admin;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0, 0);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ListPartitionReassignmentsRequestData request) {
        List<TopicPartition> only = null;
        if (request.topics() != null) {
            only = new ArrayList<>();
            for (ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics t : request.topics()) {
                for (int p : t.partitionIndexes()) {
                    only.add(new TopicPartition(t.name(), p));
                }
            }
        }
        ListPartitionReassignmentsResponseData response = new ListPartitionReassignmentsResponseData();
        Map<String, ListPartitionReassignmentsResponseData.OngoingTopicReassignment> topics = new LinkedHashMap<>();
        admin.ongoingReassignments(only).forEach((tp, p) -> topics.computeIfAbsent(tp.topic(), n -> {
            var t = new ListPartitionReassignmentsResponseData.OngoingTopicReassignment().setName(n);
            response.topics().add(t);
            return t;
        }).partitions().add(describe(tp, p)));
        return CompletableFuture.completedFuture(response);
    }

    private static ListPartitionReassignmentsResponseData.OngoingPartitionReassignment describe(TopicPartition tp, PartitionImage p) {
        return new ListPartitionReassignmentsResponseData.OngoingPartitionReassignment().setPartitionIndex(tp.partition())
            .setReplicas(new ArrayList<>(p.replicas())).setAddingReplicas(new ArrayList<>(p.addingReplicas()))
            .setRemovingReplicas(new ArrayList<>(p.removingReplicas()));
    }
}
