package io.gregor.server.handlers.group;

import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * DescribeGroups: state, protocol and members (with metadata and assignment when Stable). A group
 * that does not exist is Dead (v0-5) or GROUP_ID_NOT_FOUND (v6+, KIP-1043).
 */
public final class DescribeGroupsHandler implements ApiHandler<DescribeGroupsRequestData> {
    // READ(3), DELETE(6), DESCRIBE(8): what an all-allowing authorizer grants on a group.
    private static final int GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.DESCRIBE_GROUPS, 0, 6);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeGroupsRequestData request) {
        List<CompletableFuture<DescribedGroup>> described = new ArrayList<>();
        for (String groupId : request.groups()) {
            described.add(coordinator.describeGroup(groupId, context.apiVersion()));
        }
        return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DescribeGroupsResponseData response = new DescribeGroupsResponseData();
            for (CompletableFuture<DescribedGroup> f : described) {
                DescribedGroup g = f.join();
                g.setAuthorizedOperations(request.includeAuthorizedOperations() ? GROUP_OPERATIONS : Integer.MIN_VALUE);
                response.groups().add(g);
            }
            return response;
        });
    }
}
