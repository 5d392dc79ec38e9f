package io.gregor.metadata;

import java.util.List;

/**
 * One partition in a {@link MetadataImage}: its assigned replicas and, once written, its state
 * with the ZooKeeper version needed for a conditional update.
 */
public record PartitionImage(int partition, List<Integer> replicas, PartitionState state, int stateVersion) {

    public PartitionImage {
        replicas = List.copyOf(replicas);
    }

    public int leader() {
        return state == null ? PartitionState.NO_LEADER : state.leader();
    }

    public int leaderEpoch() {
        return state == null ? -1 : state.leaderEpoch();
    }

    public List<Integer> isr() {
        return state == null ? List.of() : state.isr();
    }

    public boolean hasLeader() {
        return state != null && state.leader() != PartitionState.NO_LEADER;
    }
}
