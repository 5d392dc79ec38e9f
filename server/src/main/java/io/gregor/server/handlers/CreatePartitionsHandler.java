package io.gregor.server.handlers;

import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.server.admin.TopicAdmin;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** CreatePartitions: grows topics, with optional explicit assignments of the new partitions. */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequestData> {
    private final TopicAdmin topicAdmin;

    public CreatePartitionsHandler(TopicAdmin topicAdmin) {
        this.topicAdmin = topicAdmin;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.CREATE_PARTITIONS, 0, 3);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, CreatePartitionsRequestData request) {
        CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (CreatePartitionsRequestData.CreatePartitionsTopic t : request.topics()) {
            CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(t.name());
            response.results().add(result);
            if (!seen.add(t.name())) {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Duplicate topic in request.");
                continue;
            }
            List<List<Integer>> assignments = null;
            if (t.assignments() != null) {
                assignments = new ArrayList<>();
                for (CreatePartitionsRequestData.CreatePartitionsAssignment a : t.assignments()) {
                    assignments.add(new ArrayList<>(a.brokerIds()));
                }
            }
            pending.add(topicAdmin.createPartitions(t.name(), t.count(), assignments, request.validateOnly(), request.timeoutMs())
                .handle((v, error) -> {
                    if (error != null) {
                        result.setErrorCode(TopicAdmin.errorOf(error).code()).setErrorMessage(TopicAdmin.messageOf(error));
                    }
                    return null;
                }));
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }
}
