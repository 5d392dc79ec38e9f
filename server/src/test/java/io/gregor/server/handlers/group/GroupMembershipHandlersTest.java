package io.gregor.server.handlers.group;

import static io.gregor.server.handlers.group.GroupHandlers.assignment;
import static io.gregor.server.handlers.group.GroupHandlers.await;
import static io.gregor.server.handlers.group.GroupHandlers.joinRequest;
import static io.gregor.server.handlers.group.GroupHandlers.leaving;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * JoinGroup, SyncGroup, Heartbeat and LeaveGroup through their handlers, on a real coordinator
 * (see {@link GroupHandlers}): broker 0 leads the one {@code __consumer_offsets} partition.
 */
class GroupMembershipHandlersTest {
    private static final String GROUP = "g";

    @RegisterExtension
    final GroupHandlers groups = GroupHandlers.alone();

    @Test
    void shouldRebalanceToANewGenerationWithBothAssignmentsWhenASecondMemberJoins() throws Exception {
        JoinGroupResponseData required = await(groups.join(GROUP, ""));
        assertThat(required.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        assertThat(required.generationId()).isEqualTo(-1);
        String a = required.memberId();
        assertThat(a).isNotEmpty();

        JoinGroupResponseData first = await(groups.join(GROUP, a));
        assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(first.generationId()).isEqualTo(1);
        assertThat(first.leader()).isEqualTo(a);
        assertThat(first.protocolName()).isEqualTo(GroupHandlers.PROTOCOL);
        assertThat(first.members()).extracting(JoinGroupResponseMember::memberId).containsExactly(a);
        assertThat(await(groups.sync(GROUP, a, 1, Map.of(a, assignment(a)))).assignment()).isEqualTo(assignment(a));

        String b = groups.memberIdFor(GROUP);
        CompletableFuture<JoinGroupResponseData> bJoined = groups.join(GROUP, b);
        assertThat(groups.heartbeat(GROUP, a, 1)).as("the leader learns of the rebalance").isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(bJoined).as("the rebalance waits for the leader to rejoin").isNotDone();

        JoinGroupResponseData aJoined = await(groups.join(GROUP, a));
        JoinGroupResponseData bAnswer = await(bJoined);
        assertThat(aJoined.generationId()).isEqualTo(2);
        assertThat(bAnswer.generationId()).isEqualTo(2);
        assertThat(bAnswer.memberId()).isEqualTo(b);
        assertThat(aJoined.leader()).isEqualTo(a);
        assertThat(bAnswer.leader()).isEqualTo(a);
        assertThat(aJoined.members()).extracting(JoinGroupResponseMember::memberId).containsExactlyInAnyOrder(a, b);
        assertThat(aJoined.members()).allSatisfy(m -> assertThat(m.metadata()).isEqualTo(GroupHandlers.SUBSCRIPTION));
        assertThat(bAnswer.members()).as("only the leader gets the members").isEmpty();

        CompletableFuture<SyncGroupResponseData> bSynced = groups.sync(GROUP, b, 2, Map.of());
        assertThat(bSynced).as("a follower waits for the leader's assignment").isNotDone();
        SyncGroupResponseData aSynced = await(groups.sync(GROUP, a, 2, Map.of(a, assignment(a), b, assignment(b))));
        assertThat(aSynced.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(aSynced.assignment()).isEqualTo(assignment(a));
        assertThat(await(bSynced).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(await(bSynced).assignment()).isEqualTo(assignment(b));
        assertThat(groups.heartbeat(GROUP, b, 2)).isEqualTo(Errors.NONE);
    }

    @Test
    void shouldRefuseHeartbeatsOfOldGenerationsAndUnknownMembers() throws Exception {
        GroupHandlers.Member member = groups.stableMember(GROUP);

        assertThat(groups.heartbeat(GROUP, member.id(), member.generation())).isEqualTo(Errors.NONE);
        assertThat(groups.heartbeat(GROUP, member.id(), member.generation() - 1)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(groups.heartbeat(GROUP, "nobody", member.generation())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(groups.heartbeat("no-such-group", member.id(), member.generation())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void shouldRefuseASyncOfAnOldGeneration() throws Exception {
        GroupHandlers.Member member = groups.stableMember(GROUP);

        SyncGroupResponseData stale = await(groups.sync(GROUP, member.id(), member.generation() + 1, Map.of()));

        assertThat(stale.errorCode()).isEqualTo(Errors.ILLEGAL_GENERATION.code());
    }

    @Test
    void shouldRemoveABatchOfMembersAndAnswerEachWhenTheyLeaveTogether() throws Exception {
        String a = groups.stableMember(GROUP).id();
        String b = groups.memberIdFor(GROUP);
        CompletableFuture<JoinGroupResponseData> bJoined = groups.join(GROUP, b);
        await(groups.join(GROUP, a));
        await(bJoined);

        LeaveGroupRequestData request = new LeaveGroupRequestData().setGroupId(GROUP)
            .setMembers(List.of(leaving(a, null), leaving(b, null), leaving("nobody", null)));
        LeaveGroupResponseData response = groups.leave((short) 5, request);

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.members()).extracting(MemberResponse::memberId, MemberResponse::errorCode).containsExactly(
            tuple(a, Errors.NONE.code()),
            tuple(b, Errors.NONE.code()),
            tuple("nobody", Errors.UNKNOWN_MEMBER_ID.code()));
        assertThat(groups.describe(GROUP).groupState()).isEqualTo("Empty");
    }

    @Test
    void shouldAnswerASingleLeavingMemberAtTheGroupLevelBeforeVersion3() throws Exception {
        String member = groups.stableMember(GROUP).id();

        LeaveGroupResponseData unknown = groups.leave((short) 2, new LeaveGroupRequestData().setGroupId(GROUP).setMemberId("nobody"));
        LeaveGroupResponseData left = groups.leave((short) 2, new LeaveGroupRequestData().setGroupId(GROUP).setMemberId(member));

        assertThat(unknown.errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(left.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(left.members()).isEmpty();
        assertThat(groups.heartbeat(GROUP, member, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void shouldFenceAStaticMemberWhenItLeavesWithAnotherMemberId() throws Exception {
        JoinGroupResponseData joined = await(groups.join(joinRequest(GROUP, "", "instance-1")));
        assertThat(joined.errorCode()).as("a static member needs no member id round trip").isEqualTo(Errors.NONE.code());
        String member = joined.memberId();

        LeaveGroupResponseData fenced = groups.leave((short) 5, new LeaveGroupRequestData().setGroupId(GROUP)
            .setMembers(List.of(leaving("an-older-incarnation", "instance-1"), leaving("", "instance-2"))));
        assertThat(fenced.members()).extracting(MemberResponse::errorCode)
            .containsExactly(Errors.FENCED_INSTANCE_ID.code(), Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(groups.describe(GROUP).members()).hasSize(1);

        LeaveGroupResponseData left = groups.leave((short) 5, new LeaveGroupRequestData().setGroupId(GROUP)
            .setMembers(List.of(leaving("", "instance-1"))));
        assertThat(left.members()).extracting(MemberResponse::memberId, MemberResponse::groupInstanceId, MemberResponse::errorCode)
            .containsExactly(tuple("", "instance-1", Errors.NONE.code()));
        assertThat(groups.describe(GROUP).members()).isEmpty();
        assertThat(groups.heartbeat(GROUP, member, joined.generationId())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }
}
