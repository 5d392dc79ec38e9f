package io.gregor.metadata;

import java.util.List;

/**
 * One partition in a {@link MetadataImage}: its assigned replicas and, once written, its state
 * with the version needed for a conditional update. During a reassignment
 * {@code replicas} is the union of the old and new replica sets; {@code addingReplicas} and
 * {@code removingReplicas} say which are which.
 */
public record PartitionImage(int partition, List<Integer> replicas, PartitionState state, int stateVersion,
                             List<Integer> addingReplicas, List<Integer> removingReplicas) {

    public PartitionImage {
        replicas = List.copyOf(replicas);
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
    }

    public PartitionImage(int partition, List<Integer> replicas, PartitionState state, int stateVersion) {
        this(partition, replicas, state, stateVersion, List.of(), List.of());
    }

    /** Whether a reassignment of this partition is in progress. */
    public boolean isReassigning() {
        return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
    }

    /** The replicas the partition will have once its reassignment completes. */
    public List<Integer> targetReplicas() {
        List<Integer> target = new java.util.ArrayList<>(replicas);
        target.removeAll(removingReplicas);
        return target;
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
