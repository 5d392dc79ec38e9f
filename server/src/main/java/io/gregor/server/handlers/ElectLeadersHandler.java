package io.gregor.server.handlers;

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
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** ElectLeaders: preferred-replica elections, and unclean elections of leaderless partitions. */
public final class ElectLeadersHandler implements ApiHandler<ElectLeadersRequestData> {
    private final PartitionAdmin admin;

    public ElectLeadersHandler(PartitionAdmin admin) {
        this.admin = admin;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.ELECT_LEADERS, 0, 2);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ElectLeadersRequestData request) {
        if (request.electionType() < 0 || request.electionType() > 1) {
            return CompletableFuture.completedFuture(new ElectLeadersResponseData().setErrorCode(Errors.INVALID_REQUEST.code()));
        }
        PartitionAdmin.ElectionType type = PartitionAdmin.ElectionType.values()[request.electionType()];
        List<TopicPartition> partitions = null;
        if (request.topicPartitions() != null) {
            partitions = new ArrayList<>();
            for (ElectLeadersRequestData.TopicPartitions t : request.topicPartitions()) {
                for (int p : t.partitions()) {
                    partitions.add(new TopicPartition(t.topic(), p));
                }
            }
        }
        return admin.electLeaders(type, partitions, request.timeoutMs()).thenApply(results -> {
            ElectLeadersResponseData response = new ElectLeadersResponseData().setErrorCode(Errors.NONE.code());
            Map<String, ElectLeadersResponseData.ReplicaElectionResult> topics = new LinkedHashMap<>();
            results.forEach((tp, error) -> topics.computeIfAbsent(tp.topic(), t -> {
                ElectLeadersResponseData.ReplicaElectionResult r = new ElectLeadersResponseData.ReplicaElectionResult().setTopic(t);
                response.replicaElectionResults().add(r);
                return r;
            }).partitionResult().add(new ElectLeadersResponseData.PartitionResult().setPartitionId(tp.partition())
                .setErrorCode(error.error().code()).setErrorMessage(error.error() == Errors.NONE ? null : error.message())));
            return response;
        });
    }
}
