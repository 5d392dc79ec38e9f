package io.gregor.metadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;

/**
 * Spreads partition replicas over brokers so that leaders (first replicas) and followers are
 * balanced: partition p's first replica is broker {@code (p + start) mod n}, and followers
 * follow it at a shift that changes every n partitions, so that the replicas of consecutive
 * partitions do not all land on the same followers. The starting point is random (seeded by the
 * caller in tests) so that topics do not all pile their leaders on the same broker.
 */
public final class ReplicaAssignor {
    private final Random random;

    public ReplicaAssignor(Random random) {
        this.random = random;
    }

    /**
     * @param brokers         live broker ids, any order
     * @param firstPartition  index of the first new partition (0 for a new topic)
     * @param count           number of partitions to assign
     * @param replicationFactor replicas per partition
     */
    public Map<Integer, List<Integer>> assign(List<Integer> brokers, int firstPartition, int count, int replicationFactor) {
        if (replicationFactor <= 0) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
        }
        if (replicationFactor > brokers.size()) {
            throw new InvalidReplicationFactorException("Replication factor: " + replicationFactor
                + " larger than available brokers: " + brokers.size() + ".");
        }
        List<Integer> sorted = new ArrayList<>(brokers);
        sorted.sort(Integer::compare);
        int n = sorted.size();
        int start = random.nextInt(n);
        int shift = random.nextInt(n);
        Map<Integer, List<Integer>> out = new LinkedHashMap<>();
        for (int p = firstPartition; p < firstPartition + count; p++) {
            if (p > 0 && p % n == 0) {
                shift++;
            }
            int first = (p + start) % n;
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            replicas.add(sorted.get(first));
            for (int j = 0; j < replicationFactor - 1; j++) {
                int offset = 1 + (shift + j) % (n - 1);
                replicas.add(sorted.get((first + offset) % n));
            }
            out.put(p, List.copyOf(replicas));
        }
        return out;
    }
}
