package io.gregor.server.handlers.group;

import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.metadata.BrokerRegistration;
import io.gregor.metadata.Endpoint;
import io.gregor.metadata.MetadataView;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.PartitionImage;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.server.admin.InternalTopics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * FindCoordinator: the coordinator of a group is the leader of its {@code __consumer_offsets}
 * partition; the topic is created on first use. Transaction and share coordinators do not exist
 * in Gregor yet: those keys get UNSUPPORTED_VERSION with a message, which clients report as a
 * clear, fatal error rather than retrying.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequestData> {
    private static final byte GROUP = 0;

    private final MetadataView cache;
    private final GroupCoordinator coordinator;
    private final InternalTopics internalTopics;

    public FindCoordinatorHandler(MetadataView cache, GroupCoordinator coordinator, InternalTopics internalTopics) {
        this.cache = cache;
        this.coordinator = coordinator;
        this.internalTopics = internalTopics;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.FIND_COORDINATOR, 0, 6);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, FindCoordinatorRequestData request) {
        short version = context.apiVersion();
        List<String> keys = version >= 4 ? request.coordinatorKeys() : List.of(request.key());
        if (request.keyType() != GROUP) {
            String message = request.keyType() == 1 ? "Transactions are not supported by Gregor yet"
                : "Coordinator key type " + request.keyType() + " is not supported by Gregor";
            return CompletableFuture.completedFuture(response(version, keys, k -> error(k, Errors.UNSUPPORTED_VERSION, message)));
        }
        return internalTopics.ensureOffsetsTopic().handle((v, e) -> {
            if (e != null) {
                String message = "The coordinator is not available: " + e.getMessage();
                return response(version, keys, k -> error(k, Errors.COORDINATOR_NOT_AVAILABLE, message));
            }
            MetadataImage image = cache.image();
            return response(version, keys, k -> locate(k, image, context.listenerName()));
        });
    }

    private Coordinator locate(String key, MetadataImage image, String listener) {
        if (key == null || key.isEmpty()) {
            return error(key, Errors.INVALID_REQUEST, "Group id must not be empty");
        }
        PartitionImage p = image.partition(new TopicPartition(GroupCoordinator.OFFSETS_TOPIC, coordinator.partitionFor(key)));
        BrokerRegistration broker = p == null || !p.hasLeader() ? null : image.brokers().get(p.leader());
        Endpoint endpoint = broker == null ? null : broker.endpoint(listener);
        if (endpoint == null) {
            return error(key, Errors.COORDINATOR_NOT_AVAILABLE, "The coordinator is not available.");
        }
        return new Coordinator().setKey(key).setNodeId(broker.id()).setHost(endpoint.host()).setPort(endpoint.port())
            .setErrorCode(Errors.NONE.code());
    }

    private static Coordinator error(String key, Errors error, String message) {
        return new Coordinator().setKey(key).setNodeId(-1).setHost("").setPort(-1).setErrorCode(error.code()).setErrorMessage(message);
    }

    private static ApiMessage response(short version, List<String> keys, java.util.function.Function<String, Coordinator> resolve) {
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        if (version >= 4) {
            List<Coordinator> out = new ArrayList<>();
            for (String k : keys) {
                out.add(resolve.apply(k));
            }
            return response.setCoordinators(out);
        }
        Coordinator c = resolve.apply(keys.get(0));
        return response.setErrorCode(c.errorCode()).setErrorMessage(c.errorMessage()).setNodeId(c.nodeId()).setHost(c.host()).setPort(c.port());
    }
}
