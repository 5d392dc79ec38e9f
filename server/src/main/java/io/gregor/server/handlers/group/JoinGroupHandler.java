package io.gregor.server.handlers.group;

import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** JoinGroup: the answer comes when the group's rebalance completes (or fails). */
public final class JoinGroupHandler implements ApiHandler<JoinGroupRequestData> {
    private final GroupCoordinator coordinator;

    public JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.JOIN_GROUP, 0, 9);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, JoinGroupRequestData request) {
        String host = context.clientAddress() == null ? "" : context.clientAddress().toString();
        return coordinator.joinGroup(request, context.apiVersion(), context.clientId(), host).thenApply(r -> r);
    }
}
