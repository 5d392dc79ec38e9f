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

    /**
     * Rack-aware assignment ({@code broker.rack}): when every broker has a rack, replicas of each
     * partition go to as many different racks as possible, and leaders still rotate over brokers.
     * Falls back to {@link #assign(List, int, int, int)} when some broker has no rack.
     */
    public Map<Integer, List<Integer>> assign(Map<Integer, String> brokerRacks, int firstPartition, int count, int replicationFactor) {
        List<Integer> brokers = new ArrayList<>(brokerRacks.keySet());
        if (brokerRacks.values().stream().anyMatch(java.util.Objects::isNull)
            || new java.util.HashSet<>(brokerRacks.values()).size() <= 1) {
            return assign(brokers, firstPartition, count, replicationFactor);
        }
        if (replicationFactor <= 0) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
        }
        if (replicationFactor > brokers.size()) {
            throw new InvalidReplicationFactorException("Replication factor: " + replicationFactor
                + " larger than available brokers: " + brokers.size() + ".");
        }
        // Interleave racks: r1b1, r2b1, r3b1, r1b2, ... so that neighbours are on different racks.
        java.util.TreeMap<String, List<Integer>> byRack = new java.util.TreeMap<>();
        brokerRacks.forEach((b, r) -> byRack.computeIfAbsent(r, k -> new ArrayList<>()).add(b));
        byRack.values().forEach(l -> l.sort(Integer::compare));
        List<Integer> ordered = new ArrayList<>();
        for (int i = 0; ordered.size() < brokers.size(); i++) {
            for (List<Integer> rack : byRack.values()) {
                if (i < rack.size()) {
                    ordered.add(rack.get(i));
                }
            }
        }
        int n = ordered.size();
        int racks = byRack.size();
        int start = random.nextInt(n);
        Map<Integer, List<Integer>> out = new LinkedHashMap<>();
        for (int p = firstPartition; p < firstPartition + count; p++) {
            int first = (p + start) % n;
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            java.util.Set<String> usedRacks = new java.util.HashSet<>();
            for (int k = 0; k < n && replicas.size() < replicationFactor; k++) {
                int b = ordered.get((first + k) % n);
                if (usedRacks.size() < racks && usedRacks.contains(brokerRacks.get(b))) {
                    continue;
                }
                replicas.add(b);
                usedRacks.add(brokerRacks.get(b));
            }
            for (int k = 0; k < n && replicas.size() < replicationFactor; k++) {
                int b = ordered.get((first + k) % n);
                if (!replicas.contains(b)) {
                    replicas.add(b);
                }
            }
            out.put(p, List.copyOf(replicas));
        }
        return out;
    }
}
