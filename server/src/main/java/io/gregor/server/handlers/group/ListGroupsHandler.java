package io.gregor.server.handlers.group;

import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** ListGroups: the groups this broker coordinates, filtered by state (v4+) and type (v5+; all are "classic"). */
public final class ListGroupsHandler implements ApiHandler<ListGroupsRequestData> {
    private final GroupCoordinator coordinator;

    public ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.LIST_GROUPS, 0, 5);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ListGroupsRequestData request) {
        if (context.apiVersion() >= 5 && request.typesFilter() != null && !request.typesFilter().isEmpty()
            && request.typesFilter().stream().noneMatch(t -> t.equalsIgnoreCase("classic"))) {
            return CompletableFuture.completedFuture(new ListGroupsResponseData());
        }
        if (coordinator.anyLoading()) {
            return CompletableFuture.completedFuture(new ListGroupsResponseData().setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code()));
        }
        return coordinator.listGroups(context.apiVersion() >= 4 ? request.statesFilter() : null)
            .thenApply(groups -> new ListGroupsResponseData().setGroups(groups));
    }
}
