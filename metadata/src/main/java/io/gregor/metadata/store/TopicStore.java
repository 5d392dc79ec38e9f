package io.gregor.metadata.store;

import io.gregor.metadata.PartitionState;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Topics, their replica assignments and the state (leader, ISR, epochs) of each partition
 * ({@code /brokers/topics/...}), and deletion requests ({@code /admin/delete_topics}).
 *
 * <p>Every topic assignment and partition state has a version, starting at 0 and incremented
 * by every write; conditional writes name the version they were computed from and fail
 * (returning false) when it changed, so that two writers never both win. A controller's writes
 * are also fenced by its {@link ControllerEpoch#version()}: they fail once a later controller
 * has taken over.
 */
public interface TopicStore {
    /** A {@code controllerEpochVersion} meaning "not written by a controller": no fencing (as is any negative value). */
    int UNFENCED = -1;

    /**
     * Creates a topic: its assignment, its config overrides and the initial state of each
     * partition.
     *
     * @throws TopicExistsException if a topic with this name exists
     */
    void createTopic(String name, Uuid topicId, Map<Integer, List<Integer>> assignment, Map<String, String> configs,
                     Map<Integer, PartitionState> states) throws Exception;

    /**
     * Adds partitions to a topic.
     *
     * @param fullAssignment  the old and the new partitions
     * @param expectedVersion the topic's version the new assignment was computed from
     * @return false when the topic changed since {@code expectedVersion}
     * @throws UnknownTopicOrPartitionException when the topic does not exist
     */
    boolean addPartitions(String name, Uuid topicId, Map<Integer, List<Integer>> fullAssignment, int expectedVersion,
                          Map<Integer, PartitionState> newStates) throws Exception;

    /** The version of a topic's assignment, or -1 when the topic does not exist. */
    int topicVersion(String name) throws Exception;

    /** Creates the state of a partition that has none yet; false if someone else did first. */
    boolean createPartitionState(String topic, int partition, PartitionState state) throws Exception;

    /**
     * Replaces a partition state if it still has {@code expectedVersion}.
     *
     * @param controllerEpochVersion {@link #UNFENCED}, or the writing controller's epoch version
     * @return false when either version no longer matched, or the partition is gone
     */
    boolean updatePartitionState(String topic, int partition, PartitionState state, int expectedVersion,
                                 int controllerEpochVersion) throws Exception;

    /**
     * Rewrites a topic's assignment (for reassignments) if it still has {@code expectedVersion},
     * together with partition states (each conditional on its version in {@code stateVersions}),
     * all or nothing.
     *
     * @return false when a version no longer matched
     */
    boolean writeAssignment(String topic, Uuid topicId, ReplicaAssignment assignment, int expectedVersion,
                            Map<Integer, PartitionState> states, Map<Integer, Integer> stateVersions,
                            int controllerEpochVersion) throws Exception;

    /** Requests a topic's deletion (the controller carries it out); requesting twice is harmless. */
    void markTopicForDeletion(String topic) throws Exception;

    /** Removes a topic, its partitions, its configs and its deletion request. */
    void deleteTopic(String topic) throws Exception;
}
