package io.gregor.server.admin;

import io.gregor.metadata.LeaderElection;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.MetadataView;
import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.PartitionState;
import io.gregor.metadata.TopicImage;
import io.gregor.metadata.store.ReplicaAssignment;
import io.gregor.metadata.store.TopicStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * Leader elections on request (ElectLeaders) and partition reassignments
 * (AlterPartitionReassignments). Both are conditional writes of the {@link TopicStore}; the controller carries a
 * reassignment through (new replicas catch up, join the ISR, then the old ones are dropped).
 */
public final class PartitionAdmin {
    private static final int MAX_ATTEMPTS = 5;

    private final TopicStore store;
    private final MetadataView cache;
    private final Executor executor;

    public PartitionAdmin(TopicStore store, MetadataView cache, Executor executor) {
        this.store = store;
        this.cache = cache;
        this.executor = executor;
    }

    /** Election types, by their wire codes. */
    public enum ElectionType { PREFERRED, UNCLEAN }

    /**
     * Elects leaders.
     *
     * @param partitions null means every partition (then partitions needing no election are left out)
     */
    public CompletableFuture<Map<TopicPartition, ApiError>> electLeaders(ElectionType type, List<TopicPartition> partitions, long timeoutMs) {
        return CompletableFuture.supplyAsync(() -> {
            MetadataImage image = cache.image();
            boolean all = partitions == null;
            List<TopicPartition> targets = all ? allPartitions(image) : partitions;
            Map<TopicPartition, ApiError> results = new LinkedHashMap<>();
            Map<TopicPartition, Integer> expectedLeaders = new LinkedHashMap<>();
            for (TopicPartition tp : targets) {
                PartitionImage p = image.partition(tp);
                if (p == null || p.state() == null) {
                    results.put(tp, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The partition does not exist."));
                    continue;
                }
                PartitionState next;
                if (type == ElectionType.PREFERRED) {
                    if (p.leader() == LeaderElection.preferredLeader(p)) {
                        if (!all) {
                            results.put(tp, new ApiError(Errors.ELECTION_NOT_NEEDED, "Leader election not needed for topic partition."));
                        }
                        continue;
                    }
                    if (!LeaderElection.canElectPreferred(image, p)) {
                        results.put(tp, new ApiError(Errors.PREFERRED_LEADER_NOT_AVAILABLE,
                            "The preferred leader " + LeaderElection.preferredLeader(p) + " is not alive or not in sync."));
                        continue;
                    }
                    next = LeaderElection.preferred(p, p.state().controllerEpoch());
                } else {
                    if (p.hasLeader() && image.isAlive(p.leader())) {
                        if (!all) {
                            results.put(tp, new ApiError(Errors.ELECTION_NOT_NEEDED, "The partition has a live leader."));
                        }
                        continue;
                    }
                    next = LeaderElection.unclean(image, p, p.state().controllerEpoch());
                    if (next == null) {
                        results.put(tp, new ApiError(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, "No replica of the partition is alive."));
                        continue;
                    }
                }
                try {
                    if (store.updatePartitionState(tp.topic(), tp.partition(), next, p.stateVersion(), TopicStore.UNFENCED)) {
                        expectedLeaders.put(tp, next.leader());
                        results.put(tp, ApiError.NONE);
                    } else {
                        results.put(tp, new ApiError(Errors.REQUEST_TIMED_OUT, "The partition changed concurrently; retry."));
                    }
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }
            return Map.entry(results, expectedLeaders);
        }, executor).thenCompose(r -> cache.await(img -> r.getValue().entrySet().stream().allMatch(e -> {
            PartitionImage p = img.partition(e.getKey());
            return p == null || p.leader() == e.getValue();
        })).orTimeout(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS).handle((img, e) -> r.getKey()));
    }

    private static List<TopicPartition> allPartitions(MetadataImage image) {
        List<TopicPartition> out = new ArrayList<>();
        for (TopicImage t : image.topics().values()) {
            for (int p : t.partitions().keySet()) {
                out.add(new TopicPartition(t.name(), p));
            }
        }
        return out;
    }

    /**
     * Starts (or, with a null replica list, cancels) reassignments.
     *
     * @param requests partition → target replicas, or null to cancel
     */
    public CompletableFuture<Map<TopicPartition, ApiError>> alterReassignments(Map<TopicPartition, List<Integer>> requests,
                                                                            boolean allowReplicationFactorChange) {
        return CompletableFuture.supplyAsync(() -> {
            Map<TopicPartition, ApiError> results = new LinkedHashMap<>();
            Map<String, Map<Integer, List<Integer>>> byTopic = new TreeMap<>();
            requests.forEach((tp, replicas) -> byTopic.computeIfAbsent(tp.topic(), t -> new LinkedHashMap<>()).put(tp.partition(), replicas));
            for (Map.Entry<String, Map<Integer, List<Integer>>> e : byTopic.entrySet()) {
                for (int attempt = 0; ; attempt++) {
                    try {
                        if (alterTopic(e.getKey(), e.getValue(), allowReplicationFactorChange, results) || attempt >= MAX_ATTEMPTS) {
                            break;
                        }
                    } catch (Exception ex) {
                        throw new CompletionException(ex);
                    }
                }
            }
            return results;
        }, executor);
    }

    /** @return false when the topic changed concurrently (retry) */
    private boolean alterTopic(String topicName, Map<Integer, List<Integer>> requests, boolean allowRfChange,
                               Map<TopicPartition, ApiError> results) throws Exception {
        MetadataImage image = cache.image();
        TopicImage topic = image.topic(topicName);
        if (topic == null) {
            requests.keySet().forEach(p -> results.put(new TopicPartition(topicName, p),
                new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic does not exist.")));
            return true;
        }
        Map<Integer, List<Integer>> replicas = new TreeMap<>();
        Map<Integer, List<Integer>> adding = new TreeMap<>();
        Map<Integer, List<Integer>> removing = new TreeMap<>();
        for (PartitionImage p : topic.partitions().values()) {
            replicas.put(p.partition(), p.replicas());
            adding.put(p.partition(), p.addingReplicas());
            removing.put(p.partition(), p.removingReplicas());
        }
        boolean changed = false;
        for (Map.Entry<Integer, List<Integer>> r : requests.entrySet()) {
            TopicPartition tp = new TopicPartition(topicName, r.getKey());
            PartitionImage p = topic.partition(r.getKey());
            if (p == null) {
                results.put(tp, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The partition does not exist."));
                continue;
            }
            List<Integer> original = new ArrayList<>(p.replicas());
            original.removeAll(p.addingReplicas());
            List<Integer> target = r.getValue();
            if (target == null) {
                if (!p.isReassigning()) {
                    results.put(tp, new ApiError(Errors.NO_REASSIGNMENT_IN_PROGRESS, "No reassignment is in progress for " + tp));
                    continue;
                }
                replicas.put(p.partition(), original);
                adding.remove(p.partition());
                removing.remove(p.partition());
                results.put(tp, ApiError.NONE);
                changed = true;
                continue;
            }
            String invalid = validate(target, original, allowRfChange, image);
            if (invalid != null) {
                results.put(tp, new ApiError(invalid.startsWith("RF:") ? Errors.INVALID_REPLICATION_FACTOR : Errors.INVALID_REPLICA_ASSIGNMENT,
                    invalid.startsWith("RF:") ? invalid.substring(3) : invalid));
                continue;
            }
            List<Integer> full = new ArrayList<>(target);
            for (int o : original) {
                if (!full.contains(o)) {
                    full.add(o);
                }
            }
            List<Integer> add = new ArrayList<>(target);
            add.removeAll(original);
            List<Integer> remove = new ArrayList<>(original);
            remove.removeAll(target);
            replicas.put(p.partition(), add.isEmpty() && remove.isEmpty() ? target : full);
            adding.put(p.partition(), add);
            removing.put(p.partition(), remove);
            results.put(tp, ApiError.NONE);
            changed = true;
        }
        if (!changed) {
            return true;
        }
        boolean written = store.writeAssignment(topicName, topic.id(), new ReplicaAssignment(replicas, adding, removing),
            topic.assignmentVersion(), Map.of(), Map.of(), TopicStore.UNFENCED);
        if (!written) {
            requests.keySet().forEach(p -> results.remove(new TopicPartition(topicName, p)));
        }
        return written;
    }

    private static String validate(List<Integer> target, List<Integer> original, boolean allowRfChange, MetadataImage image) {
        if (target.isEmpty()) {
            return "The replica list is empty.";
        }
        if (new HashSet<>(target).size() != target.size()) {
            return "The replica list " + target + " contains duplicates.";
        }
        for (int b : target) {
            if (!image.brokers().containsKey(b)) {
                return "Broker " + b + " is not registered.";
            }
        }
        if (!allowRfChange && target.size() != original.size()) {
            return "RF:The replication factor cannot change from " + original.size() + " to " + target.size() + ".";
        }
        return null;
    }

    /** Ongoing reassignments, optionally restricted to some partitions. */
    public Map<TopicPartition, PartitionImage> ongoingReassignments(List<TopicPartition> only) {
        Map<TopicPartition, PartitionImage> out = new LinkedHashMap<>();
        for (TopicImage t : cache.image().topics().values()) {
            for (PartitionImage p : t.partitions().values()) {
                TopicPartition tp = new TopicPartition(t.name(), p.partition());
                if (p.isReassigning() && (only == null || only.contains(tp))) {
                    out.put(tp, p);
                }
            }
        }
        return out;
    }
}
