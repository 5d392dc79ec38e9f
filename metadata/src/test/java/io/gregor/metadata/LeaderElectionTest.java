package io.gregor.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {
    private static final MetadataImage BROKERS_0_AND_2 = new MetadataImage(1, "c", 0,
        Map.of(0, broker(0), 2, broker(2)), Map.of(), Map.of(), Map.of(), Map.of());

    @Test
    void shouldListLiveInSyncReplicasInReplicaOrder() {
        PartitionImage p = partition(List.of(2, 1, 0), new PartitionState(0, 3, List.of(0, 1, 2), 1, 4));

        assertThat(LeaderElection.liveIsr(BROKERS_0_AND_2, p)).containsExactly(2, 0);
    }

    @Test
    void shouldPreferTheFirstReplicaOfTheReassignmentTarget() {
        PartitionImage moving = new PartitionImage(0, List.of(1, 2, 0), new PartitionState(0, 0, List.of(0, 1, 2), 1, 0), 0,
            List.of(2), List.of(1));

        assertThat(LeaderElection.preferredLeader(moving)).isEqualTo(2);
        assertThat(LeaderElection.preferredLeader(partition(List.of(), null))).isEqualTo(-1);
    }

    @Test
    void shouldElectThePreferredLeaderOnlyWhenItIsAliveInSyncAndNotLeading() {
        assertThat(LeaderElection.canElectPreferred(BROKERS_0_AND_2, partition(List.of(2, 0), new PartitionState(0, 0, List.of(0, 2), 1, 0))))
            .isTrue();
        assertThat(LeaderElection.canElectPreferred(BROKERS_0_AND_2, partition(List.of(2, 0), new PartitionState(0, 0, List.of(0), 1, 0))))
            .as("not in sync").isFalse();
        assertThat(LeaderElection.canElectPreferred(BROKERS_0_AND_2, partition(List.of(1, 0), new PartitionState(0, 0, List.of(0, 1), 1, 0))))
            .as("not alive").isFalse();
        assertThat(LeaderElection.canElectPreferred(BROKERS_0_AND_2, partition(List.of(2, 0), new PartitionState(2, 0, List.of(0, 2), 1, 0))))
            .as("already leading").isFalse();
        assertThat(LeaderElection.canElectPreferred(BROKERS_0_AND_2, partition(List.of(2, 0), null))).as("no state yet").isFalse();
    }

    @Test
    void shouldMakeThePreferredReplicaLeaderInANewLeaderEpochKeepingTheIsr() {
        PartitionImage p = partition(List.of(2, 0), new PartitionState(0, 4, List.of(0, 2), 1, 6));

        assertThat(LeaderElection.preferred(p, 3)).isEqualTo(new PartitionState(2, 5, List.of(0, 2), 3, 7));
    }

    @Test
    void shouldElectTheFirstLiveReplicaAloneInTheIsrWhenUnclean() {
        PartitionImage p = partition(List.of(1, 2, 0), new PartitionState(1, 4, List.of(1), 1, 6));

        assertThat(LeaderElection.unclean(BROKERS_0_AND_2, p, 3)).isEqualTo(new PartitionState(2, 5, List.of(2), 3, 7));
        assertThat(LeaderElection.unclean(new MetadataImage(1, "c", 0, Map.of(), Map.of(), Map.of(), Map.of(), Map.of()), p, 3))
            .as("no replica alive").isNull();
    }

    private static PartitionImage partition(List<Integer> replicas, PartitionState state) {
        return new PartitionImage(0, replicas, state, state == null ? -1 : 0);
    }

    private static BrokerRegistration broker(int id) {
        return new BrokerRegistration(id, List.of(new Endpoint("PLAINTEXT", "localhost", 9092 + id)), null, 0);
    }
}
