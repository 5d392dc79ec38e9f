package io.gregor.server.handlers;

import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.server.admin.PartitionAdmin;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * AlterPartitionReassignments: starts moving partitions to new replica sets (or cancels a move
 * with a null replica list). The answer comes when the reassignment is recorded; the controller
 * completes it once the new replicas are in sync.
 */
public final class AlterPartitionReassignmentsHandler implements ApiHandler<AlterPartitionReassignmentsRequestData> {
    private final PartitionAdmin admin;

    public AlterPartitionReassignmentsHandler(PartitionAdmin admin) {
        this.admin = admin;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, 0, 1);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AlterPartitionReassignmentsRequestData request) {
        Map<TopicPartition, java.util.List<Integer>> requests = new LinkedHashMap<>();
        for (AlterPartitionReassignmentsRequestData.ReassignableTopic t : request.topics()) {
            for (AlterPartitionReassignmentsRequestData.ReassignablePartition p : t.partitions()) {
                requests.put(new TopicPartition(t.name(), p.partitionIndex()), p.replicas());
            }
        }
        boolean allowRfChange = context.apiVersion() < 1 || request.allowReplicationFactorChange();
        return admin.alterReassignments(requests, allowRfChange).thenApply(results -> {
            AlterPartitionReassignmentsResponseData response = new AlterPartitionReassignmentsResponseData()
                .setErrorCode(Errors.NONE.code()).setAllowReplicationFactorChange(allowRfChange);
            Map<String, AlterPartitionReassignmentsResponseData.ReassignableTopicResponse> topics = new LinkedHashMap<>();
            for (TopicPartition tp : requests.keySet()) {
                var error = results.getOrDefault(tp, new org.apache.kafka.common.requests.ApiError(Errors.REQUEST_TIMED_OUT,
                    "The topic kept changing; retry."));
                topics.computeIfAbsent(tp.topic(), n -> {
                    var r = new AlterPartitionReassignmentsResponseData.ReassignableTopicResponse().setName(n);
                    response.responses().add(r);
                    return r;
                }).partitions().add(new AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse()
                    .setPartitionIndex(tp.partition()).setErrorCode(error.error().code())
                    .setErrorMessage(error.error() == Errors.NONE ? null : error.message()));
            }
            return response;
        });
    }
}
