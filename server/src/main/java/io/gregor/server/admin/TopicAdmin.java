package io.gregor.server.admin;

import io.gregor.common.Futures;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.MetadataView;
import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.PartitionState;
import io.gregor.metadata.ReplicaAssignor;
import io.gregor.metadata.TopicImage;
import io.gregor.metadata.store.TopicStore;
import io.gregor.server.BrokerConfig;
import io.gregor.storage.config.LogConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicDeletionDisabledException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;

/**
 * Creating, deleting and growing topics, with Kafka's validation rules and error codes. Shared by
 * CreateTopics, DeleteTopics, CreatePartitions, auto-creation in Metadata and the coordinators'
 * internal topics.
 *
 * <p>Store writes (ZooKeeper round trips) run on the admin executor; each operation completes once this broker's
 * metadata image shows the result (all partitions with a leader, or the topic gone), so that a
 * client's next request already sees it. Thread-safe.
 */
public final class TopicAdmin {
    private final TopicStore store;
    private final MetadataView cache;
    private final BrokerConfig config;
    private final ReplicaAssignor assignor;
    private final Executor executor;

    public TopicAdmin(TopicStore store, MetadataView cache, BrokerConfig config, ReplicaAssignor assignor, Executor executor) {
        this.store = store;
        this.cache = cache;
        this.config = config;
        this.assignor = assignor;
        this.executor = executor;
    }

    /** What a client asked for; -1 partitions or replication factor means "broker default". */
    public record TopicSpec(String name, int numPartitions, short replicationFactor, Map<Integer, List<Integer>> assignments,
                            Map<String, String> configs) {
    }

    /** The created (or validated) topic. */
    public record Created(Uuid topicId, int numPartitions, short replicationFactor) {
    }

    /** Checks everything that can be checked without writing; returns the partition assignment. */
    public Map<Integer, List<Integer>> validate(TopicSpec spec) {
        MetadataImage image = cache.image();
        Topic.validate(spec.name());
        if (image.topic(spec.name()) != null) {
            throw new TopicExistsException("Topic '" + spec.name() + "' already exists.");
        }
        if (Topic.hasCollisionChars(spec.name())) {
            String unified = Topic.unifyCollisionChars(spec.name());
            for (String existing : image.topics().keySet()) {
                if (Topic.unifyCollisionChars(existing).equals(unified)) {
                    throw new InvalidTopicException("Topic '" + spec.name() + "' collides with existing topic: " + existing);
                }
            }
        }
        LogConfig.validateOverrides(spec.configs());
        List<Integer> live = new ArrayList<>(image.brokers().keySet());
        if (spec.assignments() != null && !spec.assignments().isEmpty()) {
            if (spec.numPartitions() != -1 || spec.replicationFactor() != -1) {
                throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments were set. "
                    + "Both cannot be used at the same time.");
            }
            validateAssignment(spec.assignments(), 0, image);
            return new TreeMap<>(spec.assignments());
        }
        int partitions = spec.numPartitions() == -1 ? config.intValue(BrokerConfig.NUM_PARTITIONS) : spec.numPartitions();
        int rf = spec.replicationFactor() == -1 ? config.intValue(BrokerConfig.DEFAULT_REPLICATION_FACTOR) : spec.replicationFactor();
        if (partitions <= 0) {
            throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
        }
        if (rf <= 0) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0, or -1 to use the default value.");
        }
        if (rf > live.size()) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + rf
                + " time(s): The target replication factor of " + rf + " cannot be reached because only " + live.size()
                + " broker(s) are registered.");
        }
        return assignor.assign(racks(image), 0, partitions, rf);
    }

    private static Map<Integer, String> racks(MetadataImage image) {
        Map<Integer, String> racks = new java.util.HashMap<>();
        image.brokers().forEach((id, b) -> racks.put(id, b.rack()));
        return racks;
    }

    private static void validateAssignment(Map<Integer, List<Integer>> assignment, int firstPartition, MetadataImage image) {
        int rf = -1;
        for (int p = firstPartition; p < firstPartition + assignment.size(); p++) {
            List<Integer> replicas = assignment.get(p);
            if (replicas == null) {
                throw new InvalidReplicaAssignmentException("Partitions should be consecutive and start at " + firstPartition
                    + "; partition " + p + " is missing");
            }
            if (replicas.isEmpty()) {
                throw new InvalidReplicaAssignmentException("Partition " + p + " has an empty replica list");
            }
            if (new HashSet<>(replicas).size() != replicas.size()) {
                throw new InvalidReplicaAssignmentException("Duplicate brokers not allowed in replica assignment: " + replicas
                    + " for partition id " + p + ".");
            }
            if (rf >= 0 && replicas.size() != rf) {
                throw new InvalidReplicaAssignmentException("All partitions should have the same number of replicas");
            }
            rf = replicas.size();
            for (int broker : replicas) {
                if (!image.isAlive(broker)) {
                    throw new InvalidReplicaAssignmentException("Unknown broker " + broker + " in the assignment of partition " + p);
                }
            }
        }
    }

    /** Creates a topic and waits (up to {@code timeoutMs}) until all its partitions have a leader. */
    public CompletableFuture<Created> createTopic(TopicSpec spec, boolean validateOnly, long timeoutMs) {
        Map<Integer, List<Integer>> assignment;
        try {
            assignment = validate(spec);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        short rf = (short) assignment.values().iterator().next().size();
        if (validateOnly) {
            return CompletableFuture.completedFuture(new Created(Uuid.ZERO_UUID, assignment.size(), rf));
        }
        // Uuid.randomUuid reads the OS's entropy source: not on a network thread.
        Uuid[] topicId = new Uuid[1];
        return CompletableFuture.runAsync(() -> {
            topicId[0] = Uuid.randomUuid();
            MetadataImage image = cache.image();
            Map<Integer, PartitionState> states = new TreeMap<>();
            for (Map.Entry<Integer, List<Integer>> e : assignment.entrySet()) {
                states.put(e.getKey(), initialState(e.getValue(), image));
            }
            try {
                store.createTopic(spec.name(), topicId[0], assignment, spec.configs(), states);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, executor).exceptionallyCompose(e -> {
            Throwable cause = Futures.unwrap(e);
            if (!(cause instanceof TopicExistsException)) {
                return CompletableFuture.failedFuture(cause);
            }
            // Someone else created it first, and this broker may not have seen it yet. A client
            // told "exists" goes on to describe the topic (Connect checks that its internal
            // topics are compacted), so answer once this broker can describe it.
            return awaitImage(image -> image.topic(spec.name()) != null, timeoutMs)
                .handle((image, timeout) -> { throw (TopicExistsException) cause; });
        }).thenCompose(v -> awaitImage(image -> {
            TopicImage t = image.topic(spec.name());
            return t != null && t.partitions().size() == assignment.size()
                && t.partitions().values().stream().allMatch(PartitionImage::hasLeader);
        }, timeoutMs)).thenApply(image -> new Created(topicId[0], assignment.size(), rf));
    }

    private static PartitionState initialState(List<Integer> replicas, MetadataImage image) {
        List<Integer> live = new ArrayList<>();
        for (int r : replicas) {
            if (image.isAlive(r)) {
                live.add(r);
            }
        }
        int leader = live.isEmpty() ? PartitionState.NO_LEADER : live.get(0);
        return new PartitionState(leader, 0, live, 0, 0);
    }

    /** Deletes a topic (the controller removes it) and waits until this broker's image no longer has it. */
    public CompletableFuture<Void> deleteTopic(String name, long timeoutMs) {
        if (!config.booleanValue(BrokerConfig.DELETE_TOPIC_ENABLE)) {
            return CompletableFuture.failedFuture(new TopicDeletionDisabledException("Topic deletion is disabled."));
        }
        if (cache.image().topic(name) == null) {
            return CompletableFuture.failedFuture(new UnknownTopicOrPartitionException("This server does not host this topic-partition."));
        }
        return CompletableFuture.runAsync(() -> {
            try {
                store.markTopicForDeletion(name);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, executor).thenCompose(v -> awaitImage(image -> image.topic(name) == null, timeoutMs)).thenApply(image -> null);
    }

    /** Grows a topic to {@code newCount} partitions. */
    public CompletableFuture<Void> createPartitions(String name, int newCount, List<List<Integer>> assignments, boolean validateOnly,
                                                    long timeoutMs) {
        MetadataImage image = cache.image();
        TopicImage topic = image.topic(name);
        if (topic == null || topic.markedForDeletion()) {
            return CompletableFuture.failedFuture(new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist."));
        }
        int current = topic.partitions().size();
        if (newCount < current) {
            return CompletableFuture.failedFuture(new InvalidPartitionsException("Topic currently has " + current
                + " partitions, which is higher than the requested " + newCount + "."));
        }
        if (newCount == current) {
            return CompletableFuture.failedFuture(new InvalidPartitionsException("Topic already has " + current + " partitions."));
        }
        int added = newCount - current;
        Map<Integer, List<Integer>> newAssignment;
        try {
            if (assignments != null) {
                if (assignments.size() != added) {
                    throw new InvalidReplicaAssignmentException("Increasing the number of partitions by " + added
                        + " but " + assignments.size() + " assignments provided.");
                }
                newAssignment = new TreeMap<>();
                for (int i = 0; i < added; i++) {
                    newAssignment.put(current + i, assignments.get(i));
                }
                validateAssignment(newAssignment, current, image);
                if (newAssignment.get(current).size() != topic.replicationFactor()) {
                    throw new InvalidReplicaAssignmentException("Inconsistent replication factor between partitions, partition 0 has "
                        + topic.replicationFactor() + " while partitions [" + current + "] have replication factors ["
                        + newAssignment.get(current).size() + "], respectively.");
                }
            } else {
                newAssignment = assignor.assign(racks(image), current, added, topic.replicationFactor());
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (validateOnly) {
            return CompletableFuture.completedFuture(null);
        }
        Map<Integer, List<Integer>> full = new TreeMap<>();
        topic.partitions().forEach((p, part) -> full.put(p, part.replicas()));
        full.putAll(newAssignment);
        return CompletableFuture.runAsync(() -> {
            boolean written;
            try {
                int version = store.topicVersion(name);
                Map<Integer, PartitionState> states = new TreeMap<>();
                newAssignment.forEach((p, replicas) -> states.put(p, initialState(replicas, cache.image())));
                written = store.addPartitions(name, topic.id(), full, version, states);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
            if (!written) {
                throw new CompletionException(new InvalidRequestException("The topic changed concurrently; retry"));
            }
        }, executor).thenCompose(v -> awaitImage(img -> {
            TopicImage t = img.topic(name);
            return t != null && t.partitions().size() == newCount && t.partitions().values().stream().allMatch(PartitionImage::hasLeader);
        }, timeoutMs)).thenApply(img -> null);
    }

    private CompletableFuture<MetadataImage> awaitImage(java.util.function.Predicate<MetadataImage> condition, long timeoutMs) {
        return cache.await(condition).orTimeout(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS)
            .exceptionallyCompose(e -> {
                Throwable cause = Futures.unwrap(e);
                if (cause instanceof TimeoutException) {
                    return CompletableFuture.failedFuture(new org.apache.kafka.common.errors.TimeoutException(
                        "The operation was accepted but did not complete within " + timeoutMs + " ms"));
                }
                return CompletableFuture.failedFuture(cause);
            });
    }

    /** Unwraps a future's failure to the Kafka error it stands for. */
    public static Errors errorOf(Throwable t) {
        return Errors.forException(Futures.unwrap(t));
    }

    /** The message of the Kafka error a future's failure stands for. */
    public static String messageOf(Throwable t) {
        return Futures.unwrap(t).getMessage();
    }

    /** Names of topics that exist, for duplicate checks in a request. */
    public Set<String> topicNames() {
        return cache.image().topics().keySet();
    }
}
