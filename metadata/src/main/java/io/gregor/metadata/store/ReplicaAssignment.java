package io.gregor.metadata.store;

import java.util.List;
import java.util.Map;

/**
 * The replicas of a topic's partitions, with the reassignments in progress: during one,
 * {@code replicas} is the union of the old and new replica sets, {@code adding} the new
 * replicas and {@code removing} the old ones (partitions that are not moving have no entry, or
 * an empty list).
 */
public record ReplicaAssignment(Map<Integer, List<Integer>> replicas, Map<Integer, List<Integer>> adding,
                                Map<Integer, List<Integer>> removing) {

    /** Replicas without any reassignment in progress. */
    public static ReplicaAssignment of(Map<Integer, List<Integer>> replicas) {
        return new ReplicaAssignment(replicas, Map.of(), Map.of());
    }
}
