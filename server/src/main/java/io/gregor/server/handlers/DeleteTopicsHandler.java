package io.gregor.server.handlers;

import io.gregor.metadata.MetadataView;
import io.gregor.metadata.TopicImage;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.server.admin.TopicAdmin;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** DeleteTopics by name (all versions) or by topic id (v6+). */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequestData> {
    private final TopicAdmin topicAdmin;
    private final MetadataView cache;

    public DeleteTopicsHandler(TopicAdmin topicAdmin, MetadataView cache) {
        this.topicAdmin = topicAdmin;
        this.cache = cache;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.DELETE_TOPICS, 1, 6);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DeleteTopicsRequestData request) {
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        List<DeleteTopicsRequestData.DeleteTopicState> targets = new ArrayList<>(request.topics());
        for (String name : request.topicNames()) {
            targets.add(new DeleteTopicsRequestData.DeleteTopicState().setName(name).setTopicId(Uuid.ZERO_UUID));
        }
        for (DeleteTopicsRequestData.DeleteTopicState target : targets) {
            DeletableTopicResult result = new DeletableTopicResult().setName(target.name()).setTopicId(target.topicId());
            response.responses().add(result);
            String name = target.name();
            if (name == null || name.isEmpty()) {
                TopicImage topic = cache.image().topic(target.topicId());
                if (topic == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()).setErrorMessage("Unknown topic id " + target.topicId());
                    continue;
                }
                name = topic.name();
                if (context.apiVersion() >= 6) {
                    result.setName(name);
                }
            } else {
                TopicImage topic = cache.image().topic(name);
                if (topic != null) {
                    result.setTopicId(topic.id());
                }
            }
            pending.add(topicAdmin.deleteTopic(name, request.timeoutMs()).handle((v, error) -> {
                if (error != null) {
                    result.setErrorCode(TopicAdmin.errorOf(error).code()).setErrorMessage(TopicAdmin.messageOf(error));
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }
}
