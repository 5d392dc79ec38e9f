package io.gregor.server.handlers.group;

import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** LeaveGroup: one member (v0-2) or a batch of members, possibly static (v3+). */
public final class LeaveGroupHandler implements ApiHandler<LeaveGroupRequestData> {
    private final GroupCoordinator coordinator;

    public LeaveGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.LEAVE_GROUP, 0, 5);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, LeaveGroupRequestData request) {
        boolean batch = context.apiVersion() >= 3;
        List<GroupCoordinator.Leaving> leaving = new ArrayList<>();
        if (batch) {
            request.members().forEach(m -> leaving.add(new GroupCoordinator.Leaving(m.memberId(), m.groupInstanceId(), m.reason())));
        } else {
            leaving.add(new GroupCoordinator.Leaving(request.memberId(), null, null));
        }
        return coordinator.leaveGroup(request.groupId(), leaving).thenApply(result -> {
            LeaveGroupResponseData response = new LeaveGroupResponseData();
            Errors groupError = result.getKey();
            if (groupError != Errors.NONE) {
                return response.setErrorCode(groupError.code());
            }
            if (!batch) {
                return response.setErrorCode(result.getValue().get(0).code());
            }
            for (int i = 0; i < leaving.size(); i++) {
                response.members().add(new LeaveGroupResponseData.MemberResponse().setMemberId(leaving.get(i).memberId())
                    .setGroupInstanceId(leaving.get(i).instanceId()).setErrorCode(result.getValue().get(i).code()));
            }
            return response;
        });
    }
}
