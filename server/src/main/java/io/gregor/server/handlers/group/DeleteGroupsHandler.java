package io.gregor.server.handlers.group;

import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** DeleteGroups: only empty groups (NON_EMPTY_GROUP otherwise); removes their offsets too. */
public final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequestData> {
    private final GroupCoordinator coordinator;

    public DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.DELETE_GROUPS, 0, 3);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DeleteGroupsRequestData request) {
        List<String> ids = request.groupsNames();
        List<CompletableFuture<Errors>> results = new ArrayList<>();
        for (String id : ids) {
            results.add(coordinator.deleteGroup(id));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DeleteGroupsResponseData response = new DeleteGroupsResponseData();
            for (int i = 0; i < ids.size(); i++) {
                if (response.results().find(ids.get(i)) == null) {
                    response.results().add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(ids.get(i))
                        .setErrorCode(results.get(i).join().code()));
                }
            }
            return response;
        });
    }
}
