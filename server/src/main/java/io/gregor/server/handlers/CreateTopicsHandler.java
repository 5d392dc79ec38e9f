package io.gregor.server.handlers;

import io.gregor.metadata.MetadataView;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.server.admin.ConfigDescriber;
import io.gregor.server.admin.TopicAdmin;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * CreateTopics, including validate-only requests, explicit replica assignments and per-topic
 * configs. Each topic succeeds or fails on its own; duplicates within one request fail with
 * INVALID_REQUEST. From v5 the answer carries the topic's effective configs.
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequestData> {
    private final TopicAdmin topicAdmin;
    private final MetadataView cache;
    private final ConfigDescriber configs;

    public CreateTopicsHandler(TopicAdmin topicAdmin, MetadataView cache, ConfigDescriber configs) {
        this.topicAdmin = topicAdmin;
        this.cache = cache;
        this.configs = configs;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.CREATE_TOPICS, 2, 7);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, CreateTopicsRequestData request) {
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreatableTopic t : request.topics()) {
            if (!seen.add(t.name())) {
                duplicates.add(t.name());
            }
        }
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (CreatableTopic t : request.topics()) {
            CreatableTopicResult result = new CreatableTopicResult().setName(t.name()).setTopicId(Uuid.ZERO_UUID)
                .setNumPartitions(-1).setReplicationFactor((short) -1);
            if (response.topics().find(t.name()) != null) {
                continue;
            }
            response.topics().add(result);
            if (duplicates.contains(t.name())) {
                result.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("Create topics request from client `" + context.clientId()
                        + "` contains multiple entries for the following topics: " + t.name());
                continue;
            }
            Map<Integer, List<Integer>> assignments = new HashMap<>();
            t.assignments().forEach(a -> assignments.put(a.partitionIndex(), new ArrayList<>(a.brokerIds())));
            Map<String, String> topicConfigs = new HashMap<>();
            t.configs().forEach(c -> topicConfigs.put(c.name(), c.value()));
            TopicAdmin.TopicSpec spec = new TopicAdmin.TopicSpec(t.name(), t.numPartitions(), t.replicationFactor(), assignments, topicConfigs);
            pending.add(topicAdmin.createTopic(spec, request.validateOnly(), request.timeoutMs()).handle((created, error) -> {
                if (error != null) {
                    result.setErrorCode(TopicAdmin.errorOf(error).code()).setErrorMessage(TopicAdmin.messageOf(error));
                } else {
                    result.setTopicId(created.topicId()).setNumPartitions(created.numPartitions())
                        .setReplicationFactor(created.replicationFactor());
                    if (context.apiVersion() >= 5) {
                        result.setConfigs(describe(t.name(), topicConfigs));
                    }
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    private List<CreatableTopicConfigs> describe(String topic, Map<String, String> overrides) {
        io.gregor.metadata.TopicImage image = cache.image().topic(topic);
        if (image == null) {
            image = new io.gregor.metadata.TopicImage(topic, Uuid.ZERO_UUID, new java.util.TreeMap<>(), overrides, false);
        }
        List<CreatableTopicConfigs> out = new ArrayList<>();
        for (ConfigDescriber.Described d : configs.describeTopic(image, cache.image().brokerConfigs())) {
            out.add(new CreatableTopicConfigs().setName(d.name()).setValue(d.value()).setReadOnly(d.readOnly())
                .setConfigSource(d.source().id()).setIsSensitive(d.sensitive()));
        }
        return out;
    }
}
