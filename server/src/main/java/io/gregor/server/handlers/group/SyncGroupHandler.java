package io.gregor.server.handlers.group;

import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** SyncGroup: members receive the assignment the leader computed, once it is stored. */
public final class SyncGroupHandler implements ApiHandler<SyncGroupRequestData> {
    private final GroupCoordinator coordinator;

    public SyncGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.SYNC_GROUP, 0, 5);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, SyncGroupRequestData request) {
        return coordinator.syncGroup(request, context.apiVersion()).thenApply(r -> r);
    }
}
