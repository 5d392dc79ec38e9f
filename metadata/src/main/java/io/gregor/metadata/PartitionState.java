package io.gregor.metadata;

import java.util.List;

/**
 * Leadership of one partition, as stored in its {@code state} node. Every change of leader
 * bumps {@code leaderEpoch}; every change at all bumps {@code partitionEpoch}. Writes are
 * conditional on the state's version (see {@link io.gregor.metadata.store.TopicStore}), so two
 * writers never both win.
 *
 * @param leader          broker id of the leader, or -1 when the partition is offline
 * @param isr             in-sync replicas (always contains the leader when there is one)
 * @param controllerEpoch epoch of the controller (or broker) that wrote this state
 */
public record PartitionState(int leader, int leaderEpoch, List<Integer> isr, int controllerEpoch, int partitionEpoch) {
    public static final int NO_LEADER = -1;

    public PartitionState {
        isr = List.copyOf(isr);
    }

    public PartitionState withLeader(int newLeader, List<Integer> newIsr, int newControllerEpoch) {
        return new PartitionState(newLeader, leaderEpoch + 1, newIsr, newControllerEpoch, partitionEpoch + 1);
    }

    public PartitionState withIsr(List<Integer> newIsr) {
        return new PartitionState(leader, leaderEpoch, newIsr, controllerEpoch, partitionEpoch + 1);
    }
}
