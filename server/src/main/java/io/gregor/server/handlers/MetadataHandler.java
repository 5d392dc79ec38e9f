package io.gregor.server.handlers;

import io.gregor.metadata.BrokerRegistration;
import io.gregor.metadata.Endpoint;
import io.gregor.metadata.MetadataView;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.TopicImage;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.server.BrokerConfig;
import io.gregor.server.admin.TopicAdmin;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Metadata: brokers, controller, cluster id and topics with their partitions' leader, epoch,
 * replicas and ISR. Unknown topics are created when the request allows it and
 * {@code auto.create.topics.enable} is on; unlike Kafka, the answer waits briefly for the new
 * topic's leaders, so the client's first produce does not need a retry.
 */
public final class MetadataHandler implements ApiHandler<MetadataRequestData> {
    static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;
    private static final long AUTO_CREATE_WAIT_MS = 3000;

    private final MetadataView cache;
    private final TopicAdmin topicAdmin;
    private final BrokerConfig config;

    public MetadataHandler(MetadataView cache, TopicAdmin topicAdmin, BrokerConfig config) {
        this.cache = cache;
        this.topicAdmin = topicAdmin;
        this.config = config;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.METADATA, 0, 13);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, MetadataRequestData request) {
        short version = context.apiVersion();
        boolean allTopics = request.topics() == null || (version == 0 && request.topics().isEmpty());
        boolean autoCreate = (version < 4 || request.allowAutoTopicCreation()) && config.booleanValue(BrokerConfig.AUTO_CREATE_TOPICS_ENABLE);
        MetadataImage image = cache.image();
        if (!allTopics && autoCreate) {
            List<CompletableFuture<?>> creations = new ArrayList<>();
            for (MetadataRequestData.MetadataRequestTopic t : request.topics()) {
                if (t.name() != null && image.topic(t.name()) == null && isValidName(t.name())) {
                    creations.add(topicAdmin.createTopic(new TopicAdmin.TopicSpec(t.name(), -1, (short) -1, Map.of(), Map.of()),
                        false, AUTO_CREATE_WAIT_MS).handle((r, e) -> null));
                }
            }
            if (!creations.isEmpty()) {
                return CompletableFuture.allOf(creations.toArray(CompletableFuture[]::new))
                    .thenApply(v -> build(context, request, cache.image(), allTopics));
            }
        }
        return CompletableFuture.completedFuture(build(context, request, image, allTopics));
    }

    private static boolean isValidName(String name) {
        try {
            Topic.validate(name);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private ApiMessage build(RequestContext context, MetadataRequestData request, MetadataImage image, boolean allTopics) {
        MetadataResponseData response = new MetadataResponseData()
            .setClusterId(image.clusterId())
            .setControllerId(image.controllerId())
            .setClusterAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        for (BrokerRegistration broker : image.brokers().values()) {
            Endpoint endpoint = broker.endpoint(context.listenerName());
            if (endpoint != null) {
                response.brokers().add(new MetadataResponseBroker().setNodeId(broker.id()).setHost(endpoint.host())
                    .setPort(endpoint.port()).setRack(broker.rack()));
            }
        }
        if (allTopics) {
            for (TopicImage topic : image.topics().values()) {
                if (!topic.markedForDeletion()) {
                    response.topics().add(describe(topic, image, request.includeTopicAuthorizedOperations()));
                }
            }
            return response;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (MetadataRequestData.MetadataRequestTopic t : request.topics()) {
            if (t.name() == null) {
                TopicImage topic = t.topicId() == null ? null : image.topic(t.topicId());
                if (topic == null) {
                    response.topics().add(new MetadataResponseTopic().setTopicId(t.topicId()).setName(null)
                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()).setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED));
                } else if (seen.add(topic.name())) {
                    response.topics().add(describe(topic, image, request.includeTopicAuthorizedOperations()));
                }
                continue;
            }
            if (!seen.add(t.name())) {
                continue;
            }
            TopicImage topic = image.topic(t.name());
            if (topic == null || topic.markedForDeletion()) {
                Errors error = isValidName(t.name()) ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION;
                response.topics().add(new MetadataResponseTopic().setName(t.name()).setTopicId(Uuid.ZERO_UUID)
                    .setErrorCode(error.code()).setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED));
            } else {
                response.topics().add(describe(topic, image, request.includeTopicAuthorizedOperations()));
            }
        }
        return response;
    }

    static MetadataResponseTopic describe(TopicImage topic, MetadataImage image, boolean includeOperations) {
        MetadataResponseTopic out = new MetadataResponseTopic()
            .setName(topic.name())
            .setTopicId(topic.id())
            .setIsInternal(topic.isInternal())
            .setTopicAuthorizedOperations(includeOperations ? TopicOperations.ALL : AUTHORIZED_OPERATIONS_OMITTED);
        for (PartitionImage p : topic.partitions().values()) {
            List<Integer> offline = new ArrayList<>();
            for (int r : p.replicas()) {
                if (!image.isAlive(r)) {
                    offline.add(r);
                }
            }
            boolean leaderAlive = p.hasLeader() && image.isAlive(p.leader());
            out.partitions().add(new MetadataResponsePartition()
                .setPartitionIndex(p.partition())
                .setErrorCode(leaderAlive ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                .setLeaderId(leaderAlive ? p.leader() : -1)
                .setLeaderEpoch(p.leaderEpoch())
                .setReplicaNodes(new ArrayList<>(p.replicas()))
                .setIsrNodes(new ArrayList<>(p.isr()))
                .setOfflineReplicas(offline));
        }
        return out;
    }

    /** Authorized-operation bit sets, for clients that ask (Gregor has no authorizer: everything is allowed). */
    static final class TopicOperations {
        // READ(3), WRITE(4), CREATE(5), DELETE(6), ALTER(7), DESCRIBE(8), DESCRIBE_CONFIGS(10), ALTER_CONFIGS(11)
        static final int ALL = (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);

        private TopicOperations() {
        }
    }
}
