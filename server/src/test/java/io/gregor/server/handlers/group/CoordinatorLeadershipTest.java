package io.gregor.server.handlers.group;

import static io.gregor.server.handlers.group.GroupHandlers.assignment;
import static io.gregor.server.handlers.group.GroupHandlers.await;
import static io.gregor.server.handlers.group.OffsetRequests.commit;
import static io.gregor.server.handlers.group.OffsetRequests.fetchAll;
import static io.gregor.server.handlers.group.OffsetRequests.named;
import static io.gregor.server.handlers.group.OffsetRequests.offsetOf;
import static io.gregor.server.handlers.group.OffsetRequests.partitions;
import static io.gregor.server.handlers.group.OffsetRequests.standalone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.PartitionState;
import io.gregor.metadata.store.TopicStore;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where the group handlers' answers come from: the coordinator of a group is the leader of its
 * {@code __consumer_offsets} partition. Broker 0 leads partition 0; broker 1 leads partition 1.
 * Leadership reaches the coordinator as it does in the broker, through the metadata image.
 */
class CoordinatorLeadershipTest {
    @RegisterExtension
    final GroupHandlers groups = GroupHandlers.withOffsetsTopic(2, Map.of(0, List.of(0), 1, List.of(1)));

    @Test
    void shouldAnswerNotCoordinatorWhenTheGroupsOffsetsPartitionIsLedByAnotherBroker() throws Exception {
        String elsewhere = groups.groupOn(1, "elsewhere");

        assertThat(await(groups.join(elsewhere, "")).errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(groups.heartbeat(elsewhere, "m", 1)).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(groups.commit((short) 9, standalone(elsewhere, named("t", 0, 1))).topics().get(0).partitions())
            .allSatisfy(p -> assertThat(p.errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code()));
        assertThat(groups.fetch((short) 8, fetchAll(elsewhere)).groups().get(0).errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(groups.describe(elsewhere).errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(groups.deleteGroups(elsewhere).results().find(elsewhere).errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());

        FindCoordinatorResponseData found = groups.findCoordinator((short) 3, new FindCoordinatorRequestData().setKey(elsewhere));
        assertThat(found.nodeId()).isEqualTo(1);
        assertThat(found.host()).isEqualTo("broker1");
        assertThat(found.port()).isEqualTo(9093);
    }

    @Test
    void shouldKeepCommittedOffsetsAndGroupsWhenTheCoordinatorReloadsAtANewLeaderEpoch() throws Exception {
        String group = groups.groupOn(0, "here");
        GroupHandlers.Member member = groups.stableMember(group);
        groups.commit((short) 9, commit(group, member.generation(), member.id(), named("t", 0, 1)));

        lead(PartitionState.NO_LEADER, 1);
        assertThat(groups.coordinator().coordinatedPartitions()).isEmpty();
        assertThat(groups.fetch((short) 8, fetchAll(group)).groups().get(0).errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());

        lead(0, 2);
        assertThat(groups.coordinator().coordinatedPartitions()).containsExactly(0);
        OffsetFetchResponseGroup fetched = groups.fetch((short) 8, fetchAll(group)).groups().get(0);
        assertThat(fetched.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(partitions(fetched)).containsExactlyInAnyOrder(tuple("t", 0, offsetOf(0)), tuple("t", 1, offsetOf(1)));
        DescribedGroup described = groups.describe(group);
        assertThat(described.groupState()).isEqualTo("Stable");
        assertThat(described.members()).singleElement()
            .satisfies(m -> assertThat(m.memberAssignment()).isEqualTo(assignment(member.id())));
        assertThat(groups.heartbeat(group, member.id(), member.generation())).isEqualTo(Errors.NONE);
    }

    /** Writes a new state of offsets partition 0, as the controller would. */
    private void lead(int leader, int leaderEpoch) throws Exception {
        PartitionImage p = groups.broker().partition(GroupCoordinator.OFFSETS_TOPIC, 0);
        PartitionState state = new PartitionState(leader, leaderEpoch, List.of(0), 0, p.state().partitionEpoch() + 1);
        assertThat(groups.broker().metadata.updatePartitionState(GroupCoordinator.OFFSETS_TOPIC, 0, state, p.stateVersion(),
            TopicStore.UNFENCED)).isTrue();
    }
}
